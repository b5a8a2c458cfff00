{#
    What a data test reads (dbt calls this macro for every generic test; the
    project's version replaces dbt's and keeps its `where` config).

    Incremental models stamp each row with the dbt invocation that wrote it
    (column dbt_invocation_id, `incremental_row_stamp`). They append and
    delete, never update a kept row, so a kept row was tested on the night
    it was written. When the invocation running the test wrote rows into
    the model (a nightly `dbt build`), its tests read:

    - unique and unique_combination_of_columns: every row whose key is the
      key of a row written tonight (NULL parts matching, as in GROUP BY), so
      a new row that repeats a kept one still fails;
    - any other test: the rows written tonight.

    A night's tests then cost what the night appended, not the history.
    When the invocation wrote no row into the model (`dbt test` on its own,
    a night that appended nothing), or every row (a first build, a full
    refresh), the test reads the whole table as dbt's would: never an empty
    set, and no key join where there is nothing to narrow.
#}
{% macro get_where_subquery(relation) -%}
    {%- set filters = [] -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- do filters.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set night = cs_analytics.rows_tested_tonight(relation) -%}
    {%- if night -%}
        {%- do filters.append(night) -%}
    {%- endif -%}
    {%- if not filters -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set filtered -%}
        (select * from {{ relation }} as tested where {{ filters | join(' and ') }}) dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
{%- endmacro %}

{#
    The columns written on every row of an incremental model: its writer, and
    the build fingerprint of the health models (macros/health/health_incremental.sql).
#}
{% macro incremental_row_stamp(fingerprint=none) -%}
    {%- if fingerprint is not none -%}
    cast('{{ fingerprint }}' as {{ dbt.type_string() }}) as build_fingerprint,
    {% endif -%}
    cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as dbt_invocation_id
{%- endmacro %}

{# The filter (on alias `tested`) of a test of a stamped incremental model; '' for any other. #}
{% macro rows_tested_tonight(relation) -%}
    {%- if not execute or not model.attached_node or model.attached_node not in graph.nodes -%}
        {{ return('') }}
    {%- endif -%}
    {%- if graph.nodes[model.attached_node].config.materialized != 'incremental' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(relation)
        | map(attribute='name') | map('lower') | list -%}
    {%- if 'dbt_invocation_id' not in columns -%}
        {{ return('') }}
    {%- endif -%}
    {%- set test = model.test_metadata or {} -%}
    {%- set arguments = test.kwargs or {} -%}
    {%- if test.name == 'unique_combination_of_columns' -%}
        {%- set keys = arguments.combination_of_columns -%}
    {%- elif test.name == 'unique' -%}
        {%- set keys = [arguments.column_name] -%}
    {%- else -%}
        {%- set keys = [] -%}
    {%- endif -%}
    {%- set written_tonight = "dbt_invocation_id = '" ~ invocation_id ~ "'" -%}
    {%- set rows = run_query(
        'select count(*), count(case when ' ~ written_tonight ~ ' then 1 end) from ' ~ relation
    ).rows[0] -%}
    {#- nothing written tonight, or everything (a first build, a full refresh): every row -#}
    {%- if rows[1] == 0 or rows[1] == rows[0] -%}
        {{ return('') }}
    {%- endif -%}
    {%- set filter -%}
        {%- if keys %}
        {{ cs_analytics.null_safe_key(keys, 'tested') }} in (
            select {{ cs_analytics.null_safe_key(keys, 'tonight') }}
            from {{ relation }} as tonight
            where tonight.{{ written_tonight }}
        )
        {%- else %}
        tested.{{ written_tonight }}
        {%- endif %}
    {%- endset -%}
    {{ return(filter) }}
{%- endmacro %}
