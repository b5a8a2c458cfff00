{#
    The facts of the retention KPIs per member and month (docs/metrics.md,
    Retention and growth KPIs). A member is an account (member_level
    `account`, product_id NULL: the account slices) or an account × product
    (member_level `product`: the product slices). One row per member and
    month in which it has MRR in m, m−1 or m−12, every amount at m's rates:

    - previous_mrr, current_mrr: MRR(m−1) and MRR(m); movement_type is the
      month's movement from int_revenue__mrr_account_movements or
      int_revenue__mrr_product_movements. Those hold only the months a
      member moved, so a member whose MRR did not change (movement_type
      NULL) takes previous = current = the month's MRR from the monthly
      series, converted as fct_mrr converts it;
    - cross_sell_mrr: the cross-sell part of an account's expansion. A
      product already paid for in m−1 cannot be cross-sold: at product level
      expansion is all upsell, and a cross-sold product shows as new MRR;
    - trailing 12 months: the members paying at m−12 are month m's cohort.
      trailing_base_mrr = their MRR(m−12) restated at m's rates (as
      previous_mrr restates m−1), trailing_current_mrr = their MRR(m),
      trailing_retained_mrr = MRR(m) capped at the base (for GRR); 0 for
      members outside the cohort.

    Restating m−12 needs month m's rate for every currency that had MRR at
    m−12: int_revenue__fx_rates_by_month holds those pairs (twelve months
    after each paid range is in use). A missing pair fails the run naming
    currency and month rather than shrinking a base.

    The monthly series is a view spread from the change points: it is read
    once, for both member levels and both months it is needed in.
#}

with

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

rates as (

    select * from {{ ref('int_revenue__fx_rates_by_month') }}

),

mrr as (

    select * from {{ ref('int_revenue__mrr_original_by_month') }}

),

account_movements as (

    select * from {{ ref('int_revenue__mrr_account_movements') }}

),

product_movements as (

    select * from {{ ref('int_revenue__mrr_product_movements') }}

),

-- Each row of the series on its own month (MRR(m)) and on the month twelve
-- months later (MRR(m−12) there).
shifted as (

    select
        month,
        account_id,
        product_id,
        currency,
        mrr_original as current_original,
        {{ to_money(0) }} as year_ago_original
    from mrr

    union all

    select
        {{ add_months('month', 12) }} as month,
        account_id,
        product_id,
        currency,
        {{ to_money(0) }} as current_original,
        mrr_original as year_ago_original
    from mrr

),

-- Each row converted on its own at m's rate, as fct_mrr converts it.
converted as (

    select
        shifted.month,
        shifted.account_id,
        shifted.product_id,
        case
            when rates.reporting_rate is null
                then {{ raise_error(
                    "'FX rate missing for retention: int_revenue__fx_rates_by_month has no '"
                    ~ " || shifted.currency || ' rate for ' || cast(shifted.month as "
                    ~ dbt.type_string() ~ ")"
                ) }}
            else {{ convert_money('shifted.current_original', 'rates.reporting_rate') }}
        end as month_mrr,
        {{ convert_money('shifted.year_ago_original', 'rates.reporting_rate') }} as year_ago_mrr
    from shifted
    inner join months
        on shifted.month = months.month
    left join rates
        on
            shifted.month = rates.month
            and shifted.currency = rates.currency

),

product_mrr as (

    select
        month,
        account_id,
        product_id,
        sum(month_mrr) as month_mrr,
        sum(year_ago_mrr) as year_ago_mrr
    from converted
    group by month, account_id, product_id

),

account_mrr as (

    select
        month,
        account_id,
        sum(month_mrr) as month_mrr,
        sum(year_ago_mrr) as year_ago_mrr
    from product_mrr
    group by month, account_id

),

member_mrr as (

    select
        'account' as member_level,
        coalesce(account_movements.month, account_mrr.month) as month,
        coalesce(account_movements.account_id, account_mrr.account_id) as account_id,
        cast(null as {{ dbt.type_string() }}) as product_id,
        account_movements.previous_mrr,
        account_movements.current_mrr,
        account_movements.movement_type,
        coalesce(account_movements.cross_sell_mrr, {{ to_money(0) }}) as cross_sell_mrr,
        coalesce(account_mrr.month_mrr, {{ to_money(0) }}) as month_mrr,
        coalesce(account_mrr.year_ago_mrr, {{ to_money(0) }}) as year_ago_mrr
    from account_mrr
    full outer join account_movements
        on
            account_mrr.month = account_movements.month
            and account_mrr.account_id = account_movements.account_id

    union all

    select
        'product' as member_level,
        coalesce(product_movements.month, product_mrr.month) as month,
        coalesce(product_movements.account_id, product_mrr.account_id) as account_id,
        coalesce(product_movements.product_id, product_mrr.product_id) as product_id,
        product_movements.previous_mrr,
        product_movements.current_mrr,
        product_movements.movement_type,
        {{ to_money(0) }} as cross_sell_mrr,
        coalesce(product_mrr.month_mrr, {{ to_money(0) }}) as month_mrr,
        coalesce(product_mrr.year_ago_mrr, {{ to_money(0) }}) as year_ago_mrr
    from product_mrr
    full outer join product_movements
        on
            product_mrr.month = product_movements.month
            and product_mrr.account_id = product_movements.account_id
            and product_mrr.product_id = product_movements.product_id

)

select
    member_level,
    month,
    account_id,
    product_id,
    coalesce(previous_mrr, month_mrr) as previous_mrr,
    coalesce(current_mrr, month_mrr) as current_mrr,
    movement_type,
    cross_sell_mrr,
    case when year_ago_mrr > 0 then year_ago_mrr else {{ to_money(0) }} end as trailing_base_mrr,
    case when year_ago_mrr > 0 then month_mrr else {{ to_money(0) }} end as trailing_current_mrr,
    case
        when year_ago_mrr <= 0 then {{ to_money(0) }}
        when month_mrr < year_ago_mrr then month_mrr
        else year_ago_mrr
    end as trailing_retained_mrr
from member_mrr
