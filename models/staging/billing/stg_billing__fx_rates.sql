with

source as (

    select * from {{ source('billing', 'fx_rates') }}

),

renamed as (

    select
        ---------- text
        upper({{ landing_text('currency') }}) as currency,

        ---------- numerics
        {{ landing_decimal('usd_per_unit', type_rate()) }} as usd_per_unit,

        ---------- dates
        {{ landing_date('rate_date') }} as rate_date,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'billing', 'fx_rates') }}

)

select
    currency,
    usd_per_unit,
    rate_date,
    _loaded_at,
    _source_file
from deduplicated
