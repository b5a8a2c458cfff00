{#
    The health backtest pooled over every scoring month, per slice x weights
    version: ROC AUC of the score for churn (and contraction) in the next 90
    days, churn rate and lift by band, and the AUC of each component on its
    own, so a user can see which component carries signal. See
    _health__models.yml.
#}

{%- set components = health_components() %}
{%- set bands = ['red', 'yellow', 'green', 'insufficient_data'] %}
{%- set group_by = ['slice_dimension', 'slice_value', 'weights_version'] %}

with

account_months as (

    select * from {{ ref('int_health__backtest_account_months') }}

),

sliced as (

    {{ health_backtest_slices('account_months') }}

),

scored as (

    select * from sliced
    where health_band <> 'insufficient_data'

),

{{ roc_auc('churn_auc', 'scored', group_by, 'health_score', 'is_churned_90d') }},

{{ roc_auc('contraction_auc', 'scored', group_by, 'health_score', 'is_contracted_90d') }},

{%- for component in components %}

{{ roc_auc(component ~ '_auc', 'sliced', group_by, component ~ '_score', 'is_churned_90d') }},
{%- endfor %}

counts as (

    select
        slice_dimension,
        slice_value,
        weights_version,
        {% for band in bands %}
        sum(case when health_band = '{{ band }}' then 1 else 0 end) as account_months_{{ band }},
        sum(
            case when health_band = '{{ band }}' and is_churned_90d then 1 else 0 end
        ) as churned_90d_{{ band }},
        {% endfor %}
        count(*) as account_months,
        sum(case when is_churned_90d then 1 else 0 end) as churned_90d,
        sum(case when is_contracted_90d then 1 else 0 end) as contracted_90d
    from sliced
    group by slice_dimension, slice_value, weights_version

),

rates as (

    select
        {% for band in bands %}
        case
            when account_months_{{ band }} > 0
                then {{ divide_exact('churned_90d_' ~ band, 'account_months_' ~ band, 6) }}
        end as churn_rate_{{ band }},
        {% endfor %}
        counts.*
    from counts

)

select
    cast(rates.slice_dimension as {{ dbt.type_string() }}) as slice_dimension,
    cast(rates.slice_value as {{ dbt.type_string() }}) as slice_value,
    cast(rates.weights_version as {{ dbt.type_string() }}) as weights_version,
    cast(rates.account_months as {{ dbt.type_bigint() }}) as account_months,
    churn_auc.auc,
    cast(rates.churn_rate_red as decimal(9, 6)) as churn_rate_red,
    cast(rates.churn_rate_yellow as decimal(9, 6)) as churn_rate_yellow,
    cast(rates.churn_rate_green as decimal(9, 6)) as churn_rate_green,
    cast(
        case
            when rates.churn_rate_green > 0
                then {{ divide_exact('rates.churn_rate_red', 'rates.churn_rate_green', 6) }}
        end as decimal(18, 6)
    ) as lift_red_vs_green,
    cast(rates.churned_90d as {{ dbt.type_bigint() }}) as churned_90d,
    cast(rates.contracted_90d as {{ dbt.type_bigint() }}) as contracted_90d,
    {% for band in bands %}
    cast(rates.account_months_{{ band }} as {{ dbt.type_bigint() }}) as account_months_{{ band }},
    {% endfor %}
    cast(rates.churn_rate_insufficient_data as decimal(9, 6)) as churn_rate_insufficient_data,
    {% for component in components %}
    {{ component }}_auc.auc as {{ component }}_auc,
    {% endfor %}
    contraction_auc.auc as contraction_auc
from rates
left join churn_auc
    on
        rates.slice_dimension = churn_auc.slice_dimension
        and rates.slice_value = churn_auc.slice_value
        and rates.weights_version = churn_auc.weights_version
left join contraction_auc
    on
        rates.slice_dimension = contraction_auc.slice_dimension
        and rates.slice_value = contraction_auc.slice_value
        and rates.weights_version = contraction_auc.weights_version
{%- for component in components %}
left join {{ component }}_auc
    on
        rates.slice_dimension = {{ component }}_auc.slice_dimension
        and rates.slice_value = {{ component }}_auc.slice_value
        and rates.weights_version = {{ component }}_auc.weights_version
{%- endfor %}
