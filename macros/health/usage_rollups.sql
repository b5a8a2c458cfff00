{#
    The daily usage rollup: usage events counted per account × `keys` ×
    local day of occurrence (activity_date), in one pass over
    int_accounts__usage_events_attributed. Every model that needs usage
    reads a rendering of it, never raw events, so an event's day, its
    knowledge time and the catalog's core features are cut the same way
    for the health score, the expansion signals and onboarding:

    - int_usage__user_days (keys: user_id) and int_usage__feature_days
      (keys: event_name), for the health score and the expansion signals:
      keyed by the account the event recorded (source_account_id), so a CRM
      merge never invalidates them, with the knowledge day (known_date:
      received_at, or occurred_at when it has none) and incremental by it
      (`fingerprint` given: only events known from the night's recompute
      start are read, macros/health/health_incremental.sql);
    - int_usage__core_feature_days (keys: product_id, feature of the core
      features), for time to value and adoption: keyed by the surviving
      account, every event known before the as-of instant, with the
      distinct users of each feature and day.

    They are three grains because the readers need three: time to value
    needs distinct users per core feature and day, which neither health
    rollup holds (one has users, the other events), while a rollup holding
    both (account × user × event × day) is nearly as big as the events
    themselves (on the demo: 4.8 M rows for 5.1 M events, against 3.5 M +
    1.2 M for the two health rollups and 0.7 M for the core-feature one) and
    would make every feature reader scan several times more rows.
#}
{% macro usage_day_rollup(
    account_column, keys, fingerprint=none, core_features_only=false, distinct_users=false
) -%}
{%- set incremental = fingerprint is not none -%}

with

events as (

    select * from {{ ref('int_accounts__usage_events_attributed') }}

),

{%- if core_features_only %}

features as (

    select * from {{ ref('feature_catalog') }}

),
{%- endif %}

event_days as (

    select
        events.{{ account_column }},
        {%- for key in keys %}
        {{ 'features' if core_features_only else 'events' }}.{{ key }},
        {%- endfor %}
        {%- if distinct_users and 'user_id' not in keys %}
        events.user_id,
        {%- endif %}
        {{ cs_analytics.local_date('events.occurred_at') }} as activity_date
        {%- if incremental %},
        {{ cs_analytics.local_date('coalesce(events.received_at, events.occurred_at)') }}
            as known_date
        {%- endif %}
    from events
    {%- if core_features_only %}
    inner join features
        on events.event_name = features.event_name
    {%- endif %}
    where
        events.occurred_at is not null
        {%- if core_features_only %}
        and features.is_core_feature
        {%- endif %}
        {%- if incremental %}
        {%- set start = cs_analytics.health_scope_start('known_date', fingerprint) %}
        and coalesce(events.received_at, events.occurred_at)
        >= {{ cs_analytics.local_to_utc("cast('" ~ start ~ " 00:00:00' as timestamp)") }}
        {%- endif %}

)

{%- set group_columns = [account_column] + keys + ['activity_date']
    + (['known_date'] if incremental else []) %}

select
    {%- for column in group_columns %}
    {{ column }},
    {%- endfor %}
    {%- if distinct_users %}
    cast(count(distinct user_id) as {{ dbt.type_bigint() }}) as active_users,
    {%- endif %}
    cast(count(*) as {{ dbt.type_bigint() }}) as event_count
    {%- if incremental %},
    {{ incremental_row_stamp(fingerprint) }}
    {%- endif %}
from event_days
group by {{ group_columns | join(', ') }}
{%- endmacro %}
