{#
    MRR of month m−1 and m per account, both at m's rates, with the opening
    (m−1 at m−1's rates), the FX effect, the movement class (metrics.md, MRR
    movements) and, for expansions, the cross-sell part: MRR in m on products
    with no MRR in m−1, capped at the expansion; the rest is upsell. The
    amounts are the sums of the account's product rows, so the two levels
    always agree.
#}

with

products as (

    select * from {{ ref('int_mrr_product_changes') }}

),

by_account as (

    select
        month,
        account_id,
        sum(previous_mrr) as previous_mrr,
        sum(current_mrr) as current_mrr,
        sum(opening_mrr) as opening_mrr,
        sum(fx_mrr) as fx_mrr,
        sum(
            case when previous_mrr = 0 and current_mrr > 0 then current_mrr else 0 end
        ) as new_product_mrr
    from products
    group by month, account_id

),

with_history as (

    select
        *,
        max(case when current_mrr > 0 then month end) over (
            partition by account_id
            order by month
            rows between unbounded preceding and 1 preceding
        ) as last_paid_month
    from by_account

),

classified as (

    select
        *,
        {{ mrr_movement_type('previous_mrr', 'current_mrr', 'last_paid_month', 'month') }}
            as movement_type
    from with_history

)

select
    month,
    account_id,
    previous_mrr,
    current_mrr,
    opening_mrr,
    fx_mrr,
    last_paid_month,
    movement_type,
    case
        when movement_type = 'expansion'
            then least(current_mrr - previous_mrr, new_product_mrr)
        else 0
    end as cross_sell_mrr
from classified
