{#
    The nightly recompute scope of the incremental health models
    (docs/metrics.md, Customer health score; docs/landing_contract.md, late arrivals).

    A nightly run recomputes only the days from
        start = min(latest day already built, AS_OF_DATE - 1) - late_arrival_window_days
    and keeps the older days as they were: a fact that lands later than that
    window is counted as late (audit_usage_rollup_late_events) and only a
    full refresh takes it in. The pre-hook `health_delete_recompute_scope`
    deletes the rows of the scope and the model appends them again, in one
    transaction (DuckDB runs the hook and the insert in the same one). On
    Spark the table is partitioned by the day and the delete rewrites the
    partitions that hold deleted rows (delete_rows,
    macros/cross_db/incremental.sql).

    The whole table is rebuilt, as by `--full-refresh`, when its build
    fingerprint (below) differs from the one stored on its rows: whatever
    would make a kept day come out differently if it were recomputed
    tonight. Account-level models also restate every day of an account whose
    composition changed (a CRM merge, a billing customer moved): see
    int_health__account_composition.
#}

{#
    The build fingerprint of the model being compiled: an md5 over what
    decides the value of a kept row, derived from the project itself so that
    no one has to remember to bump a version when a rule changes.

    A kept row is a function of the facts it read (new facts are the
    incremental part: the recompute window, late-event audit, restated
    accounts) and of the code and configuration that turned those facts into
    it, which is what the fingerprint covers:

    - the code of the model and of every model and snapshot upstream of it
      (dbt's checksum of each file). All of them, not only the health ones:
      any upstream model whose logic changes (how a ticket is attributed, how
      a contraction is classified, how seats are counted) changes what every
      past day would show, and the upstream tables are rebuilt whole each
      night while this one keeps its history. An upstream incremental model
      (the usage rollups) changes the fingerprint through its code like any
      other, and is itself rebuilt by its own fingerprint;
    - the source of every macro those nodes call, followed through the
      macros they call in turn (node checksums do not cover macro code, and
      rules, windows and the scoring arithmetic live in macros), dbt's and the
      adapter's included, so an upgrade that changes them rebuilds too;
    - the content of every seed upstream (health_rules, touch_model_cadence,
      feature_catalog, ...), read from the warehouse, not the CSV file: a CSV
      edited but not yet seeded must not count as applied, or the rebuild
      would bake in the old rule and the new one would never arrive;
    - the value of every var those nodes and macros read, the reporting
      timezone among them (days are local days), except the two that define
      the incremental axis rather than a row's value: `as_of_date` (which
      day is new) and `late_arrival_window_days` (how far back a night
      recomputes).

    Changing anything of that rebuilds the model and, through the same
    rule, everything incremental downstream. A comment-only edit rebuilds
    too: a cost paid once per change, never a stale day. Sources are facts,
    not code, and are left out. At parse time and in unit tests (no `this`),
    which never build incrementally, the fingerprint is empty.
#}
{% macro health_build_fingerprint() -%}
    {%- if not execute or this is none or model.unique_id not in graph.nodes -%}
        {{ return('') }}
    {%- endif -%}
    {%- set nodes = cs_analytics.health_upstream_nodes(model.unique_id) -%}
    {%- set macros = cs_analytics.health_called_macros(nodes) -%}
    {%- set parts = ['timezone=' ~ cs_analytics.reporting_timezone()] -%}
    {%- set code = [] -%}
    {%- for node in nodes -%}
        {%- if node.resource_type == 'seed' -%}
            {%- do parts.append('seed:' ~ node.name ~ '=' ~ cs_analytics.health_seed_content(node)) -%}
        {%- else -%}
            {%- do parts.append('code:' ~ node.unique_id ~ '=' ~ node.checksum.checksum) -%}
            {%- do code.append(node.raw_code) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for macro in macros -%}
        {%- do parts.append('macro:' ~ macro.unique_id ~ '=' ~ local_md5(macro.macro_sql)) -%}
        {%- do code.append(macro.macro_sql) -%}
    {%- endfor -%}
    {%- set read_vars = modules.re.findall("var\(\s*['\"](\w+)['\"]", code | join(' ')) -%}
    {%- for name in read_vars | unique | sort -%}
        {%- if name not in ('as_of_date', 'late_arrival_window_days') -%}
            {%- do parts.append('var:' ~ name ~ '=' ~ tojson(var(name, none))) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(parts | sort | join('\n'))) }}
{%- endmacro %}

