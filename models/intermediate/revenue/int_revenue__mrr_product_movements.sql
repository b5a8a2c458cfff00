{#
    Per account × product, the months in which the product's MRR changed:
    previous and current MRR, both at m's rates (constant currency), the
    latest earlier paid month and the movement class (docs/metrics.md, MRR
    movements). A product's MRR moved between currencies with no net change
    at m's rates has no movement (movement_type NULL).
#}

with

series as (

    select * from {{ ref('int_revenue__mrr_series_changes') }}

),

changed_products as (

    select
        month,
        account_id,
        product_id,
        sum(previous_mrr) as previous_mrr,
        sum(current_mrr) as current_mrr
    from series
    group by month, account_id, product_id
    having {{ dbt.bool_or('is_changed') }}

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
                ~ ' partition by account_id, product_id order by month'
                ~ ' rows between unbounded preceding and 1 preceding)',
                -1
            ) }}
        end as last_paid_month
    from changed_products

)

select
    month,
    account_id,
    product_id,
    previous_mrr,
    current_mrr,
    last_paid_month,
    {{ mrr_movement_type('previous_mrr', 'current_mrr', 'last_paid_month', 'month') }}
        as movement_type
from with_history
