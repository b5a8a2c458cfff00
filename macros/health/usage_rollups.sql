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
      distinct users of each feature and day. Distinct users do not add up
      over knowledge days, so it is incremental by activity day instead
      (`fingerprint` and `touched_days` given): a night recomputes whole
      the days that an event known since the recompute start fell on, and
      every day of a restated account (usage_rollup_touched_scope), so a
      late event still counts on its own day.

    They are three grains because the readers need three: time to value
    needs distinct users per core feature and day, which neither health
    rollup holds (one has users, the other events), while a rollup holding
    both (account × user × event × day) is nearly as big as the events
    themselves (on the demo: 4.8 M rows for 5.1 M events, against 3.5 M +
    1.2 M for the two health rollups and 0.7 M for the core-feature one) and
    would make every feature reader scan several times more rows.
#}
{% macro usage_day_rollup(
    account_column, keys, fingerprint=none, core_features_only=false, distinct_users=false,
    touched_days=false
) -%}
{%- set incremental = fingerprint is not none and not touched_days -%}
{%- set touched = cs_analytics.usage_rollup_touched_scope(fingerprint) if touched_days else none -%}

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
        {%- if touched is not none %}
        and {{ cs_analytics.usage_rollup_in_touched_scope(
            touched, cs_analytics.local_date('events.occurred_at'), 'events.' ~ account_column,
            occurred_at='events.occurred_at'
        ) }}
        {%- endif %}

)

{%- set group_columns = [account_column] + keys + ['activity_date']
    + (['known_date'] if incremental else []) %}

select
    {%- for column in group_columns %}
    event_days.{{ column }},
    {%- endfor %}
    {%- if distinct_users %}
    cast(count(distinct event_days.user_id) as {{ dbt.type_bigint() }}) as active_users,
    {%- endif %}
    cast(count(*) as {{ dbt.type_bigint() }}) as event_count
    {%- if touched_days %},
    composition.composition_hash
    {%- endif %}
    {%- if incremental or touched_days %},
    {{ incremental_row_stamp(fingerprint) }}
    {%- endif %}
from event_days
{%- if touched_days %}
left join {{ ref('int_health__account_composition') }} as composition
    on event_days.{{ account_column }} = composition.account_id
{%- endif %}
group by
    {%- for column in group_columns %}
    event_days.{{ column }}{{ ',' if not loop.last or touched_days }}
    {%- endfor %}
    {%- if touched_days %}
    composition.composition_hash
    {%- endif %}
{%- endmacro %}

{#
    What a night of a rollup incremental by activity day recomputes: the
    local days of the events known from the recompute start (their other
    events are read again with them, so each day is recomputed whole), and
    every day of the restated accounts. None on a build of every day. Read
    once per run by the model and once by its pre-hook; nothing is built
    in between, so both see the same scope.
#}
{% macro usage_rollup_touched_scope(fingerprint) -%}
    {%- set start = cs_analytics.health_recompute_start('activity_date', fingerprint) -%}
    {%- if start is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set start_at = cs_analytics.local_to_utc("cast('" ~ start ~ " 00:00:00' as timestamp)") -%}
    {%- set days = run_query(
        'select distinct cast(' ~ cs_analytics.local_date('occurred_at') ~ ' as '
        ~ dbt.type_string() ~ ') from ' ~ ref('int_accounts__usage_events_attributed')
        ~ ' where occurred_at is not null and coalesce(received_at, occurred_at) >= '
        ~ start_at ~ ' order by 1'
    ).columns[0].values() -%}
    {%- set accounts = run_query(cs_analytics.health_restated_accounts()).columns[0].values() -%}
    {{ return({'days': days | list, 'accounts': accounts | list}) }}
{%- endmacro %}

{#
    The filter of the rows in `scope` (usage_rollup_touched_scope): `day` is
    the local day of the row, `account` its account; `occurred_at`, when
    given, the instant the day is read from, bounded so that the scan skips
    the row groups of earlier days.
#}
{% macro usage_rollup_in_touched_scope(scope, day, account, occurred_at=none) -%}
    (
        {%- if scope.days %}
        (
            {%- if occurred_at %}
            {{ occurred_at }} >= {{ cs_analytics.local_to_utc(
                "cast('" ~ scope.days[0] ~ " 00:00:00' as timestamp)"
            ) }}
            and
            {%- endif %}
            {{ day }} in (
                {%- for scope_day in scope.days %}cast('{{ scope_day }}' as date){{ ', ' if not loop.last }}{% endfor -%}
            )
        )
        {%- else %}
        1 = 0
        {%- endif %}
        {%- if scope.accounts %}
        or {{ account }} in (
            {%- for account_id in scope.accounts %}'{{ account_id | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor -%}
        )
        {%- endif %}
    )
{%- endmacro %}

{#
    Pre-hook of a rollup incremental by activity day: delete the days and
    accounts it recomputes, and the rows of compositions that no longer exist.
#}
{% macro usage_rollup_delete_touched_scope(fingerprint) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set scope = cs_analytics.usage_rollup_touched_scope(fingerprint) -%}
    delete from {{ this }}
    {%- if scope is not none %}
    where
        {{ cs_analytics.usage_rollup_in_touched_scope(scope, 'activity_date', 'account_id') }}
        or composition_hash not in (
            select composition.composition_hash
            from {{ ref('int_health__account_composition') }} as composition
        )
    {%- endif %}
{%- endmacro %}
