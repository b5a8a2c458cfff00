{#
    Every account × product × month with MRR in m or m−1: previous and
    current MRR at m's rates, and the product's movement of the month (NULL
    when unchanged), for the product slices of the retention KPIs.
#}

with

rates as (

    select * from {{ ref('int_revenue__fx_rates_by_month') }}

),

-- The month's MRR at its own rates, as fct_mrr converts it.
mrr as (

    select
        mrr.month,
        mrr.account_id,
        mrr.product_id,
        sum({{ convert_money('mrr.mrr_original', 'rates.reporting_rate') }}) as mrr
    from {{ ref('int_revenue__mrr_original_by_month') }} as mrr
    inner join rates
        on
            mrr.month = rates.month
            and mrr.currency = rates.currency
    group by mrr.month, mrr.account_id, mrr.product_id

),

movements as (

    select * from {{ ref('int_revenue__mrr_product_movements') }}

)

select
    coalesce(movements.month, mrr.month) as month,
    coalesce(movements.account_id, mrr.account_id) as account_id,
    coalesce(movements.product_id, mrr.product_id) as product_id,
    coalesce(movements.previous_mrr, mrr.mrr) as previous_mrr,
    coalesce(movements.current_mrr, mrr.mrr) as current_mrr,
    movements.movement_type
from mrr
full outer join movements
    on
        mrr.month = movements.month
        and mrr.account_id = movements.account_id
        and mrr.product_id = movements.product_id
