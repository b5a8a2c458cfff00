with

source as (

    select * from {{ source('crm', 'activities') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('activity_id') }} as activity_id,
        {{ landing_text('account_id') }} as account_id,
        {{ landing_text('user_id') }} as user_id,

        ---------- text
        lower({{ landing_text('activity_type') }}) as activity_type,

        ---------- timestamps
        {{ landing_timestamp('occurred_at') }} as occurred_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'crm', 'activities') }}

)

select
    activity_id,
    account_id,
    user_id,
    activity_type,
    occurred_at,
    _loaded_at,
    _source_file
from deduplicated
