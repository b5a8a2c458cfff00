with

source as (

    select * from {{ source('billing', 'subscription_items') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('subscription_item_id') }} as subscription_item_id,
        {{ landing_text('subscription_id') }} as subscription_id,
        {{ landing_text('plan_id') }} as plan_id,

        ---------- numerics
        {{ landing_integer('quantity') }} as quantity,
        {{ landing_decimal('unit_amount') }} as unit_amount,
        {{ landing_decimal('discount_percent', type_rate()) }} as discount_percent,

        ---------- timestamps
        {{ landing_timestamp('valid_from') }} as valid_from,
        {{ landing_timestamp('valid_to') }} as valid_to,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'billing', 'subscription_items') }}

)

select
    subscription_item_id,
    subscription_id,
    plan_id,
    quantity,
    unit_amount,
    discount_percent,
    valid_from,
    valid_to,
    _loaded_at,
    _source_file
from deduplicated
