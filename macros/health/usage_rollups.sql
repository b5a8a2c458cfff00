{#
    The body of an incremental usage rollup (int_usage__user_days,
    int_usage__feature_days): events counted per source account ×
    `dimension` × activity day × knowledge day (local days; the knowledge
    time of an event is received_at, or occurred_at when it has none),
    reading only events known from the night's recompute start on. Both
    rollups must cut days and scopes the same way, which is why they share
    this; each model keeps its own config and pre-hook.
#}
{% macro health_usage_day_rollup(dimension, fingerprint) -%}
{%- set start = cs_analytics.health_scope_start('known_date', fingerprint) %}

with

events as (

    select
        source_account_id,
        {{ dimension }},
        {{ cs_analytics.local_date('occurred_at') }} as activity_date,
        {{ cs_analytics.local_date('coalesce(received_at, occurred_at)') }} as known_date
    from {{ ref('int_accounts__usage_events_attributed') }}
    where
        occurred_at is not null
        and coalesce(received_at, occurred_at)
        >= {{ cs_analytics.local_to_utc("cast('" ~ start ~ " 00:00:00' as timestamp)") }}

)

select
    source_account_id,
    {{ dimension }},
    activity_date,
    known_date,
    cast(count(*) as {{ dbt.type_bigint() }}) as event_count,
    cast('{{ fingerprint }}' as {{ dbt.type_string() }}) as build_fingerprint
from events
group by source_account_id, {{ dimension }}, activity_date, known_date
{%- endmacro %}
