{#
    Blocks the night when an item version lacks what its MRR is computed
    from (docs/landing_contract.md, What bad input gets): a price (its own
    unit_amount, or else its plan's) and, on a per-seat plan, a quantity.
    Either blank would count the version as no MRR without a word. The same
    blanks elsewhere change no number (a flat plan ignores the quantity, an
    item with its own price ignores the plan's, test customers are excluded
    everywhere), so there they are only counted in audit_landing_parse_failures.
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

customers as (

    select * from {{ ref('stg_billing__customers') }}

)

select
    items.subscription_item_id,
    items.valid_from,
    items.plan_id,
    plans.pricing_model,
    items.quantity,
    items.unit_amount,
    plans.unit_amount as plan_unit_amount,
    items._source_file
from items
inner join plans
    on items.plan_id = plans.plan_id
inner join subscriptions
    on items.subscription_id = subscriptions.subscription_id
inner join customers
    on subscriptions.customer_id = customers.customer_id
where
    not coalesce(customers.is_test, false)
    and (
        coalesce(items.unit_amount, plans.unit_amount) is null
        or (plans.pricing_model = 'per_seat' and items.quantity is null)
    )
