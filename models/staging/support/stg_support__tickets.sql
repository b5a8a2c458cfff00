with

source as (

    select * from {{ source('support', 'tickets') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('ticket_id') }} as ticket_id,
        {{ landing_text('account_id') }} as account_id,

        ---------- text
        lower({{ landing_text('priority') }}) as priority,
        lower({{ landing_text('status') }}) as status,
        lower({{ landing_text('category') }}) as category,

        ---------- numerics
        {{ landing_integer('csat_score') }} as csat_score,

        ---------- timestamps
        {{ landing_timestamp('created_at') }} as created_at,
        {{ landing_timestamp('first_response_at') }} as first_response_at,
        {{ landing_timestamp('solved_at') }} as solved_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'support', 'tickets') }}

)

select
    ticket_id,
    account_id,
    priority,
    status,
    category,
    csat_score,
    created_at,
    first_response_at,
    solved_at,
    _loaded_at,
    _source_file
from deduplicated
