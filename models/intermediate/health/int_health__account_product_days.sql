{#
    Per surviving account x billing product x local day: the product's item
    versions in force at the end of the day (valid_from < end of day <=
    valid_to, the month-end snapshot rule of docs/metrics.md applied to days),
    their licensed seats and plan tier, and whether the account pays for the
    product that day (an item with MRR > 0 out of trial). Test customers are
    excluded.

    Licensed seats of an item: its quantity on per-seat plans, the plan's
    `included_seats` on flat plans; NULL (unknown) when a flat plan has no
    allowance, and the product's seats are then unknown too.

    Incremental like the components (macros/health/health_incremental.sql):
    a night builds the days it recomputes and every day of a restated
    account, and keeps the others.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

items as (

    select * from {{ ref('int_revenue__subscription_item_mrr') }}
    where not is_test

),

plans as (

    select * from {{ ref('stg_billing__plans') }}

),

products as (

    select * from {{ ref('stg_billing__products') }}

),

calendar as (

    select * from {{ ref('int_health__calendar_days') }}

),

composition as (

    select * from {{ ref('int_health__account_composition') }}

),

versions as (

    select
        items.account_id,
        items.product_id,
        plans.tier_rank,
        case
            when items.pricing_model = 'per_seat' then items.quantity
            else plans.included_seats
        end as licensed_seats,
        items.mrr_original > 0 as has_mrr,
        {{ local_date('items.valid_from') }} as in_force_from_date,
        {{ local_date('items.paid_from') }} as paid_from_date,
        case
            when items.valid_to is not null
                then cast({{ dbt.dateadd('day', -1, local_date('items.valid_to')) }} as date)
        end as in_force_to_date
    from items
    inner join plans
        on items.plan_id = plans.plan_id

),

all_version_days as (

    select
        versions.*,
        calendar.calendar_date as score_date
    from versions
    inner join calendar
        on
            versions.in_force_from_date <= calendar.calendar_date
            and (
                versions.in_force_to_date is null
                or versions.in_force_to_date >= calendar.calendar_date
            )

),

version_days as (

    select * from all_version_days
    where {{ health_in_scope(fingerprint) }}

),

product_days as (

    select
        account_id,
        product_id,
        score_date,
        count(*) as items_in_force,
        case
            when count(licensed_seats) = count(*) then sum(licensed_seats)
        end as licensed_seats,
        max(tier_rank) as tier_rank,
        {{ dbt.bool_or('has_mrr and score_date >= paid_from_date') }} as is_paid
    from version_days
    group by account_id, product_id, score_date

)

select
    product_days.account_id,
    product_days.product_id,
    product_days.score_date,
    products.product_family,
    cast(product_days.items_in_force as {{ dbt.type_bigint() }}) as items_in_force,
    cast(product_days.licensed_seats as {{ dbt.type_bigint() }}) as licensed_seats,
    cast(product_days.tier_rank as {{ dbt.type_bigint() }}) as tier_rank,
    product_days.is_paid,
    composition.composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from product_days
left join products
    on product_days.product_id = products.product_id
left join composition
    on product_days.account_id = composition.account_id
