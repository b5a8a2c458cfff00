{#
    Monthly recurring revenue per account × product × currency × month, at
    the month-end snapshot (docs/metrics.md, MRR). `mrr_original` is in the plan's
    currency; `mrr` in the reporting currency at that month's snapshot rate;
    ARR = 12 × MRR. The as-of month is reported as of the end of the day
    before AS_OF_DATE and flagged partial.
#}

with

mrr as (

    select * from {{ ref('int_revenue__mrr_original_by_month') }}

),

rates as (

    select * from {{ ref('int_revenue__fx_rates_by_month') }}

),

converted as (

    select
        mrr.month,
        mrr.account_id,
        mrr.product_id,
        mrr.currency,
        {{ convert_money('mrr.mrr_original', 'rates.reporting_rate') }} as mrr,
        mrr.mrr_original,
        -- Every month here is a reporting month (paid months run from an
        -- item's start to the as-of month), so the flag is the comparison
        -- int_revenue__reporting_months makes, not a join on the chain's largest model.
        mrr.month = {{ as_of_month() }} as is_partial_month
    from mrr
    inner join rates
        on
            mrr.month = rates.month
            and mrr.currency = rates.currency

)

select
    month,
    account_id,
    product_id,
    currency,
    mrr,
    mrr_original,
    {{ to_money('12 * mrr') }} as arr,
    is_partial_month
from converted
