with

source as (

    select * from {{ source('billing', 'payments') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('payment_id') }} as payment_id,
        {{ landing_text('invoice_id') }} as invoice_id,

        ---------- text
        upper({{ landing_text('currency') }}) as currency,
        lower({{ landing_text('status') }}) as status,
        lower({{ landing_text('failure_code') }}) as failure_code,

        ---------- numerics
        {{ landing_decimal('amount') }} as amount,

        ---------- timestamps
        {{ landing_timestamp('attempted_at') }} as attempted_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'billing', 'payments') }}

)

select
    payment_id,
    invoice_id,
    currency,
    status,
    failure_code,
    amount,
    attempted_at,
    _loaded_at,
    _source_file
from deduplicated
