{#
    Every version of every subscription item with its monthly recurring
    revenue in the plan's currency and the range of reporting months whose
    month-end snapshot it is paid in (docs/metrics.md, MRR and Time).

    Item MRR = (per_seat: quantity × unit_amount; flat: unit_amount)
               × (1 − discount_percent / 100) ÷ billing_interval_months,
    with unit_amount the item's own or else the plan's, rounded half up at
    9 decimals (the discount is taken at 9 decimals of a percent).

    Exact without a division per version: for each price point (unit amount,
    discount, interval) one unit's MRR in nano-units is w + r ÷ d, with
    w and r the quotient and remainder of unit_amount × (100 − discount)
    × 10^18 by d = 10^11 × interval. n units then make n × w + round(n × r
    ÷ d), where n × r fits 64 bits for any realistic seat count. Few price
    points, many versions: this keeps the 38-digit division off the rows.

    A month m reports the state at its snapshot S(m). The version counts when
    valid_from < S(m) <= valid_to (valid_to NULL = open) and the subscription
    is out of trial (trial_end_at < S(m)). S grows with m, so the months paid
    form one range: from the local month of greatest(valid_from, trial_end_at)
    to the month before the local month of valid_to, with the partial as-of
    month included when the version is paid at the as-of instant.

    Only the columns its readers use are kept: this table is written once
    per version (millions of rows at scale), and every column costs write
    time; subscription_item_id leads back to the staged item.
#}

with

items as (

    select * from {{ ref('stg_billing__subscription_items') }}

),

plans as (

    select * from {{ ref('stg_billing__plans') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

customer_accounts as (

    select * from {{ ref('int_accounts__billing_customers') }}

),

priced as (

    select
        items.subscription_item_id,
        items.subscription_id,
        items.plan_id,
        plans.product_id,
        subscriptions.customer_id,
        customer_accounts.account_id,
        customer_accounts.is_test,
        plans.currency,
        plans.pricing_model,
        plans.billing_interval_months,
        items.quantity,
        case when plans.pricing_model = 'per_seat' then items.quantity else 1 end
            as billed_units,
        coalesce(items.unit_amount, plans.unit_amount) as unit_amount,
        coalesce(items.discount_percent, 0) as discount_percent,
        items.valid_from,
        items.valid_to,
        subscriptions.created_at as subscription_created_at,
        subscriptions.trial_end_at
    from items
    inner join plans
        on items.plan_id = plans.plan_id
    inner join subscriptions
        on items.subscription_id = subscriptions.subscription_id
    inner join customer_accounts
        on subscriptions.customer_id = customer_accounts.customer_id

),

-- Every distinct price point once: the exact monthly amount of one unit,
-- split into whole nano-units and the remainder of the division by
-- 100 × interval. A version then needs no division of its own, only
-- quantity × whole + the rounded quantity × remainder (see the header).
price_points as (

    select distinct
        unit_amount,
        discount_percent,
        billing_interval_months
    from priced
    where
        unit_amount >= 0
        and discount_percent between 0 and 100
        and billing_interval_months > 0

),

price_point_parts as (

    select
        *,
        cast(100000000000 as {{ type_wide_integer() }}) * billing_interval_months as divisor,
        -- unit_amount × (100 − discount_percent) in units of 10^-18
        cast(unit_amount * 1000000000 as {{ type_wide_integer() }})
        * cast((100 - discount_percent) * 1000000000 as {{ type_wide_integer() }})
            as scaled_numerator
    from price_points

),

unit_mrr as (

    select
        unit_amount,
        discount_percent,
        billing_interval_months,
        cast(divisor as {{ dbt.type_bigint() }}) as divisor,
        cast(
            {{ integer_divide('scaled_numerator', 'divisor') }} as {{ dbt.type_bigint() }}
        ) as whole_nanos,
        cast(
            scaled_numerator - {{ integer_divide('scaled_numerator', 'divisor') }} * divisor
            as {{ dbt.type_bigint() }}
        ) as remainder_nanos
    from price_point_parts

),

valued as (

    select
        priced.*,
        case
            when unit_mrr.whole_nanos is not null and priced.quantity >= 0
                then
                    cast(
                        cast(
                            cast(priced.billed_units as {{ type_wide_integer() }})
                            * unit_mrr.whole_nanos
                            + {{ integer_divide(
                                '2 * priced.billed_units * unit_mrr.remainder_nanos + unit_mrr.divisor',
                                '2 * unit_mrr.divisor'
                            ) }}
                            as decimal(38, 0)
                        ) * cast(0.000000001 as decimal(10, 9)) as {{ type_money() }}
                    )
            -- Out-of-contract values (negative amounts, discounts outside
            -- 0–100) block the run elsewhere; here they still get the exact
            -- general division rather than a wrong fast answer.
            else {{ divide_exact(
                'priced.billed_units * priced.unit_amount'
                ~ ' * cast(100 - priced.discount_percent as decimal(38, 9))',
                '100 * priced.billing_interval_months'
            ) }}
        end as mrr_original,
        case
            when priced.trial_end_at > priced.valid_from then priced.trial_end_at
            else priced.valid_from
        end as paid_from
    from priced
    left join unit_mrr
        on
            priced.unit_amount = unit_mrr.unit_amount
            and priced.discount_percent = unit_mrr.discount_percent
            and priced.billing_interval_months = unit_mrr.billing_interval_months

),

paid_months as (

    select
        *,
        case
            when paid_from < {{ as_of_instant() }} then {{ local_month('paid_from') }}
        end as first_paid_month,
        case
            when valid_to is null or valid_to >= {{ as_of_instant() }} then {{ as_of_month() }}
            else {{ add_months(local_month('valid_to'), -1) }}
        end as last_paid_month
    from valued

)

select
    subscription_item_id,
    valid_from,
    valid_to,
    plan_id,
    product_id,
    account_id,
    is_test,
    currency,
    pricing_model,
    billing_interval_months,
    quantity,
    mrr_original,
    subscription_created_at,
    trial_end_at,
    paid_from,
    first_paid_month,
    last_paid_month,
    first_paid_month is not null
    and first_paid_month <= last_paid_month as has_paid_months
from paid_months
