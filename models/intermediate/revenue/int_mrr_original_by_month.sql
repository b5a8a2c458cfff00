{#
    MRR in the plan's currency per account × product × currency × reporting
    month: each paid item version spread over its range of paid months and
    summed. Test customers and zero amounts contribute nothing (metrics.md,
    MRR). Linear in item versions × months paid; no account × month spine.

    A view: fct_mrr persists this grain once, and the other readers take a
    slice of it (int_mrr_fx_effects only other currencies), so writing it
    to disk a second time would cost more than expanding it again.
#}

{{ config(materialized='view') }}

with

item_mrr as (

    select * from {{ ref('int_subscription_item_mrr') }}
    where
        has_paid_months
        and not is_test
        and mrr_original <> 0

),

months as (

    select * from {{ ref('int_reporting_months') }}

),

item_months as (

    select
        months.month,
        item_mrr.account_id,
        item_mrr.product_id,
        item_mrr.currency,
        item_mrr.mrr_original
    from item_mrr
    inner join months
        on months.month between item_mrr.first_paid_month and item_mrr.last_paid_month

)

select
    month,
    account_id,
    product_id,
    currency,
    {{ to_money('sum(mrr_original)') }} as mrr_original
from item_months
group by month, account_id, product_id, currency
having sum(mrr_original) <> 0
