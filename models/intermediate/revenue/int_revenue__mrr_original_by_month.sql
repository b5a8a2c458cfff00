{#
    MRR in the plan's currency per account × product × currency × reporting
    month (docs/metrics.md, MRR): the sum of the paid item versions in force at
    the month's snapshot. Test customers and zero amounts contribute
    nothing.

    Built from the change points of int_revenue__mrr_series_changes: a series' MRR is
    constant from one of its rows to the month before the next, so each row
    is spread over those months and no two rows of a series meet in one
    month: one row per account × product × currency × month, with no
    aggregation over the months × accounts grain. The spread is a generator
    (explode_months) rather than a range join to the calendar: it is cheaper,
    and it keeps each series' months together, so fct_mrr's columns come in
    long runs of one value and compress cheaply when written. A singular test
    (assert_fct_mrr_matches_item_versions) recomputes the totals straight
    from the item versions, independently of the change points.

    A view: fct_mrr persists this grain once, and the other readers take a
    slice of it (int_revenue__mrr_fx_effects only other currencies), so writing it
    to disk a second time would cost more than spreading it again.
#}

{{ config(materialized='view') }}

with

series as (

    select
        month as first_month,
        coalesce(
            {{ add_months('next_change_month', -1) }}, {{ as_of_month() }}
        ) as last_month,
        account_id,
        product_id,
        currency,
        current_original
    from {{ ref('int_revenue__mrr_series_changes') }}
    where current_original <> 0

)

select
    {{ explode_months('first_month', 'last_month') }} as month,
    account_id,
    product_id,
    currency,
    current_original as mrr_original
from series
where first_month <= last_month
