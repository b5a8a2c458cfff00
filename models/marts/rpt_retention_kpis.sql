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

    The members' facts (int_revenue__retention_member_months: movements and
    the trailing-12 cohort, for accounts and account × product) and their
    monthly sums per slice (int_revenue__retention_slice_months: every
    declared slice in every reporting month) are intermediate models; this
    mart only pools the months of each window and takes the ratios.
#}

{%- set ratio_type = 'decimal(38, 9)' -%}
{%- set gross_margin = 'cast(' ~ var('gross_margin') ~ ' as decimal(10, 6))' -%}

with

slice_months as (

    select * from {{ ref('int_revenue__retention_slice_months') }}

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
        slice_months.month,
        slice_months.is_partial_month,
        slice_months.slice_dimension,
        slice_months.slice_value,
        window_sizes.window_months,
        {{ add_months('slice_months.month', '1 - window_sizes.window_months') }}
            as window_start_month,
        {{ add_months('slice_months.month', -11) }} as ltv_start_month
    from slice_months
    cross join window_sizes

),

window_members as (

    select
        window_ends.month,
        window_ends.is_partial_month,
        window_ends.slice_dimension,
        window_ends.slice_value,
        window_ends.window_months,
        {% for measure in retention_measures() %}
        slice_months.{{ measure }},
        {% endfor %}
        case
            when slice_months.month >= window_ends.window_start_month then 1 else 0
        end as is_in_window
    from window_ends
    inner join slice_months
        on
            window_ends.slice_dimension = slice_months.slice_dimension
            and window_ends.slice_value = slice_months.slice_value
            and window_ends.month >= slice_months.month
            and window_ends.ltv_start_month <= slice_months.month

),

windowed as (

    select
        month,
        is_partial_month,
        slice_dimension,
        slice_value,
        window_months,
        sum(is_in_window) as months_in_window,
        {% for measure in retention_measures() %}
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
