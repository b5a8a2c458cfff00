with

source as (

    select * from {{ source('crm', 'opportunities') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('opportunity_id') }} as opportunity_id,
        {{ landing_text('account_id') }} as account_id,
        {{ landing_text('product_id') }} as product_id,

        ---------- text
        lower({{ landing_text('opportunity_type') }}) as opportunity_type,
        lower({{ landing_text('stage') }}) as stage,
        upper({{ landing_text('currency') }}) as currency,

        ---------- numerics
        {{ landing_decimal('amount') }} as amount,

        ---------- booleans
        {{ landing_boolean('is_won') }} as is_won,
        {{ landing_boolean('is_closed') }} as is_closed,

        ---------- timestamps
        {{ landing_timestamp('created_at') }} as created_at,

        ---------- dates
        {{ landing_date('close_date') }} as close_date,
        {{ landing_date('contract_start_date') }} as contract_start_date,
        {{ landing_date('contract_end_date') }} as contract_end_date,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'crm', 'opportunities') }}

)

select
    opportunity_id,
    account_id,
    product_id,
    opportunity_type,
    stage,
    currency,
    amount,
    is_won,
    is_closed,
    created_at,
    close_date,
    contract_start_date,
    contract_end_date,
    _loaded_at,
    _source_file
from deduplicated
