with

source as (

    select * from {{ source('crm', 'nps_responses') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('response_id') }} as response_id,
        {{ landing_text('account_id') }} as account_id,
        {{ landing_text('contact_id') }} as contact_id,

        ---------- text
        {{ landing_text('comment') }} as comment,

        ---------- numerics
        {{ landing_integer('score') }} as score,

        ---------- timestamps
        {{ landing_timestamp('responded_at') }} as responded_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'crm', 'nps_responses') }}

)

select
    response_id,
    account_id,
    contact_id,
    comment,
    score,
    responded_at,
    _loaded_at,
    _source_file
from deduplicated
