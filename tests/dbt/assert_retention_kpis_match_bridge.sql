{#
    The unsliced one-month KPIs agree with the MRR bridge (metrics.md,
    Retention and growth KPIs; MRR movements), every month:
    - base_mrr is the opening MRR restated at the month's rates. The bridge
      has opening (m−1 at m−1's rates) and fx = Σ MRR_original(m−1) ×
      (rate(m) − rate(m−1)), so opening + fx = Σ MRR_original(m−1) × rate(m),
      each account's previous MRR once. (fct_mrr_movements cannot give it:
      an account whose MRR did not move has no row there.)
    - base_accounts = opening_accounts, paying_accounts = closing_accounts,
      churned_accounts, and the churn, contraction, expansion, new,
      reactivation and closing amounts equal the bridge's.
    - The upsell and cross-sell amounts and accounts equal those of
      fct_mrr_movements.
    The tolerance (a thousandth of a cent) only absorbs per-row rounding at
    the ninth decimal.
#}
{{ config(severity='error') }}

with

kpis as (

    select * from {{ ref('rpt_retention_kpis') }}
    where slice_dimension = 'all'
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
        coalesce(kpis.month, bridge.month) as month,
        kpis.base_mrr,
        bridge.opening_mrr + bridge.fx_mrr as restated_opening_mrr,
        kpis.base_mrr - (bridge.opening_mrr + bridge.fx_mrr) as base_difference,
        abs(kpis.base_mrr - (bridge.opening_mrr + bridge.fx_mrr)) > 0.00001
        as base_differs,
        kpis.base_accounts <> bridge.opening_accounts
        or kpis.churned_accounts <> bridge.churned_accounts
        or kpis.paying_accounts <> bridge.closing_accounts
        or kpis.upsell_accounts <> coalesce(expansions.upsell_accounts, 0)
        or kpis.cross_sell_accounts <> coalesce(expansions.cross_sell_accounts, 0)
        as counts_differ,
        abs(kpis.churn_mrr - bridge.churn_mrr) > 0.00001
        or abs(kpis.contraction_mrr - bridge.contraction_mrr) > 0.00001
        or abs(kpis.expansion_mrr - bridge.expansion_mrr) > 0.00001
        or abs(kpis.new_mrr - bridge.new_mrr) > 0.00001
        or abs(kpis.reactivation_mrr - bridge.reactivation_mrr) > 0.00001
        or abs(kpis.closing_mrr - bridge.closing_mrr) > 0.00001
        or abs(kpis.upsell_mrr - coalesce(expansions.upsell_mrr, 0)) > 0.00001
        or abs(kpis.cross_sell_mrr - coalesce(expansions.cross_sell_mrr, 0)) > 0.00001
        as movements_differ
    from kpis
    full outer join bridge
        on kpis.month = bridge.month
    left join expansions
        on coalesce(kpis.month, bridge.month) = expansions.month

)

select *
from compared
where base_differs
    or counts_differ
    or movements_differ
    or base_mrr is null
    or restated_opening_mrr is null
