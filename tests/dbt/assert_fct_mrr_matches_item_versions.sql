{#
    fct_mrr, spread from the change points, holds per currency and month
    exactly the MRR of the item versions paid in that month, recomputed here
    on a separate path: each version's paid range added up per currency with
    a running sum of its start (+MRR) and end (−MRR) months (docs/metrics.md, MRR).
    A change point that is lost, doubled or spread over the wrong months
    shows as a difference.
#}
{{ config(severity='error') }}

with

versions as (

    select * from {{ ref('int_revenue__subscription_item_mrr') }}
    where
        has_paid_months
        and not is_test
        and mrr_original <> 0

),

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

edges as (

    select
        currency,
        first_paid_month as month,
        mrr_original as change_original
    from versions

    union all

    select
        currency,
        {{ add_months('last_paid_month', 1) }} as month,
        -mrr_original as change_original
    from versions

),

edges_by_month as (

    select
        month,
        currency,
        sum(change_original) as change_original
    from edges
    group by month, currency

),

currencies as (

    select distinct currency
    from versions

),

currency_months as (

    select
        months.month,
        currencies.currency
    from months
    cross join currencies

),

expected as (

    select
        currency_months.month,
        currency_months.currency,
        sum(coalesce(edges_by_month.change_original, 0)) over (
            partition by currency_months.currency
            order by currency_months.month
            rows between unbounded preceding and current row
        ) as mrr_original
    from currency_months
    left join edges_by_month
        on
            currency_months.month = edges_by_month.month
            and currency_months.currency = edges_by_month.currency

),

actual as (

    select
        month,
        currency,
        sum(mrr_original) as mrr_original
    from {{ ref('fct_mrr') }}
    group by month, currency

)

select
    coalesce(expected.month, actual.month) as month,
    coalesce(expected.currency, actual.currency) as currency,
    expected.mrr_original as expected_mrr_original,
    actual.mrr_original as actual_mrr_original
from expected
full outer join actual
    on
        expected.month = actual.month
        and expected.currency = actual.currency
where coalesce(expected.mrr_original, 0) <> coalesce(actual.mrr_original, 0)
