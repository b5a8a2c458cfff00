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
{%- if touched_days -%}
    {%- set scans = cs_analytics.usage_rollup_touched_scans(
        cs_analytics.usage_rollup_touched_scope(fingerprint), 'events.'
    ) -%}
{%- elif incremental -%}
    {%- set scans = cs_analytics.usage_known_since_scans(
        cs_analytics.health_recompute_start('known_date', fingerprint), 'events.'
    ) -%}
{%- else -%}
    {%- set scans = ['true'] -%}
{%- endif %}

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
    {%- for scan in scans %}

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
        and {{ scan }}
    {{- '\n\n    union all' if not loop.last }}
    {%- endfor %}

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
    The conditions on the events (columns prefixed by `prefix`) known from
    the local day `start` (knowledge time: received_at, or occurred_at when
    it has none), one per scan. A night splits them in two plain comparisons
    that DuckDB prunes row groups by (events are staged in the order they
    arrive): `coalesce(received_at, occurred_at) >= ...` reads every row
    group of the history. A build of every day (`start` none) reads every
    event in one scan.
#}
{% macro usage_known_since_scans(start, prefix='') -%}
    {%- if start is none -%}
        {{ return(['true']) }}
    {%- endif -%}
    {%- set start_at = cs_analytics.local_to_utc("cast('" ~ start ~ " 00:00:00' as timestamp)") -%}
    {{ return([
        prefix ~ 'received_at >= ' ~ start_at,
        prefix ~ 'received_at is null and ' ~ prefix ~ 'occurred_at >= ' ~ start_at,
    ]) }}
{%- endmacro %}

{#
    What a night of a rollup incremental by activity day recomputes: the
    local days of the events known from the recompute start (their other
    events are read again with them, so each day is recomputed whole), and
    every day of the restated accounts, with the account ids the source
    systems recorded for them (`source_accounts`: the merge map's ids that
    roll up to them, which the staged events carry). None on a build of
    every day. Read once per run by the model and once by its pre-hook;
    nothing is built in between, so both see the same scope.
#}
{% macro usage_rollup_touched_scope(fingerprint) -%}
    {%- set start = cs_analytics.health_recompute_start('activity_date', fingerprint) -%}
    {%- if start is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set known_days = [] -%}
    {%- for scan in cs_analytics.usage_known_since_scans(start) -%}
        {%- do known_days.append(
            'select cast(' ~ cs_analytics.local_date('occurred_at') ~ ' as ' ~ dbt.type_string()
            ~ ') as activity_day from ' ~ ref('int_accounts__usage_events_attributed')
            ~ ' where occurred_at is not null and ' ~ scan
        ) -%}
    {%- endfor -%}
    {%- set days = run_query(
        'select distinct activity_day from (' ~ known_days | join(' union all ') ~ ') as known'
        ~ ' order by 1'
    ).columns[0].values() -%}
    {%- set restated = run_query(
        'select restated.account_id, merge_map.account_id as source_account_id'
        ~ ' from (' ~ cs_analytics.health_restated_accounts() ~ ') as restated'
        ~ ' left join ' ~ ref('int_accounts__merge_map') ~ ' as merge_map'
        ~ ' on restated.account_id = merge_map.surviving_account_id'
    ) -%}
    {{ return({
        'days': days | list,
        'accounts': restated.columns[0].values() | unique | sort,
        'source_accounts': restated.columns[1].values() | reject('none') | sort,
    }) }}
{%- endmacro %}

{#
    Whether `day` is one of the days of `scope` (usage_rollup_touched_scope);
    `occurred_at`, when given, the instant the day is read from, bounded so
    that the scan skips the row groups of earlier days.
#}
{% macro usage_rollup_in_touched_days(scope, day, occurred_at=none) -%}
    {%- if not scope.days -%}
        1 = 0
    {%- else -%}
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
    {%- endif -%}
{%- endmacro %}

{#
    The filter of the rows of a built rollup in `scope`: `day` is the local
    day of the row, `account` its (surviving) account.
#}
{% macro usage_rollup_in_touched_scope(scope, day, account) -%}
    (
        {{ cs_analytics.usage_rollup_in_touched_days(scope, day) }}
        {%- if scope.accounts %}
        or {{ account }} in ({{ cs_analytics.quoted_text_list(scope.accounts) }})
        {%- endif %}
    )
{%- endmacro %}

{#
    The conditions on the events (columns prefixed by `prefix`) in `scope`,
    one per scan and disjoint: the scope's days, read by occurred_at so that
    DuckDB skips the row groups of earlier days, and the other days of the
    restated accounts, by the account id the event recorded, which the scan
    of the staged events filters itself. As one `or`, DuckDB joined every
    event of the history with the merge map before filtering (156 s of a
    night at 300 M events). Every event when there is no scope.
#}
{% macro usage_rollup_touched_scans(scope, prefix='') -%}
    {%- if scope is none -%}
        {{ return(['true']) }}
    {%- endif -%}
    {%- set in_days = cs_analytics.usage_rollup_in_touched_days(
        scope, cs_analytics.local_date(prefix ~ 'occurred_at'), occurred_at=prefix ~ 'occurred_at'
    ) -%}
    {%- set scans = [in_days] -%}
    {%- if scope.source_accounts -%}
        {%- do scans.append(
            prefix ~ 'source_account_id in (' ~ cs_analytics.quoted_text_list(scope.source_accounts)
            ~ ') and not ' ~ in_days
        ) -%}
    {%- endif -%}
    {{ return(scans) }}
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
    {%- if scope is none -%}
        {{ return(cs_analytics.delete_rows(this)) }}
    {%- endif -%}
    {%- set condition -%}
        {{ cs_analytics.usage_rollup_in_touched_scope(scope, 'activity_date', 'account_id') }}
        or {{ cs_analytics.built_from_a_stale_composition() }}
    {%- endset -%}
    {{ return(cs_analytics.delete_rows(this, condition)) }}
{%- endmacro %}

{#
    The rows of a daily usage rollup (`relation`: int_usage__user_days or
    int_usage__feature_days, keyed by the account id the events recorded)
    that a night of a model incremental by day reads: activity from
    `first_day` ('YYYY-MM-DD', the recompute start less the model's window),
    and every day of the restated accounts. Two disjoint scans: the first is a
    constant comparison, so DuckDB skips the row groups of earlier days; the
    second reads the earlier days of the restated accounts by their recorded
    ids. As one `or` on the surviving account, DuckDB joined every row of
    the history with the merge map before filtering (35 s of a night at 300 M
    events, against 13 s). Every row on a build of every day (`first_day`
    none).
#}
{% macro usage_rollup_rows_since(relation, first_day) -%}
    {%- if first_day is none %}
    select * from {{ relation }}
    {%- else %}
    {%- set since = "cast('" ~ first_day ~ "' as date)" %}
    select * from {{ relation }}
    where activity_date >= {{ since }}

    union all

    select * from {{ relation }}
    where
        activity_date < {{ since }}
        and source_account_id in (
            select merge_map.account_id
            from {{ ref('int_accounts__merge_map') }} as merge_map
            where merge_map.surviving_account_id in ({{ cs_analytics.health_restated_accounts() }})
        )
    {%- endif %}
{%- endmacro %}
