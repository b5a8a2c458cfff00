{#
    Every version of every subscription item with its monthly recurring
    revenue in the plan's currency and the range of reporting months whose
    month-end snapshot it is paid in (metrics.md, MRR and Time).

    Item MRR = (per_seat: quantity × unit_amount; flat: unit_amount)
               × (1 − discount_percent / 100) ÷ billing_interval_months,
    with unit_amount the item's own or else the plan's.

    A month m reports the state at its snapshot S(m). The version counts when
    valid_from < S(m) <= valid_to (valid_to NULL = open) and the subscription
    is out of trial (trial_end_at < S(m)). S grows with m, so the months paid
    form one range: from the local month of greatest(valid_from, trial_end_at)
    to the month before the local month of valid_to, with the partial as-of
    month included when the version is paid at the as-of instant.
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

    select * from {{ ref('int_billing_customer_accounts') }}

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

valued as (

    select
        *,
        {{ divide_exact(
            '(case when pricing_model = \'per_seat\' then quantity else 1 end)'
            ~ ' * unit_amount * cast(100 - discount_percent as decimal(38, 6))',
            '100 * billing_interval_months'
        ) }} as mrr_original,
        case
            when trial_end_at > valid_from then trial_end_at
            else valid_from
        end as paid_from
    from priced

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
    subscription_id,
    plan_id,
    product_id,
    customer_id,
    account_id,
    is_test,
    currency,
    pricing_model,
    billing_interval_months,
    quantity,
    unit_amount,
    discount_percent,
    mrr_original,
    subscription_created_at,
    trial_end_at,
    paid_from,
    first_paid_month,
    last_paid_month,
    first_paid_month is not null
    and first_paid_month <= last_paid_month as has_paid_months
from paid_months
