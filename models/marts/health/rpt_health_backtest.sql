{#
    Does the health score predict churn? Per scoring month x slice x weights
    version x band: the backtest population (int_health__backtest_account_months),
    how many churned or contracted in the next 90 days, the band's churn rate,
    its lift over green, and the month's ROC AUC. See _health__models.yml.
#}

{%- set group_by = ['month', 'slice_dimension', 'slice_value', 'weights_version'] %}

with

account_months as (

    select * from {{ ref('int_health__backtest_account_months') }}

),

sliced as (

    {{ health_backtest_slices('account_months') }}

),

bands as (

    select
        'red' as health_band,
        1 as band_order
    union all
    select
        'yellow' as health_band,
        2 as band_order
    union all
    select
        'green' as health_band,
        3 as band_order
    union all
    select
        'insufficient_data' as health_band,
        4 as band_order

),

groups as (

    select distinct
        month,
        slice_dimension,
        slice_value,
        weights_version
    from sliced

),

band_counts as (

    select
        month,
        slice_dimension,
        slice_value,
        weights_version,
        health_band,
        count(*) as accounts,
        sum(case when is_churned_90d then 1 else 0 end) as churned_90d,
        sum(case when is_contracted_90d then 1 else 0 end) as contracted_90d
    from sliced
    group by month, slice_dimension, slice_value, weights_version, health_band

),

scored as (

    select * from sliced
    where health_band <> 'insufficient_data'

),

{{ roc_auc('churn_auc', 'scored', group_by, 'health_score', 'is_churned_90d') }},

{{ roc_auc('contraction_auc', 'scored', group_by, 'health_score', 'is_contracted_90d') }},

grid as (

    select
        groups.month,
        groups.slice_dimension,
        groups.slice_value,
        groups.weights_version,
        bands.health_band,
        bands.band_order,
        coalesce(band_counts.accounts, 0) as accounts,
        coalesce(band_counts.churned_90d, 0) as churned_90d,
        coalesce(band_counts.contracted_90d, 0) as contracted_90d,
        case
            when band_counts.accounts > 0
                then {{ divide_exact('band_counts.churned_90d', 'band_counts.accounts', 6) }}
        end as churn_rate_90d,
        case
            when band_counts.accounts > 0
                then {{ divide_exact('band_counts.contracted_90d', 'band_counts.accounts', 6) }}
        end as contraction_rate_90d
    from groups
    cross join bands
    left join band_counts
        on
            groups.month = band_counts.month
            and groups.slice_dimension = band_counts.slice_dimension
            and groups.slice_value = band_counts.slice_value
            and groups.weights_version = band_counts.weights_version
            and bands.health_band = band_counts.health_band

)

select
    grid.month,
    cast(grid.slice_dimension as {{ dbt.type_string() }}) as slice_dimension,
    cast(grid.slice_value as {{ dbt.type_string() }}) as slice_value,
    cast(grid.weights_version as {{ dbt.type_string() }}) as weights_version,
    cast(grid.health_band as {{ dbt.type_string() }}) as health_band,
    cast(grid.accounts as {{ dbt.type_bigint() }}) as accounts,
    cast(grid.churned_90d as {{ dbt.type_bigint() }}) as churned_90d,
    cast(grid.contracted_90d as {{ dbt.type_bigint() }}) as contracted_90d,
    cast(grid.churn_rate_90d as decimal(9, 6)) as churn_rate_90d,
    cast(
        case
            when green.churn_rate_90d > 0
                then {{ divide_exact('grid.churn_rate_90d', 'green.churn_rate_90d', 6) }}
        end as decimal(18, 6)
    ) as lift_vs_green,
    churn_auc.auc,
    cast(grid.contraction_rate_90d as decimal(9, 6)) as contraction_rate_90d,
    contraction_auc.auc as contraction_auc,
    cast(grid.band_order as {{ dbt.type_int() }}) as band_order
from grid
left join grid as green
    on
        grid.month = green.month
        and grid.slice_dimension = green.slice_dimension
        and grid.slice_value = green.slice_value
        and grid.weights_version = green.weights_version
        and green.health_band = 'green'
left join churn_auc
    on
        grid.month = churn_auc.month
        and grid.slice_dimension = churn_auc.slice_dimension
        and grid.slice_value = churn_auc.slice_value
        and grid.weights_version = churn_auc.weights_version
left join contraction_auc
    on
        grid.month = contraction_auc.month
        and grid.slice_dimension = contraction_auc.slice_dimension
        and grid.slice_value = contraction_auc.slice_value
        and grid.weights_version = contraction_auc.weights_version
