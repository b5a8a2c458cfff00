with

source as (

    select * from {{ source('billing', 'customers') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('customer_id') }} as customer_id,
        {{ landing_text('account_id') }} as account_id,

        ---------- text
        upper({{ landing_text('currency') }}) as currency,

        ---------- booleans
        {{ landing_boolean('is_test') }} as is_test,

        ---------- timestamps
        {{ landing_timestamp('created_at') }} as created_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'billing', 'customers') }}

)

select
    customer_id,
    account_id,
    currency,
    is_test,
    created_at,
    _loaded_at,
    _source_file
from deduplicated
