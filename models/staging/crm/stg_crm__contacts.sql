with

source as (

    select * from {{ source('crm', 'contacts') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('contact_id') }} as contact_id,
        {{ landing_text('account_id') }} as account_id,

        ---------- text
        {{ landing_text('full_name') }} as full_name,
        {{ landing_text('email') }} as email,
        {{ landing_text('title') }} as title,

        ---------- booleans
        {{ landing_boolean('is_executive_sponsor') }} as is_executive_sponsor,

        ---------- timestamps
        {{ landing_timestamp('created_at') }} as created_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'crm', 'contacts') }}

)

select
    contact_id,
    account_id,
    full_name,
    email,
    title,
    is_executive_sponsor,
    created_at,
    _loaded_at,
    _source_file
from deduplicated