{# The node (graph entry) and every model, snapshot and seed upstream of it. #}
{% macro health_upstream_nodes(unique_id) -%}
    {%- set seen = [unique_id] -%}
    {%- set nodes = [] -%}
    {#- the list grows while it is walked: a breadth-first search -#}
    {%- for current in seen -%}
        {%- set node = graph.nodes[current] -%}
        {%- do nodes.append(node) -%}
        {%- for parent in node.depends_on.nodes -%}
            {%- if parent in graph.nodes and parent not in seen -%}
                {%- do seen.append(parent) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(nodes) }}
{%- endmacro %}

{# Every macro the nodes call, directly or through other macros (dispatch resolved by dbt). #}
{% macro health_called_macros(nodes) -%}
    {%- set seen = [] -%}
    {%- for node in nodes -%}
        {%- for macro_id in node.depends_on.macros | default([], true) -%}
            {%- if macro_id not in seen -%}{%- do seen.append(macro_id) -%}{%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set macros = [] -%}
    {%- for macro_id in seen -%}
        {%- set package, name = macro_id.split('.')[1], macro_id.split('.')[2] -%}
        {#- the project's macros by package; dbt's and the adapter's share the dbt namespace -#}
        {%- set namespace = context[package] if package == project_name else dbt -%}
        {%- if namespace[name] is not defined -%}
            {{ exceptions.raise_compiler_error(
                'health_build_fingerprint: cannot read the source of ' ~ macro_id
            ) }}
        {%- endif -%}
        {%- set macro = namespace[name].macro -%}
        {%- do macros.append(macro) -%}
        {%- for called in macro.depends_on.macros -%}
            {%- if called not in seen -%}{%- do seen.append(called) -%}{%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(macros) }}
{%- endmacro %}

{#
    A seed's rows as one text (sorted), read from the warehouse; empty when
    the seed is not loaded yet (dbt compile on an empty database), which
    cannot match a built table's fingerprint.
#}
{% macro health_seed_content(node) -%}
    {%- set relation = api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.alias
    ) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- if not columns -%}
        {{ return('') }}
    {%- endif -%}
    {%- set row_text -%}
        {%- for column in columns -%}
            coalesce(cast({{ adapter.quote(column) }} as {{ dbt.type_string() }}), '')
            {%- if not loop.last %} || '|' || {% endif -%}
        {%- endfor -%}
    {%- endset -%}
    {%- set content = run_query(
        'select ' ~ cs_analytics.sorted_listagg(row_text, "'\n'") ~ ' from ' ~ relation
    ).rows[0][0] -%}
    {{ return((columns | join('|')) ~ '\n' ~ (content or '')) }}
{%- endmacro %}

{#
    The first local day to recompute ('YYYY-MM-DD'), or none to build every
    day (first build, --full-refresh, a changed fingerprint, an empty table).
    The fingerprint the table was built with is on its rows, or, for a model
    whose rows carry no build columns (`rows_carry_build` false: a public
    mart), in its record in int_health__built_compositions, which holds the
    fingerprint of its last build only (record_built_compositions).
#}
{% macro health_recompute_start(date_column, fingerprint, rows_carry_build=true) -%}
    {#- `this` is none in a unit test, which always builds from scratch. -#}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if rows_carry_build -%}
        {%- set built_with = 'min(build_fingerprint), max(build_fingerprint)' -%}
    {%- else -%}
        {%- set for_this = ' from ' ~ cs_analytics.built_compositions_table()
            ~ ' where ' ~ cs_analytics.recorded_for_this() ~ ')' -%}
        {%- set built_with = '(select min(build_fingerprint)' ~ for_this
            ~ ', (select max(build_fingerprint)' ~ for_this -%}
    {%- endif -%}
    {%- set built = run_query(
        'select cast(max(' ~ date_column ~ ') as ' ~ dbt.type_string() ~ '), '
        ~ built_with ~ ' from ' ~ this
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
    composition (hash) the model was never built from, i.e. new accounts and
    accounts a merge or a moved billing customer changed. Built from: a row
    of the model has the hash, or the model's post-hook recorded it
    (int_health__built_compositions), which a model with rows only on some
    days needs: an account whose expansion signal never fired has no row.
    A model whose rows carry no build columns (`rows_carry_build` false)
    has only the record. The built hashes are made distinct first: a few
    thousand, where the table has a row per account-day, and DuckDB's
    `not in` otherwise builds its lookup from every row (1.9 s against
    0.15 s on the large preset).
#}
{% macro health_restated_accounts(rows_carry_build=true) -%}
    select account_id
    from {{ ref('int_health__account_composition') }}
    {%- if execute and this is not none and is_incremental() %}
    where
        {%- if rows_carry_build %}
        composition_hash not in (
            select distinct built.composition_hash from {{ this }} as built
        )
        and
        {%- endif %}
        composition_hash not in ({{ cs_analytics.compositions_recorded_for_this() }})
    {%- else %}
    where 1 = 0
    {%- endif %}
{%- endmacro %}

{#
    The recompute start as a date literal for a model's filters: the first
    day to recompute, or a day before any data on a full build.
#}
{% macro health_scope_start(date_column, fingerprint, days_before=0, rows_carry_build=true) -%}
    {%- set start = cs_analytics.health_recompute_start(date_column, fingerprint, rows_carry_build)
        or '1900-01-01' -%}
    {%- set day = modules.datetime.date.fromisoformat(start)
        - modules.datetime.timedelta(days=days_before) -%}
    {{ return(day.isoformat()) }}
{%- endmacro %}

{#
    The first day a night of a model incremental by day reads from its
    inputs when a day depends on a window of days before it (a usage rollup
    through usage_rollup_rows_since, or health_in_scope's `first_day`): the
    recompute start of its `date_column` less the model's window but one
    day; none on a build of every day. `window_days_query` selects the
    window, in days, from the seed that holds it; it is read only on an
    incremental night, which unit tests never build (the models' arithmetic
    reads the same seed in SQL).
#}
{% macro health_window_first_day(date_column, fingerprint, window_days_query) -%}
    {%- set start = cs_analytics.health_recompute_start(date_column, fingerprint) -%}
    {%- if start is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set window_days = run_query(window_days_query).rows[0][0] -%}
    {%- if window_days is none -%}
        {{ exceptions.raise_compiler_error('no window in days: ' ~ window_days_query) }}
    {%- endif -%}
    {{ return((modules.datetime.date.fromisoformat(start)
        - modules.datetime.timedelta(days=(window_days | int) - 1)).isoformat()) }}
{%- endmacro %}

{#
    The config of an incremental model recomputed by day (the health and
    usage rollups, and fct_account_health_daily): appended after its
    pre-hook deleted the recompute scope by `date_column`
    (health_delete_recompute_scope); on Spark partitioned by it, which that
    delete rewrites (macros/cross_db/incremental.sql). An account-level
    model (`by_account`) records after each build the compositions and the
    fingerprint it was built with (record_built_compositions);
    `rows_carry_build` false for one whose rows carry no build columns
    (build_fingerprint, composition_hash), which then has only that record.
    Called at the top of each such model, in place of its own config().
#}
{% macro health_incremental_config(date_column, by_account=true, rows_carry_build=true) -%}
    {%- set hook_arguments = ["'" ~ date_column ~ "'", 'health_build_fingerprint()']
        + (['by_account=true'] if by_account else [])
        + ([] if rows_carry_build else ['rows_carry_build=false']) -%}
    {%- if by_account -%}
        {#- The dependency of health_restated_accounts, which renders its
            ref on incremental nights only, never while dbt parses. -#}
        {%- do ref('int_health__built_compositions') -%}
    {%- endif -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        partition_by=cs_analytics.partitioned_by([date_column]),
        on_schema_change='fail',
        pre_hook=['{{ health_delete_recompute_scope(' ~ hook_arguments | join(', ') ~ ') }}'],
        post_hook=['{{ record_built_compositions(health_build_fingerprint()) }}'] if by_account else [],
    ) }}
{%- endmacro %}

{#
    Pre-hook of the incremental health models: delete what the run
    recomputes. Rows of accounts that no longer survive, or survive with
    another composition, go too.
#}
{% macro health_delete_recompute_scope(date_column, fingerprint, by_account=false, rows_carry_build=true) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set start = cs_analytics.health_recompute_start(date_column, fingerprint, rows_carry_build) -%}
    {%- if start is none -%}
        {{ return(cs_analytics.delete_rows(this)) }}
    {%- endif -%}
    {%- set condition -%}
        {{ date_column }} >= cast('{{ start }}' as date)
        {%- if by_account %}
        or {{ cs_analytics.built_from_a_stale_composition(rows_carry_build) }}
        {%- endif %}
    {%- endset -%}
    {{ return(cs_analytics.delete_rows(this, condition)) }}
{%- endmacro %}

{#
    Post-hook of the incremental account-level models: record that the
    model was built from every current composition with tonight's
    fingerprint, after forgetting what an earlier fingerprint recorded (a
    changed fingerprint rebuilt the whole table), so the record holds one
    fingerprint per model: the one health_recompute_start compares for a
    model whose rows do not carry it. On DuckDB in the transaction of the
    build; on Spark after it, so a failed build records nothing. On Spark
    the record is partitioned by model, and delete_rows rewrites the
    model's partition.
#}
{% macro record_built_compositions(fingerprint) -%}
    {%- set forget -%}
        {{ cs_analytics.recorded_for_this() }}
        and (build_fingerprint is null or build_fingerprint != '{{ fingerprint }}')
    {%- endset -%}
    {#- Spark's delete_rows runs its own statements and renders none. -#}
    {%- set forget_statement = cs_analytics.delete_rows(
        cs_analytics.built_compositions_table(), forget, partition_column='model_name'
    ) -%}
    {%- if execute and forget_statement | trim -%}
        {%- do run_query(forget_statement) -%}
    {%- endif %}
    insert into {{ cs_analytics.built_compositions_table() }}
        (model_name, composition_hash, build_fingerprint, dbt_invocation_id)
    select distinct
        '{{ this.identifier }}' as model_name,
        composition.composition_hash,
        '{{ fingerprint }}' as build_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id
    from {{ ref('int_health__account_composition') }} as composition
    where composition.composition_hash not in ({{ cs_analytics.compositions_recorded_for_this() }})
{%- endmacro %}

{#
    The table of int_health__built_compositions, for the hooks that write
    it: under `dbt build --empty` a ref renders as an empty select.
#}
{% macro built_compositions_table() -%}
    {%- set records = ref('int_health__built_compositions') -%}
    {{ return(api.Relation.create(
        database=records.database, schema=records.schema, identifier=records.identifier
    )) }}
{%- endmacro %}

{# The compositions int_health__built_compositions records for the model being built. #}
{% macro compositions_recorded_for_this() -%}
    select recorded.composition_hash
    from {{ ref('int_health__built_compositions') }} as recorded
    where recorded.{{ cs_analytics.recorded_for_this() }}
{%- endmacro %}

{# The condition on a row of int_health__built_compositions recorded for the model being built. #}
{% macro recorded_for_this() -%}
    model_name = '{{ this.identifier }}'
{%- endmacro %}

{#
    The condition on a built row of an account-level model whose account no
    longer survives with the composition it was built from (a CRM merge, a
    moved billing customer): the delete pre-hooks remove such rows. A model
    whose rows carry no composition_hash keeps only the rows of accounts
    whose current composition its record holds: the others are gone or
    restated.
#}
{% macro built_from_a_stale_composition(rows_carry_build=true) -%}
    {%- if rows_carry_build -%}
    composition_hash not in (
        select composition.composition_hash
        from {{ ref('int_health__account_composition') }} as composition
    )
    {%- else -%}
    account_id not in (
        select composition.account_id
        from {{ ref('int_health__account_composition') }} as composition
        where composition.composition_hash in ({{ cs_analytics.compositions_recorded_for_this() }})
    )
    {%- endif -%}
{%- endmacro %}

{#
    The rows of an incremental account-day model that a run (re)computes: the
    days from the recompute start, and every day of restated accounts. A
    filter on a relation keyed by account_id and score_date (unqualified):
    the spine, int_health__account_days, or an input read beside it, e.g.
        where {{ health_in_scope(fingerprint) }}
    `built_date_column` is the model's own day column when it is not
    score_date (the expansion signals' signal_date); `first_day`
    ('YYYY-MM-DD'), when given, an earlier first day than the recompute
    start, for a model whose days depend on a window of days before them;
    `rows_carry_build` as in health_incremental_config.
#}
{% macro health_in_scope(fingerprint, built_date_column='score_date', first_day=none, rows_carry_build=true) -%}
    {%- set first_day = first_day
        or cs_analytics.health_scope_start(built_date_column, fingerprint, rows_carry_build=rows_carry_build) %}
    (
        score_date >= cast('{{ first_day }}' as date)
        or account_id in ({{ cs_analytics.health_restated_accounts(rows_carry_build) }})
    )
{%- endmacro %}
