with

source as (

    select * from {{ source('billing', 'refunds') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('refund_id') }} as refund_id,
        {{ landing_text('invoice_id') }} as invoice_id,

        ---------- text
        upper({{ landing_text('currency') }}) as currency,
        {{ landing_text('reason') }} as reason,

        ---------- numerics
        {{ landing_decimal('amount') }} as amount,

        ---------- timestamps
        {{ landing_timestamp('created_at') }} as created_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'billing', 'refunds') }}

)

select
    refund_id,
    invoice_id,
    currency,
    reason,
    amount,
    created_at,
    _loaded_at,
    _source_file
from deduplicated
