{#
    The unsliced one-month KPIs agree with the MRR bridge (docs/metrics.md,
    Retention and growth KPIs; MRR movements), every month:
    - base_mrr is the opening MRR restated at the month's rates. The bridge
      has opening (m−1 at m−1's rates) and fx = Σ MRR_original(m−1) ×
      (rate(m) − rate(m−1)), so opening + fx = Σ MRR_original(m−1) × rate(m),
      each account's previous MRR once, rounded as the KPIs round it. (fct_mrr_movements cannot give it:
      an account whose MRR did not move has no row there.)
    - base_accounts = opening_accounts, paying_accounts = closing_accounts,
      churned_accounts, and the churn, contraction, expansion, new,
      reactivation and closing amounts equal the bridge's.
    - The upsell and cross-sell amounts and accounts equal those of
      fct_mrr_movements.
    Every bridge month must have its KPI row. Both sides add up the same
    rounded amounts, so they agree exactly.
#}
{{ config(severity='error') }}

with

kpis as (

    select * from {{ ref('rpt_retention_kpis') }}
    where
        slice_dimension = 'all'
        and window_months = 1

),

bridge as (

    select * from {{ ref('rpt_mrr_bridge') }}

),

expansions as (

    select
        month,
        sum(case when movement_subtype = 'upsell' then amount else 0 end) as upsell_mrr,
        sum(case when movement_subtype = 'cross_sell' then amount else 0 end) as cross_sell_mrr,
        sum(case when movement_subtype = 'upsell' then 1 else 0 end) as upsell_accounts,
        sum(case when movement_subtype = 'cross_sell' then 1 else 0 end) as cross_sell_accounts
    from {{ ref('fct_mrr_movements') }}
    where movement_type = 'expansion'
    group by month

),

compared as (

    select
        bridge.month,
        kpis.base_mrr,
        bridge.opening_mrr + bridge.fx_mrr as restated_opening_mrr,
        kpis.base_mrr - bridge.opening_mrr - bridge.fx_mrr as base_difference,
        kpis.churn_mrr - bridge.churn_mrr as churn_difference,
        kpis.contraction_mrr - bridge.contraction_mrr as contraction_difference,
        kpis.expansion_mrr - bridge.expansion_mrr as expansion_difference,
        kpis.new_mrr - bridge.new_mrr as new_difference,
        kpis.reactivation_mrr - bridge.reactivation_mrr as reactivation_difference,
        kpis.closing_mrr - bridge.closing_mrr as closing_difference,
        kpis.upsell_mrr - coalesce(expansions.upsell_mrr, 0) as upsell_difference,
        kpis.cross_sell_mrr - coalesce(expansions.cross_sell_mrr, 0) as cross_sell_difference,
        kpis.base_accounts - bridge.opening_accounts as base_accounts_difference,
        kpis.churned_accounts - bridge.churned_accounts as churned_accounts_difference,
        kpis.paying_accounts - bridge.closing_accounts as paying_accounts_difference,
        kpis.upsell_accounts - coalesce(expansions.upsell_accounts, 0)
            as upsell_accounts_difference,
        kpis.cross_sell_accounts - coalesce(expansions.cross_sell_accounts, 0)
            as cross_sell_accounts_difference
    from bridge
    left join kpis
        on bridge.month = kpis.month
    left join expansions
        on bridge.month = expansions.month

)

select *
from compared
where
    base_mrr is null
    or base_difference <> 0
    or churn_difference <> 0
    or contraction_difference <> 0
    or expansion_difference <> 0
    or new_difference <> 0
    or reactivation_difference <> 0
    or closing_difference <> 0
    or upsell_difference <> 0
    or cross_sell_difference <> 0
    or base_accounts_difference <> 0
    or churned_accounts_difference <> 0
    or paying_accounts_difference <> 0
    or upsell_accounts_difference <> 0
    or cross_sell_accounts_difference <> 0
