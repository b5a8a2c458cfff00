{#
    The currency effect per account × product × month (docs/metrics.md, MRR
    movements: fx): Σ over the product's currencies of MRR_original(m−1) ×
    (rate(m) − rate(m−1)), computed from the rate change itself, not as what
    the bridge leaves over, so the bridge identity is a real check.
    previous_mrr and current_mrr are MRR(m−1) at m−1's and at m's rates,
    each rounded exactly as fct_mrr and the movements round a conversion;
    the effect is their difference. The bridge then adds up to the last
    digit: opening (Σ fct_mrr at m−1) + movements (at m's rates) + fx
    = closing (Σ fct_mrr at m), with no rounding residue. The reporting
    currency's rate is always 1, so only revenue in other currencies is read.
#}

{% set reporting_currency = var('reporting_currency') | upper %}

with

mrr as (

    select * from {{ ref('int_revenue__mrr_original_by_month') }}
    where
        currency <> '{{ reporting_currency }}'
        and month < {{ as_of_month() }}

),

rates as (

    select * from {{ ref('int_revenue__fx_rates_by_month') }}

),

rate_changes as (

    select
        this_month.month,
        this_month.currency,
        last_month.reporting_rate as previous_rate,
        this_month.reporting_rate as current_rate
    from rates as this_month
    inner join rates as last_month
        on
            this_month.currency = last_month.currency
            and this_month.month = {{ add_months('last_month.month', 1) }}
    where this_month.reporting_rate <> last_month.reporting_rate

),

effects as (

    select
        rate_changes.month,
        mrr.account_id,
        mrr.product_id,
        {{ convert_money('mrr.mrr_original', 'rate_changes.previous_rate') }} as previous_mrr,
        {{ convert_money('mrr.mrr_original', 'rate_changes.current_rate') }} as current_mrr
    from mrr
    inner join rate_changes
        on
            mrr.currency = rate_changes.currency
            and {{ add_months('mrr.month', 1) }} = rate_changes.month

)

select
    month,
    account_id,
    product_id,
    sum(previous_mrr) as previous_mrr,
    sum(current_mrr) as current_mrr,
    sum(current_mrr - previous_mrr) as fx_mrr
from effects
group by month, account_id, product_id
