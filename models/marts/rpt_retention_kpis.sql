{#
    Retention and growth KPIs per month × slice × window (docs/metrics.md,
    Retention and growth KPIs). The user-facing definitions live in
    _marts__models.yml; in short:

    - base of month m: the members (accounts, or account × product for the
      product slices) with MRR > 0 at m−1, at their MRR(m−1) restated at m's
      rates (previous_mrr of the movements);
    - GRR = (base − churn − contraction) ÷ base; NRR = (base − churn −
      contraction + expansion) ÷ base; logo churn rate = churned ÷ base
      accounts; gross MRR churn rate = (churn + contraction) ÷ base; quick
      ratio = (new + reactivation + expansion) ÷ (churn + contraction);
      ARPA = MRR ÷ paying accounts; LTV = ARPA × gross margin ÷ the pooled
      logo churn rate of the 12 months ending at m;
    - trailing-12 NRR (GRR) = MRR at m of the members paying at m−12
      (capped per member at its MRR then, for GRR) ÷ their MRR at m−12,
      both at m's rates;
    - a window of W months pools the W months ending at m: every numerator
      and every denominator is a sum over the window, ratios are taken last.

    The movement facts are the complete change tables behind the movement
    marts (int_mrr_account_changes, int_mrr_product_changes): the marts only
    hold rows that moved, so an account with unchanged MRR would be missing
    from the base. Segment, touch model and region are the account's
    current attributes (dim_accounts), applied to its whole history.

    The trailing-12 base needs month m's rate for every currency that had
    MRR at m−12, so int_revenue__fx_rates_by_month must hold those pairs (m+12 in its
    `used` list); a missing pair fails the run naming currency and month
    rather than shrinking the denominator.
#}

{%- set account_dimensions = ['all', 'segment', 'touch_model', 'region'] -%}
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
{%- set money_measures = [
    'base_mrr',
    'churn_mrr',
    'contraction_mrr',
    'expansion_mrr',
    'upsell_mrr',
    'cross_sell_mrr',
    'new_mrr',
    'reactivation_mrr',
    'closing_mrr',
    'trailing_12m_base_mrr',
    'trailing_12m_current_mrr',
    'trailing_12m_retained_mrr',
] -%}
{%- set count_measures = [
    'base_accounts',
    'churned_accounts',
    'contracted_accounts',
    'expanded_accounts',
    'upsell_accounts',
    'cross_sell_accounts',
    'new_accounts',
    'reactivated_accounts',
    'paying_accounts',
    'trailing_12m_base_accounts',
] -%}
{%- set ratio_type = 'decimal(38, 9)' -%}
{%- set gross_margin = 'cast(' ~ var('gross_margin') ~ ' as decimal(10, 6))' -%}

with

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

account_changes as (

    select * from {{ ref('int_revenue__mrr_account_months') }}

),

product_changes as (

    select * from {{ ref('int_revenue__mrr_product_months') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

rates as (

    select * from {{ ref('int_revenue__fx_rates_by_month') }}

),

-- MRR of m−12 in the plan currency, on the row of month m.
year_ago_original as (

    select
        {{ add_months('month', 12) }} as reporting_month,
        account_id,
        product_id,
        currency,
        mrr_original
    from mrr

),

-- ... restated at month m's rates. A missing rate fails the run: never a
-- silently smaller denominator.
year_ago_mrr as (

    select
        months.month,
        year_ago_original.account_id,
        year_ago_original.product_id,
        case
            when rates.reporting_rate is null
                then {{ raise_error(
                    "'FX rate missing for trailing-12 retention: int_revenue__fx_rates_by_month has no '"
                    ~ " || year_ago_original.currency || ' rate for ' || cast(months.month as "
                    ~ dbt.type_string() ~ ")"
                ) }}
            else {{ convert_money('year_ago_original.mrr_original', 'rates.reporting_rate') }}
        end as year_ago_mrr
    from year_ago_original
    inner join months
        on year_ago_original.reporting_month = months.month
    left join rates
        on
            year_ago_original.reporting_month = rates.month
            and year_ago_original.currency = rates.currency

),

trailing_parts as (

    select
        month,
        account_id,
        product_id,
        year_ago_mrr,
        {{ to_money(0) }} as current_mrr
    from year_ago_mrr

    union all

    select
        month,
        account_id,
        product_id,
        {{ to_money(0) }} as year_ago_mrr,
        mrr as current_mrr
    from mrr

),

-- The trailing-12 cohort of accounts: paying at m−12; their MRR then and now.
trailing_accounts as (

    select
        month,
        account_id,
        sum(year_ago_mrr) as trailing_base_mrr,
        sum(current_mrr) as trailing_current_mrr
    from trailing_parts
    group by month, account_id
    having sum(year_ago_mrr) > 0

),

-- The same per account × product, for the product slices.
trailing_products as (

    select
        month,
        account_id,
        product_id,
        sum(year_ago_mrr) as trailing_base_mrr,
        sum(current_mrr) as trailing_current_mrr
    from trailing_parts
    group by month, account_id, product_id
    having sum(year_ago_mrr) > 0

),

-- One row per member and month: its movement facts or its trailing-12 facts.
account_facts as (

    select
        month,
        account_id,
        previous_mrr,
        current_mrr,
        movement_type,
        coalesce(cross_sell_mrr, 0) as cross_sell_mrr,
        {{ to_money(0) }} as trailing_base_mrr,
        {{ to_money(0) }} as trailing_current_mrr,
        {{ to_money(0) }} as trailing_retained_mrr
    from account_changes

    union all

    select
        month,
        account_id,
        {{ to_money(0) }} as previous_mrr,
        {{ to_money(0) }} as current_mrr,
        cast(null as {{ dbt.type_string() }}) as movement_type,
        {{ to_money(0) }} as cross_sell_mrr,
        trailing_base_mrr,
        trailing_current_mrr,
        case
            when trailing_current_mrr < trailing_base_mrr then trailing_current_mrr
            else trailing_base_mrr
        end as trailing_retained_mrr
    from trailing_accounts

),

-- A product already paid for in m−1 cannot be cross-sold: at product level
-- expansion is all upsell, and a cross-sold product shows as new MRR.
product_facts as (

    select
        month,
        account_id,
        product_id,
        previous_mrr,
        current_mrr,
        movement_type,
        {{ to_money(0) }} as cross_sell_mrr,
        {{ to_money(0) }} as trailing_base_mrr,
        {{ to_money(0) }} as trailing_current_mrr,
        {{ to_money(0) }} as trailing_retained_mrr
    from product_changes

    union all

    select
        month,
        account_id,
        product_id,
        {{ to_money(0) }} as previous_mrr,
        {{ to_money(0) }} as current_mrr,
        cast(null as {{ dbt.type_string() }}) as movement_type,
        {{ to_money(0) }} as cross_sell_mrr,
        trailing_base_mrr,
        trailing_current_mrr,
        case
            when trailing_current_mrr < trailing_base_mrr then trailing_current_mrr
            else trailing_base_mrr
        end as trailing_retained_mrr
    from trailing_products

),

attributed_account_facts as (

    select
        account_facts.*,
        'all' as all_accounts,
        coalesce(accounts.segment, 'unknown') as segment,
        coalesce(accounts.touch_model, 'unknown') as touch_model,
        coalesce(accounts.region, 'unknown') as region
    from account_facts
    left join accounts
        on account_facts.account_id = accounts.account_id

),

sliced as (

    {% for dimension in account_dimensions %}
    select
        '{{ dimension }}' as slice_dimension,
        {{ 'all_accounts' if dimension == 'all' else dimension }} as slice_value,
        {{ fact_columns | join(', ') }}
    from attributed_account_facts

    union all

    {% endfor %}
    select
        'product' as slice_dimension,
        product_id as slice_value,
        {{ fact_columns | join(', ') }}
    from product_facts

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

    select
        'all' as slice_dimension,
        'all' as slice_value

    union

    select distinct
        slice_dimension,
        slice_value
    from sliced

),

filled as (

    select
        months.month,
        slice_values.slice_dimension,
        slice_values.slice_value,
        {% for measure in money_measures + count_measures %}
        coalesce(monthly.{{ measure }}, 0) as {{ measure }},
        {% endfor %}
        months.is_partial_month
    from months
    cross join slice_values
    left join monthly
        on
            months.month = monthly.month
            and slice_values.slice_dimension = monthly.slice_dimension
            and slice_values.slice_value = monthly.slice_value

),

window_sizes as (

    select 1 as window_months
    union all
    select 3 as window_months
    union all
    select 12 as window_months

),

-- Each month, slice and window: the first month the window pools, and the
-- first of the 12 months LTV's churn rate always takes.
window_ends as (

    select
        filled.month,
        filled.is_partial_month,
        filled.slice_dimension,
        filled.slice_value,
        window_sizes.window_months,
        {{ add_months('filled.month', '1 - window_sizes.window_months') }} as window_start_month,
        {{ add_months('filled.month', -11) }} as ltv_start_month
    from filled
    cross join window_sizes

),

window_members as (

    select
        window_ends.month,
        window_ends.is_partial_month,
        window_ends.slice_dimension,
        window_ends.slice_value,
        window_ends.window_months,
        {% for measure in money_measures + count_measures %}
        filled.{{ measure }},
        {% endfor %}
        case when filled.month >= window_ends.window_start_month then 1 else 0 end as is_in_window
    from window_ends
    inner join filled
        on
            window_ends.slice_dimension = filled.slice_dimension
            and window_ends.slice_value = filled.slice_value
            and window_ends.month >= filled.month
            and window_ends.ltv_start_month <= filled.month

),

windowed as (

    select
        month,
        is_partial_month,
        slice_dimension,
        slice_value,
        window_months,
        sum(is_in_window) as months_in_window,
        {% for measure in money_measures + count_measures %}
        sum(case when is_in_window = 1 then {{ measure }} else 0 end) as {{ measure }},
        {% endfor %}
        sum(base_accounts) as ltv_base_accounts,
        sum(churned_accounts) as ltv_churned_accounts
    from window_members
    group by month, is_partial_month, slice_dimension, slice_value, window_months

)

select
    month,
    cast(slice_dimension as {{ dbt.type_string() }}) as slice_dimension,
    cast(slice_value as {{ dbt.type_string() }}) as slice_value,
    cast(window_months as {{ dbt.type_int() }}) as window_months,
    is_partial_month,
    cast(months_in_window as {{ dbt.type_int() }}) as months_in_window,
    ---------- the window's pooled amounts and counts
    {{ to_money('base_mrr') }} as base_mrr,
    cast(base_accounts as {{ dbt.type_bigint() }}) as base_accounts,
    {{ to_money('churn_mrr') }} as churn_mrr,
    {{ to_money('contraction_mrr') }} as contraction_mrr,
    {{ to_money('expansion_mrr') }} as expansion_mrr,
    {{ to_money('upsell_mrr') }} as upsell_mrr,
    {{ to_money('cross_sell_mrr') }} as cross_sell_mrr,
    cast(upsell_accounts as {{ dbt.type_bigint() }}) as upsell_accounts,
    cast(cross_sell_accounts as {{ dbt.type_bigint() }}) as cross_sell_accounts,
    cast(churned_accounts as {{ dbt.type_bigint() }}) as churned_accounts,
    ---------- ratios, pooled over the window
    {{ divide_exact('base_mrr - churn_mrr - contraction_mrr', 'nullif(base_mrr, 0)') }} as grr,
    {{ divide_exact(
        'base_mrr - churn_mrr - contraction_mrr + expansion_mrr', 'nullif(base_mrr, 0)'
    ) }} as nrr,
    {{ divide_exact('churned_accounts', 'nullif(base_accounts, 0)') }} as logo_churn_rate,
    {{ divide_exact('churn_mrr + contraction_mrr', 'nullif(base_mrr, 0)') }}
        as gross_mrr_churn_rate,
    {{ divide_exact(
        'new_mrr + reactivation_mrr + expansion_mrr', 'nullif(churn_mrr + contraction_mrr, 0)'
    ) }} as quick_ratio,
    {{ divide_exact('closing_mrr', 'nullif(paying_accounts, 0)') }} as arpa,
    {{ divide_exact(
        'closing_mrr * ' ~ gross_margin ~ ' * ltv_base_accounts',
        'nullif(paying_accounts * ltv_churned_accounts, 0)'
    ) }} as ltv,
    {{ divide_exact('trailing_12m_current_mrr', 'nullif(trailing_12m_base_mrr, 0)') }}
        as nrr_trailing_12m,
    {{ divide_exact('trailing_12m_retained_mrr', 'nullif(trailing_12m_base_mrr, 0)') }}
        as grr_trailing_12m,
    ---------- numerators and denominators for re-aggregation
    {{ to_money('base_mrr - churn_mrr - contraction_mrr') }} as retained_mrr,
    {{ to_money('base_mrr - churn_mrr - contraction_mrr + expansion_mrr') }}
        as net_retained_mrr,
    {{ to_money('new_mrr') }} as new_mrr,
    {{ to_money('reactivation_mrr') }} as reactivation_mrr,
    cast(new_accounts as {{ dbt.type_bigint() }}) as new_accounts,
    cast(reactivated_accounts as {{ dbt.type_bigint() }}) as reactivated_accounts,
    cast(contracted_accounts as {{ dbt.type_bigint() }}) as contracted_accounts,
    cast(expanded_accounts as {{ dbt.type_bigint() }}) as expanded_accounts,
    {{ to_money('closing_mrr') }} as closing_mrr,
    cast(paying_accounts as {{ dbt.type_bigint() }}) as paying_accounts,
    {{ to_money('trailing_12m_base_mrr') }} as trailing_12m_base_mrr,
    cast(trailing_12m_base_accounts as {{ dbt.type_bigint() }}) as trailing_12m_base_accounts,
    {{ to_money('trailing_12m_current_mrr') }} as trailing_12m_current_mrr,
    {{ to_money('trailing_12m_retained_mrr') }} as trailing_12m_retained_mrr,
    cast(ltv_base_accounts as {{ dbt.type_bigint() }}) as ltv_base_accounts,
    cast(ltv_churned_accounts as {{ dbt.type_bigint() }}) as ltv_churned_accounts,
    {{ divide_exact('ltv_churned_accounts', 'nullif(ltv_base_accounts, 0)') }}
        as ltv_logo_churn_rate,
    cast({{ gross_margin }} as {{ ratio_type }}) as gross_margin
from windowed
