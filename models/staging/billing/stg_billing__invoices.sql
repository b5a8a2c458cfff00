with

source as (

    select * from {{ source('billing', 'invoices') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('invoice_id') }} as invoice_id,
        {{ landing_text('customer_id') }} as customer_id,
        {{ landing_text('subscription_id') }} as subscription_id,

        ---------- text
        lower({{ landing_text('status') }}) as status,
        upper({{ landing_text('currency') }}) as currency,

        ---------- numerics
        {{ landing_decimal('amount_due') }} as amount_due,
        {{ landing_decimal('amount_paid') }} as amount_paid,

        ---------- timestamps
        {{ landing_timestamp('issued_at') }} as issued_at,
        {{ landing_timestamp('due_at') }} as due_at,
        {{ landing_timestamp('paid_at') }} as paid_at,
        {{ landing_timestamp('period_start') }} as period_start,
        {{ landing_timestamp('period_end') }} as period_end,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'billing', 'invoices') }}

)

select
    invoice_id,
    customer_id,
    subscription_id,
    status,
    currency,
    amount_due,
    amount_paid,
    issued_at,
    due_at,
    paid_at,
    period_start,
    period_end,
    _loaded_at,
    _source_file
from deduplicated
