with

source as (

    select * from {{ source('crm', 'churn_reasons') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('account_id') }} as account_id,
        {{ landing_text('subscription_id') }} as subscription_id,

        ---------- text
        lower({{ landing_text('reason_code') }}) as reason_code,
        {{ landing_text('comment') }} as comment,

        ---------- timestamps
        {{ landing_timestamp('notice_at') }} as notice_at,
        {{ landing_timestamp('effective_at') }} as effective_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'crm', 'churn_reasons') }}

)

select
    account_id,
    subscription_id,
    reason_code,
    comment,
    notice_at,
    effective_at,
    _loaded_at,
    _source_file
from deduplicated
