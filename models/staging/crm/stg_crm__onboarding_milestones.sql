with

source as (

    select * from {{ source('crm', 'onboarding_milestones') }}

),

renamed as (

    select
        ---------- ids
        {{ landing_text('account_id') }} as account_id,

        ---------- text
        lower({{ landing_text('milestone') }}) as milestone,

        ---------- timestamps
        {{ landing_timestamp('due_at') }} as due_at,
        {{ landing_timestamp('completed_at') }} as completed_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

deduplicated as (

    {{ deduplicate_source('renamed', 'crm', 'onboarding_milestones') }}

)

select
    account_id,
    milestone,
    due_at,
    completed_at,
    _loaded_at,
    _source_file
from deduplicated
