{#
    docs/metrics.md, MRR movements: opening + new + reactivation + expansion
    − contraction − churn + fx = closing, every month, to the cent. fx is
    computed from rate changes, not as a remainder, and closing is read from
    fct_mrr while the movements come from the change points, so this can
    fail. Every conversion is rounded once, the same way on both sides
    (int_revenue__mrr_fx_effects), so the identity is exact: no tolerance.
#}
{{ config(severity='error') }}

select
    month,
    opening_mrr,
    closing_mrr,
    opening_mrr + new_mrr + reactivation_mrr + expansion_mrr
    - contraction_mrr - churn_mrr + fx_mrr - closing_mrr as difference
from {{ ref('rpt_mrr_bridge') }}
where (
    opening_mrr + new_mrr + reactivation_mrr + expansion_mrr
    - contraction_mrr - churn_mrr + fx_mrr - closing_mrr
) <> 0
