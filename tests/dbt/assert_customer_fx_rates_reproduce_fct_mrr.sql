{#
    Cohort retention converts at int_revenue__fx_rates_by_month, the rates
    fct_mrr converts by, with the conversion fct_mrr uses: re-converting
    every fct_mrr row's mrr_original at its own month's rate gives
    fct_mrr.mrr to the ninth decimal, and every month and currency of
    fct_mrr has a usable rate (neither missing nor stale). So a cohort's MRR
    at k = 0 is its fct_mrr MRR, and constant-currency revenue retention
    only changes the month whose rates apply, never the rule.
#}
{{ config(severity='error') }}

with

mrr as (

    select * from {{ ref('fct_mrr') }}

),

rates as (

    select * from {{ ref('int_revenue__fx_rates_by_month') }}

)

select
    mrr.month,
    mrr.account_id,
    mrr.product_id,
    mrr.currency,
    mrr.mrr,
    rates.reporting_rate,
    rates.is_missing,
    rates.is_stale,
    {{ convert_money('mrr.mrr_original', 'rates.reporting_rate') }} as reconverted_mrr
from mrr
left join rates
    on
        mrr.month = rates.month
        and mrr.currency = rates.currency
where
    rates.reporting_rate is null
    or rates.is_missing
    or rates.is_stale
    or {{ convert_money('mrr.mrr_original', 'rates.reporting_rate') }} <> mrr.mrr
