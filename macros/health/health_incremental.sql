{#
    The nightly recompute scope of the incremental health models
    (docs/metrics.md, Customer health score; docs/landing_contract.md, late arrivals).

    A nightly run recomputes only the days from
        start = min(latest day already built, AS_OF_DATE - 1) - late_arrival_window_days
    and keeps the older days as they were: a fact that lands later than that
    window is counted as late (audit_usage_rollup_late_events) and only a
    full refresh takes it in. The pre-hook `health_delete_recompute_scope`
    deletes the rows of the scope and the model appends them again, in one
    transaction (DuckDB runs the hook and the insert in the same one); on
    Spark the same two statements need a Delta table (or `insert_overwrite`
    partitioned by the day, with restatements done by a full refresh).

    The whole table is rebuilt, as by `--full-refresh`, when the build
    fingerprint changed: the reporting timezone (days are local), the
    version of the rules (`health_rules_version`, bumped when a component
    rule changes) or the content of the seeds the model reads.

    Account-level models also restate every day of an account whose
    composition changed (a CRM merge, a billing customer moved): see
    int_health__account_composition.
#}

{% macro health_rules_version() -%}
    {{ return('1') }}
{%- endmacro %}

{#
    A literal that changes whenever the model's output would change for
    reasons other than new facts. `seeds` are refs (relations) whose content
    counts; they are referenced outside `execute` so that dbt records the
    dependency.
#}
{% macro health_build_fingerprint(seeds=[]) -%}
    {%- set parts = [cs_analytics.reporting_timezone(), cs_analytics.health_rules_version()] -%}
    {%- for seed in seeds -%}
        {#- A unit test replaces the seed with a fixture CTE: nothing to hash there. -#}
        {%- if execute and not (seed | string).startswith('__dbt__cte__') -%}
            {%- set columns = adapter.get_columns_in_relation(seed) | map(attribute='name') | list -%}
            {#- No columns: the seed is not built yet (dbt compile on an empty database). -#}
            {%- if columns -%}
                {%- set row_text -%}
                    {%- for column in columns -%}
                        coalesce(cast({{ adapter.quote(column) }} as {{ dbt.type_string() }}), '')
                        {%- if not loop.last %} || '|' || {% endif -%}
                    {%- endfor -%}
                {%- endset -%}
                {%- set content = run_query(
                    'select ' ~ dbt.listagg(row_text, "'\n'", 'order by ' ~ row_text) ~ ' from ' ~ seed
                ).rows[0][0] -%}
                {#- the table name, not the relation: the database name follows the file name -#}
                {%- do parts.append(seed.identifier ~ '=' ~ (content or '')) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
{%- endmacro %}

{#
    The first local day to recompute ('YYYY-MM-DD'), or none to build every
    day (first build, --full-refresh, a changed fingerprint, an empty table).
#}
{% macro health_recompute_start(date_column, fingerprint) -%}
    {#- `this` is none in a unit test, which always builds from scratch. -#}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set built = run_query(
        'select cast(max(' ~ date_column ~ ') as ' ~ dbt.type_string() ~ '),'
        ~ ' min(build_fingerprint), max(build_fingerprint) from ' ~ this
    ).rows[0] -%}
    {%- if built[0] is none or built[1] != fingerprint or built[2] != fingerprint -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set day = modules.datetime.timedelta(days=1) -%}
    {%- set last_day = modules.datetime.date.fromisoformat(cs_analytics.as_of_date()) - day -%}
    {%- set latest_built = modules.datetime.date.fromisoformat(built[0][:10]) -%}
    {%- set window = modules.datetime.timedelta(days=var('late_arrival_window_days') | int) -%}
    {{ return((([latest_built, last_day] | min) - window).isoformat()) }}
{%- endmacro %}

{#
    Accounts whose every day is recomputed: surviving accounts whose
    composition (hash) has no row in the built table, i.e. new accounts and
    accounts a merge or a moved billing customer changed.
#}
{% macro health_restated_accounts() -%}
    select account_id
    from {{ ref('int_health__account_composition') }}
    {%- if execute and this is not none and is_incremental() %}
    where composition_hash not in (
        select built.composition_hash from {{ this }} as built
    )
    {%- else %}
    where 1 = 0
    {%- endif %}
{%- endmacro %}

{#
    The recompute start as a date literal for a model's filters: the first
    day to recompute, or a day before any data on a full build.
#}
{% macro health_scope_start(date_column, fingerprint, days_before=0) -%}
    {%- set start = cs_analytics.health_recompute_start(date_column, fingerprint) or '1900-01-01' -%}
    {%- set day = modules.datetime.date.fromisoformat(start)
        - modules.datetime.timedelta(days=days_before) -%}
    {{ return(day.isoformat()) }}
{%- endmacro %}

{#
    Pre-hook of the incremental health models: delete what the run
    recomputes. Rows of accounts that no longer survive, or survive with
    another composition, go too.
#}
{% macro health_delete_recompute_scope(date_column, fingerprint, by_account=false) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set start = cs_analytics.health_recompute_start(date_column, fingerprint) -%}
    delete from {{ this }}
    {%- if start is not none %}
    where
        {{ date_column }} >= cast('{{ start }}' as date)
        {%- if by_account %}
        or composition_hash not in (
            select composition.composition_hash
            from {{ ref('int_health__account_composition') }} as composition
        )
        {%- endif %}
    {%- endif %}
{%- endmacro %}
