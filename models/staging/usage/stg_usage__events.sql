{#
    Incremental (macros/staging/incremental_staging.sql): a night parses only
    the rows loaded since the last build and de-duplicates them together with
    the rows already staged for the same event ids, looked up inside the
    late-arrival window (staged_lookback); delete+insert by event_id then
    replaces those ids' rows (strategy delete_insert_in_lookback, the same
    window). A staged row that raw no longer holds (its file changed) is
    stale: its event is staged again from what raw holds now, or deleted
    when raw has no row of it left.
#}

{%- set lookback_of = {'source': ['usage', 'events'], 'column': 'occurred_at'} -%}
{%- set night = staged_night(lookback_of) -%}
{%- set raw_events = night.source -%}
{%- set watermark = night.watermark -%}

{{ config(
    materialized=cs_analytics.staging_materialization(),
    incremental_strategy='delete_insert_in_lookback',
    unique_key='event_id',
    meta={'lookback': lookback_of},
    on_schema_change='fail',
) }}

with

source as {{ cs_analytics.not_materialized() }} (

    select * from {{ raw_events }}
    {%- if watermark is not none %}
    where _loaded_at > {{ watermark }}
    {%- if night.has_stale %}

    union all

    -- the raw rows of the events whose staged row is stale
    select * from {{ raw_events }}
    where
        _loaded_at <= {{ watermark }}
        and {{ landing_text('event_id') }} in (
            select staged.event_id from {{ this }} as staged
            where {{ stale_staged_row(raw_events, night.files) }}
        )
    {%- endif %}
    {%- endif %}

),

parsed as {{ cs_analytics.not_materialized() }} (

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
    {%- for scan in lookback_scans('staged.' ~ lookback_of.column, night.lookback) %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        staged.event_id,
        staged.account_id,
        staged.user_id,
        staged.event_name,
        staged.occurred_at,
        staged.received_at,
        staged._loaded_at,
        staged._source_file,
        staged._source_row
    from {{ this }} as staged
    where
        staged.event_id in (select parsed.event_id from parsed)
        and {{ scan }}
        {%- if night.has_stale %}
        and not ({{ stale_staged_row(raw_events, night.files) }})
        {%- endif %}
    {%- endfor %}

),
{%- endif %}

-- tonight's rows, with those already staged for the same event ids;
-- the three CTEs up to here stream: deduplicate reads `renamed` three times
renamed as {{ cs_analytics.not_materialized() }} (

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
    _source_row,
    {{ incremental_row_stamp() }}
from deduplicated
