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

    {{ deduplicate(
        'renamed',
        partition_by=['rate_date', 'currency'],
        order_by=['_loaded_at desc', '_source_row desc'],
    ) }}

)

select
    currency,
    usd_per_unit,
    rate_date,
    _loaded_at,
    _source_file
from deduplicated
