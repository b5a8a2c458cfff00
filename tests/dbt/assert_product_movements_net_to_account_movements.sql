{#
    Per account and month, product-level movements sum to the account-level
    ones (both are MRR(m) − MRR(m−1) + fx): moving MRR between products nets
    out at account level, and nothing is lost between the two marts. Both
    add up the same rounded series amounts, so they agree exactly.
#}
{{ config(severity='error') }}

with

by_product as (

    select
        month,
        account_id,
        sum(amount) as amount
    from {{ ref('fct_mrr_product_movements') }}
    group by month, account_id

),

by_account as (

    select
        month,
        account_id,
        sum(amount) as amount
    from {{ ref('fct_mrr_movements') }}
    group by month, account_id

)

select
    coalesce(by_product.month, by_account.month) as month,
    coalesce(by_product.account_id, by_account.account_id) as account_id,
    by_product.amount as product_amount,
    by_account.amount as account_amount
from by_product
full outer join by_account
    on
        by_product.month = by_account.month
        and by_product.account_id = by_account.account_id
where coalesce(by_product.amount, 0) <> coalesce(by_account.amount, 0)
