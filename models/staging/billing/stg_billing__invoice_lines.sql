with

source as (

    select * from {{ source('billing', 'invoice_lines') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('invoice_line_id') }} as invoice_line_id,
        {{ landing_text('invoice_id') }} as invoice_id,
        {{ landing_text('subscription_item_id') }} as subscription_item_id,
        {{ landing_text('plan_id') }} as plan_id,

        ---------- numerics
        {{ landing_decimal('amount') }} as amount,
        {{ landing_integer('quantity') }} as quantity,

        ---------- booleans
        {{ landing_boolean('is_proration') }} as is_proration,

        ---------- timestamps
        {{ landing_timestamp('period_start') }} as period_start,
        {{ landing_timestamp('period_end') }} as period_end,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'billing', 'invoice_lines') }}

)

select
    invoice_line_id,
    invoice_id,
    subscription_item_id,
    plan_id,
    amount,
    quantity,
    is_proration,
    period_start,
    period_end,
    _loaded_at,
    _source_file
from deduplicated
