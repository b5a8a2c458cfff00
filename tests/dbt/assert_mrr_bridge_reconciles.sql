{#
    metrics.md, MRR movements: opening + new + reactivation + expansion
    − contraction − churn + fx = closing, every month, to the cent. fx is
    computed from rate changes, not as a remainder, so this can fail. The
    tolerance (a thousandth of a cent) only absorbs per-row rounding at the
    ninth decimal.
#}
{{ config(severity='error') }}

select
    month,
    opening_mrr,
    closing_mrr,
    opening_mrr + new_mrr + reactivation_mrr + expansion_mrr
    - contraction_mrr - churn_mrr + fx_mrr - closing_mrr as difference
from {{ ref('rpt_mrr_bridge') }}
where abs(
    opening_mrr + new_mrr + reactivation_mrr + expansion_mrr
    - contraction_mrr - churn_mrr + fx_mrr - closing_mrr
) > 0.00001
