{#
    The retention KPIs' monthly amounts and counts per slice (docs/metrics.md,
    Retention and growth KPIs): the members of int_revenue__retention_member_months
    summed per month and slice, for rpt_retention_kpis to pool over its
    windows. Slices are the declared ones (macros/slices.sql): accounts by
    `all` and their current attributes (`unknown` when missing, applied to
    their whole history), account × product members by product.

    Per member and month: base = previous_mrr when > 0 (MRR(m−1) at m's
    rates); churn = previous_mrr of a churn; contraction = previous −
    current; expansion = current − previous, of which cross-sell (accounts
    only) and upsell the rest; new and reactivation = current_mrr; closing =
    current_mrr; the trailing-12 amounts as they are. Counts are the
    members with each movement (upsell_accounts: an upsell part > 0;
    cross_sell_accounts: a cross-sell part > 0), paying (current_mrr > 0)
    and in the trailing-12 cohort. Every slice value has a row in every
    reporting month, quiet months at 0.
#}

{%- set fact_columns = [
    'month',
    'previous_mrr',
    'current_mrr',
    'movement_type',
    'cross_sell_mrr',
    'trailing_base_mrr',
    'trailing_current_mrr',
    'trailing_retained_mrr',
] -%}

with

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

members as (

    select * from {{ ref('int_revenue__retention_member_months') }}

),

accounts as (

    select * from {{ ref('int_accounts__surviving') }}

),

account_members as (

    select
        members.*,
        {{ account_slice_columns('accounts') }}
    from members
    left join accounts
        on members.account_id = accounts.account_id
    where members.member_level = 'account'

),

product_members as (

    select * from members
    where member_level = 'product'

),

sliced as (

    {{ member_slice_rows(
        'account_members',
        'product_members',
        fact_columns | join(', '),
        fact_columns | join(', ')
    ) }}

),

-- Each member's amounts per movement (contraction and churn as positive numbers).
member_movements as (

    select
        *,
        case when movement_type = 'churn' then previous_mrr else 0 end as churn_mrr,
        case
            when movement_type = 'contraction' then previous_mrr - current_mrr else 0
        end as contraction_mrr,
        case
            when movement_type = 'expansion' then current_mrr - previous_mrr else 0
        end as expansion_mrr,
        case
            when movement_type = 'expansion' then current_mrr - previous_mrr - cross_sell_mrr
            else 0
        end as upsell_mrr
    from sliced

),

monthly as (

    select
        month,
        slice_dimension,
        slice_value,
        sum(case when previous_mrr > 0 then previous_mrr else 0 end) as base_mrr,
        sum(churn_mrr) as churn_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(upsell_mrr) as upsell_mrr,
        sum(case when movement_type = 'expansion' then cross_sell_mrr else 0 end)
            as cross_sell_mrr,
        sum(case when movement_type = 'new' then current_mrr else 0 end) as new_mrr,
        sum(case when movement_type = 'reactivation' then current_mrr else 0 end)
            as reactivation_mrr,
        sum(current_mrr) as closing_mrr,
        sum(trailing_base_mrr) as trailing_12m_base_mrr,
        sum(trailing_current_mrr) as trailing_12m_current_mrr,
        sum(trailing_retained_mrr) as trailing_12m_retained_mrr,
        sum(case when previous_mrr > 0 then 1 else 0 end) as base_accounts,
        sum(case when movement_type = 'churn' then 1 else 0 end) as churned_accounts,
        sum(case when movement_type = 'contraction' then 1 else 0 end) as contracted_accounts,
        sum(case when movement_type = 'expansion' then 1 else 0 end) as expanded_accounts,
        sum(case when upsell_mrr > 0 then 1 else 0 end) as upsell_accounts,
        sum(
            case when movement_type = 'expansion' and cross_sell_mrr > 0 then 1 else 0 end
        ) as cross_sell_accounts,
        sum(case when movement_type = 'new' then 1 else 0 end) as new_accounts,
        sum(case when movement_type = 'reactivation' then 1 else 0 end) as reactivated_accounts,
        sum(case when current_mrr > 0 then 1 else 0 end) as paying_accounts,
        sum(case when trailing_base_mrr > 0 then 1 else 0 end) as trailing_12m_base_accounts
    from member_movements
    group by month, slice_dimension, slice_value

),

-- Every slice value in every reporting month, quiet months included.
slice_values as (

    {%- if 'all' in slice_dimensions() %}
    select
        'all' as slice_dimension,
        'all' as slice_value

    union
    {% endif %}

    select distinct
        slice_dimension,
        slice_value
    from sliced

)

select
    months.month,
    months.is_partial_month,
    cast(slice_values.slice_dimension as {{ dbt.type_string() }}) as slice_dimension,
    cast(slice_values.slice_value as {{ dbt.type_string() }}) as slice_value,
    {%- for measure in retention_measures() %}
    {%- if measure.endswith('_mrr') %}
    {{ to_money('coalesce(monthly.' ~ measure ~ ', 0)') }} as {{ measure }}
    {%- else %}
    cast(coalesce(monthly.{{ measure }}, 0) as {{ dbt.type_bigint() }}) as {{ measure }}
    {%- endif %}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
from months
cross join slice_values
left join monthly
    on
        months.month = monthly.month
        and slice_values.slice_dimension = monthly.slice_dimension
        and slice_values.slice_value = monthly.slice_value
