{#
    Usage events rolled up once per source account x event x activity day x
    knowledge day (local days; the knowledge time of an event is received_at,
    or occurred_at when it has none). Everything the health score needs
    about features used is computed from this rollup, never from raw events.

    Keyed by the account the event recorded (source_account_id), not the
    surviving one, so a CRM merge never invalidates it. Incremental: a night
    recomputes the knowledge days from its recompute start (see
    macros/health/health_incremental.sql); events that land later than that
    are left out until a full refresh and counted in
    audit_usage_rollup_late_events.
#}

{%- set fingerprint = health_build_fingerprint() -%}

{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ health_delete_recompute_scope('known_date', health_build_fingerprint()) }}"],
) }}

{%- set start = health_scope_start('known_date', fingerprint) %}

with

events as (

    select
        source_account_id,
        event_name,
        {{ local_date('occurred_at') }} as activity_date,
        {{ local_date('coalesce(received_at, occurred_at)') }} as known_date
    from {{ ref('int_usage__events_attributed') }}
    where
        occurred_at is not null
        and coalesce(received_at, occurred_at)
        >= {{ local_to_utc("cast('" ~ start ~ " 00:00:00' as timestamp)") }}

)

select
    source_account_id,
    event_name,
    activity_date,
    known_date,
    cast(count(*) as {{ dbt.type_bigint() }}) as event_count,
    cast('{{ fingerprint }}' as {{ dbt.type_string() }}) as build_fingerprint
from events
group by source_account_id, event_name, activity_date, known_date
