{#
    Per account, the months in which its MRR changed: previous and current
    MRR, both at m's rates (constant currency), the movement class
    (docs/metrics.md, MRR movements) and, for expansions, the cross-sell part:
    MRR in m on products with no MRR in m−1, capped at the expansion; the
    rest is upsell. A month whose changes net out across products (MRR moved
    from one product to another) has movement_type NULL.
#}

with

series as (

    select * from {{ ref('int_revenue__mrr_series_changes') }}

),

by_product as (

    select
        month,
        account_id,
        product_id,
        sum(previous_mrr) as previous_mrr,
        sum(current_mrr) as current_mrr
    from series
    group by month, account_id, product_id

),

by_account as (

    select
        month,
        account_id,
        sum(previous_mrr) as previous_mrr,
        sum(current_mrr) as current_mrr,
        sum(
            case when previous_mrr = 0 and current_mrr > 0 then current_mrr else 0 end
        ) as new_product_mrr
    from by_product
    group by month, account_id

),

with_history as (

    select
        *,
        case
            when previous_mrr > 0 then {{ add_months('month', -1) }}
            -- Not paying in m−1: it stopped at its latest churn row, so its
            -- latest paid month is the one before that.
            else {{ add_months(
                'max(case when current_mrr = 0 then month end) over ('
                ~ ' partition by account_id order by month'
                ~ ' rows between unbounded preceding and 1 preceding)',
                -1
            ) }}
        end as last_paid_month
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
    last_paid_month,
    movement_type,
    case
        when movement_type = 'expansion'
            then least(current_mrr - previous_mrr, new_product_mrr)
        else {{ to_money(0) }}
    end as cross_sell_mrr
from classified
