with

source as (

    select * from {{ source('billing', 'subscriptions') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('subscription_id') }} as subscription_id,
        {{ landing_text('customer_id') }} as customer_id,

        ---------- text
        lower({{ landing_text('status') }}) as status,

        ---------- timestamps
        {{ landing_timestamp('created_at') }} as created_at,
        {{ landing_timestamp('trial_end_at') }} as trial_end_at,
        {{ landing_timestamp('canceled_at') }} as canceled_at,
        {{ landing_timestamp('ended_at') }} as ended_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'billing', 'subscriptions') }}

)

select
    subscription_id,
    customer_id,
    status,
    created_at,
    trial_end_at,
    canceled_at,
    ended_at,
    _loaded_at,
    _source_file
from deduplicated
