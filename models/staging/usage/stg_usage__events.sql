{{ config(materialized='table') }}

with

source as (

    select * from {{ source('usage', 'events') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('event_id') }} as event_id,
        {{ landing_text('account_id') }} as account_id,
        {{ landing_text('user_id') }} as user_id,

        ---------- text
        {{ landing_text('event_name') }} as event_name,

        ---------- timestamps
        {{ landing_timestamp('occurred_at') }} as occurred_at,
        {{ landing_timestamp('received_at') }} as received_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'usage', 'events') }}

)

select
    event_id,
    account_id,
    user_id,
    event_name,
    occurred_at,
    received_at,
    _loaded_at,
    _source_file
from deduplicated
