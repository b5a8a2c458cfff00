with

source as (

    select * from {{ source('crm', 'accounts') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('account_id') }} as account_id,
        {{ landing_text('merged_into_account_id') }} as merged_into_account_id,
        {{ landing_text('csm_owner_id') }} as csm_owner_id,

        ---------- text
        {{ landing_text('account_name') }} as account_name,
        {{ landing_text('industry') }} as industry,
        upper({{ landing_text('region') }}) as region,
        upper({{ landing_text('country') }}) as country,
        lower({{ landing_text('segment') }}) as segment,
        lower({{ landing_text('touch_model') }}) as touch_model,

        ---------- numerics
        {{ landing_integer('employee_count') }} as employee_count,

        ---------- timestamps
        {{ landing_timestamp('created_at') }} as created_at,
        {{ landing_timestamp('updated_at') }} as updated_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'crm', 'accounts') }}

)

select
    account_id,
    merged_into_account_id,
    csm_owner_id,
    account_name,
    industry,
    region,
    country,
    segment,
    touch_model,
    employee_count,
    created_at,
    updated_at,
    _loaded_at,
    _source_file
from deduplicated
