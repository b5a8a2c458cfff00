with

source as (

    select * from {{ source('billing', 'products') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('product_id') }} as product_id,

        ---------- text
        {{ landing_text('product_name') }} as product_name,
        {{ landing_text('product_family') }} as product_family,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'billing', 'products') }}

)

select
    product_id,
    product_name,
    product_family,
    _loaded_at,
    _source_file
from deduplicated
