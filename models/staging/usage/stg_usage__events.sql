{#
    Incremental (macros/staging/incremental_staging.sql): a night parses only
    the rows loaded since the last build and de-duplicates them together with
    the rows already staged for the same event ids; delete+insert by event_id
    then replaces those ids' rows. Staged rows whose file was loaded again
    (its content changed) are replaced from what raw holds now, and removed
    when raw no longer has their event.
#}

{%- set watermark = staged_watermark() -%}
{%- set reloaded_files = files_loaded_since('usage/events', watermark) -%}

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_id',
    on_schema_change='fail',
    post_hook=["{{ delete_stale_staged_rows('usage/events') }}"],
) }}

with

source as (

    select * from {{ source('usage', 'events') }}
    {%- if watermark is not none %}
    where
        _loaded_at > {{ watermark }}
        {%- if reloaded_files is not none %}
        -- earlier loads of the events whose staged row came from a reloaded file
        or event_id in (
            select stale.event_id from {{ this }} as stale
            where stale._source_file in ({{ reloaded_files }})
        )
        {%- endif %}
    {%- endif %}

),

parsed as (

    select
        ---------- ids
        {{ landing_text('event_id') }} as event_id,
        {{ landing_text('account_id') }} as account_id,
        {{ landing_text('user_id') }} as user_id,

        ---------- text
        {{ landing_text('event_name') }} as event_name,

        ---------- timestamps
        {{ landing_timestamp('occurred_at') }} as occurred_at,
        {{ landing_timestamp('received_at') }} as received_at,

        ---------- load metadata
        _loaded_at,
        _source_file,
        _source_row

    from source

),

{%- if watermark is not none %}

already_staged as (

    -- the rows staged on earlier nights for the event ids read tonight
    select staged.*
    from {{ this }} as staged
    where
        staged.event_id in (select parsed.event_id from parsed)
        {%- if reloaded_files is not none %}
        and staged._source_file not in ({{ reloaded_files }})
        {%- endif %}

),
{%- endif %}

-- tonight's rows, with those already staged for the same event ids
renamed as (

    select * from parsed
    {%- if watermark is not none %}
    union all
    select * from already_staged
    {%- endif %}

),

deduplicated as (

    {{ deduplicate_source('renamed', 'usage', 'events') }}

)

select
    event_id,
    account_id,
    user_id,
    event_name,
    occurred_at,
    received_at,
    _loaded_at,
    _source_file,
    _source_row
from deduplicated
