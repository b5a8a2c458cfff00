with

source as (

    select * from {{ source('usage', 'users') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('user_id') }} as user_id,
        {{ landing_text('account_id') }} as account_id,

        ---------- text
        lower({{ landing_text('role') }}) as role,

        ---------- timestamps
        {{ landing_timestamp('created_at') }} as created_at,
        {{ landing_timestamp('deactivated_at') }} as deactivated_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'usage', 'users') }}

)

select
    user_id,
    account_id,
    role,
    created_at,
    deactivated_at,
    _loaded_at,
    _source_file
from deduplicated
