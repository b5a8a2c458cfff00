with

source as (

    select * from {{ source('crm', 'users') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('user_id') }} as user_id,

        ---------- text
        {{ landing_text('full_name') }} as full_name,
        {{ landing_text('email') }} as email,
        lower({{ landing_text('role') }}) as role,
        {{ landing_text('team') }} as team,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'crm', 'users') }}

)

select
    user_id,
    full_name,
    email,
    role,
    team,
    _loaded_at,
    _source_file
from deduplicated
