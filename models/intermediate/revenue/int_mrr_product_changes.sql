{#
    MRR of month m−1 and m per account × product, both at m's rates, with
    the opening (m−1 at m−1's rates), the FX effect and the movement class
    (metrics.md, MRR movements). One row per account × product × month in
    which the product had MRR in m or m−1. Each plan currency is converted
    separately, then summed; int_mrr_account_changes adds these rows up.
#}

with

mrr as (

    select * from {{ ref('int_mrr_original_by_month') }}

),

rates as (

    select * from {{ ref('int_fx_rates_by_month') }}

),

paired as (

    select
        month,
        account_id,
        product_id,
        currency,
        mrr_original as current_original,
        {{ to_money(0) }} as previous_original
    from mrr

    union all

    select
        {{ add_months('month', 1) }} as month,
        account_id,
        product_id,
        currency,
        {{ to_money(0) }} as current_original,
        mrr_original as previous_original
    from mrr
    where month < {{ as_of_month() }}

),

by_currency as (

    select
        month,
        account_id,
        product_id,
        currency,
        sum(current_original) as current_original,
        sum(previous_original) as previous_original
    from paired
    group by month, account_id, product_id, currency

),

valued as (

    select
        by_currency.month,
        by_currency.account_id,
        by_currency.product_id,
        {{ convert_money('by_currency.previous_original', 'this_month.reporting_rate') }}
            as previous_mrr,
        {{ convert_money('by_currency.current_original', 'this_month.reporting_rate') }}
            as current_mrr,
        {{ convert_money(
            'by_currency.previous_original', 'coalesce(last_month.reporting_rate, 0)'
        ) }} as opening_mrr,
        -- The currency effect, computed from the rate change itself.
        case
            when this_month.reporting_rate = last_month.reporting_rate then {{ to_money(0) }}
            else {{ to_money(
                'by_currency.previous_original'
                ~ ' * (this_month.reporting_rate - coalesce(last_month.reporting_rate, 0))'
            ) }}
        end as fx_mrr
    from by_currency
    inner join rates as this_month
        on
            by_currency.month = this_month.month
            and by_currency.currency = this_month.currency
    left join rates as last_month
        on
            by_currency.month = {{ add_months('last_month.month', 1) }}
            and by_currency.currency = last_month.currency

),

by_product as (

    select
        month,
        account_id,
        product_id,
        sum(previous_mrr) as previous_mrr,
        sum(current_mrr) as current_mrr,
        sum(opening_mrr) as opening_mrr,
        sum(fx_mrr) as fx_mrr
    from valued
    group by month, account_id, product_id

),

with_history as (

    select
        *,
        max(case when current_mrr > 0 then month end) over (
            partition by account_id, product_id
            order by month
            rows between unbounded preceding and 1 preceding
        ) as last_paid_month
    from by_product

)

select
    *,
    {{ mrr_movement_type('previous_mrr', 'current_mrr', 'last_paid_month', 'month') }}
        as movement_type
from with_history
