with

source as (

    select * from {{ source('billing', 'plans') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('plan_id') }} as plan_id,
        {{ landing_text('product_id') }} as product_id,

        ---------- text
        {{ landing_text('plan_name') }} as plan_name,
        lower({{ landing_text('pricing_model') }}) as pricing_model,
        upper({{ landing_text('currency') }}) as currency,

        ---------- numerics
        {{ landing_integer('billing_interval_months') }} as billing_interval_months,
        {{ landing_decimal('unit_amount') }} as unit_amount,
        {{ landing_integer('tier_rank') }} as tier_rank,
        {{ landing_integer('included_seats') }} as included_seats,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'billing', 'plans') }}

)

select
    plan_id,
    product_id,
    plan_name,
    pricing_model,
    currency,
    billing_interval_months,
    unit_amount,
    tier_rank,
    included_seats,
    _loaded_at,
    _source_file
from deduplicated
