{#
    MRR of month m−1 and m per account, both at m's rates, with the opening
    (m−1 at m−1's rates), the FX effect, the movement class (metrics.md, MRR
    movements) and, for expansions, the cross-sell part: MRR in m on products
    with no MRR in m−1, capped at the expansion; the rest is upsell.
#}

with

changes as (

    {{ mrr_changes(['account_id']) }}

),

products as (

    select * from {{ ref('int_mrr_product_changes') }}

),

new_products as (

    select
        month,
        account_id,
        sum(current_mrr) as new_product_mrr
    from products
    where
        previous_mrr = 0
        and current_mrr > 0
    group by month, account_id

)

select
    changes.month,
    changes.account_id,
    changes.previous_mrr,
    changes.current_mrr,
    changes.opening_mrr,
    changes.fx_mrr,
    changes.last_paid_month,
    changes.movement_type,
    case
        when changes.movement_type = 'expansion'
            then least(
                changes.current_mrr - changes.previous_mrr,
                coalesce(new_products.new_product_mrr, 0)
            )
        else 0
    end as cross_sell_mrr
from changes
left join new_products
    on
        changes.month = new_products.month
        and changes.account_id = new_products.account_id
