{#
    MRR in the plan's currency per account × product × currency × reporting
    month (metrics.md, MRR): the sum of the paid item versions in force at
    the month's snapshot. Test customers and zero amounts contribute
    nothing.

    Built from the change points of int_mrr_series_changes: a series' MRR is
    constant from one of its rows to the month before the next, so each row
    is spread over those months and no two rows of a series meet in one
    month: one row per account × product × currency × month, with no
    aggregation over the months × accounts grain. A singular test
    (assert_fct_mrr_matches_item_versions) recomputes the totals straight
    from the item versions, independently of the change points.

    A view: fct_mrr persists this grain once, and the other readers take a
    slice of it (int_mrr_fx_effects only other currencies), so writing it
    to disk a second time would cost more than spreading it again.
#}

{{ config(materialized='view') }}

with

series as (

    select * from {{ ref('int_mrr_series_changes') }}
    where current_original <> 0

),

months as (

    select * from {{ ref('int_reporting_months') }}

)

select
    months.month,
    series.account_id,
    series.product_id,
    series.currency,
    series.current_original as mrr_original
from series
inner join months
    on
        series.month <= months.month
        and coalesce({{ add_months('series.next_change_month', -1) }}, {{ as_of_month() }})
        >= months.month
