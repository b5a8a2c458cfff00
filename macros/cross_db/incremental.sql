{#
    How the models that DuckDB builds incrementally are built on each engine.

    The health and usage rollups are incremental on both engines: a pre-hook
    deletes the rows a night recomputes (delete_rows) and the model appends
    them again (macros/health/health_incremental.sql). Spark's Parquet tables
    take no DELETE, so there they are partitioned by their day column
    (partitioned_by) and delete_rows rewrites the partitions that hold
    deleted rows.

    Incremental staging deletes by key inside the late-arrival window
    (macros/staging/incremental_staging.sql), a delete no partition column
    bounds: on Spark it is a table rebuilt whole each night
    (staging_materialization), which is exactly a DuckDB full refresh, the
    state the incremental nights are tested to equal.
#}
{% macro staging_materialization() -%}
    {{- return(adapter.dispatch('staging_materialization', 'cs_analytics')()) -}}
{%- endmacro %}

{% macro default__staging_materialization() -%}
    {{- return('incremental') -}}
{%- endmacro %}

{% macro spark__staging_materialization() -%}
    {{- return('table') -}}
{%- endmacro %}

{#
    A model whose night replaces whole groups of rows by key
    (audit_landing_file_reconciliation: a night's rows; the per-file
    parse-failure audit: a file's rows) writes them with delete+insert on
    DuckDB; Spark overwrites the partitions by that key (insert_overwrite
    with dynamic partition overwrite, which dbt-spark sets), the same rows
    when a night's output holds every row of each key it writes.
#}
{% macro replace_by_key_strategy() -%}
    {{- return(adapter.dispatch('replace_by_key_strategy', 'cs_analytics')()) -}}
{%- endmacro %}

{% macro default__replace_by_key_strategy() -%}
    {{- return('delete+insert') -}}
{%- endmacro %}

{% macro spark__replace_by_key_strategy() -%}
    {{- return('insert_overwrite') -}}
{%- endmacro %}

{#
    The partition columns of a table that Spark rewrites by partition
    (replace_by_key_strategy, delete_rows). Partitioning is physical layout,
    not part of the portable result: the default has none.
#}
{% macro partitioned_by(columns) -%}
    {{- return(adapter.dispatch('partitioned_by', 'cs_analytics')(columns)) -}}
{%- endmacro %}

{% macro default__partitioned_by(columns) -%}
    {{- return(none) -}}
{%- endmacro %}

{% macro spark__partitioned_by(columns) -%}
    {{- return(columns) -}}
{%- endmacro %}

{#
    Delete the rows of `relation` where `condition` holds (every row when it
    is none), for a hook: what it renders is the hook's statement.
    `partition_column`: the column Spark's table is partitioned by, when the
    relation is not the model being built (whose config says it).
#}
{% macro delete_rows(relation, condition=none, partition_column=none) -%}
    {{- return(adapter.dispatch('delete_rows', 'cs_analytics')(relation, condition, partition_column)) -}}
{%- endmacro %}

{% macro default__delete_rows(relation, condition=none, partition_column=none) -%}
    delete from {{ relation }}
    {%- if condition is not none %}
    where {{ condition }}
    {%- endif %}
{%- endmacro %}

{#
    Spark: the model's table is partitioned by one column (config
    partition_by, from partitioned_by). Every row deleted: truncate. Else
    each partition holding a row to delete is rewritten with the rows that
    stay (insert overwrite in dynamic mode replaces exactly the partitions
    it writes, and may read the table it overwrites: it writes to a staging
    folder first), and a partition where none stays is dropped. Several
    statements, so they run here and the hook renders nothing. Not one
    transaction as on DuckDB: a night that fails between them left fewer
    rows, never stale ones, and the next night's recompute scope, derived
    from what the table holds, takes the missing ones in again.
#}
{% macro spark__delete_rows(relation, condition=none, partition_column=none) -%}
    {#- dbt renders hooks while it parses, when no statement may run. -#}
    {%- if not execute -%}
        {{- return('') -}}
    {%- endif -%}
    {%- if condition is none -%}
        {%- do run_query('truncate table ' ~ relation) -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set partition_by = partition_column or config.get('partition_by') -%}
    {%- if partition_by is string -%}{%- set partition_by = [partition_by] -%}{%- endif -%}
    {%- if not partition_by or partition_by | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            'delete_rows on Spark rewrites partitions: ' ~ relation
            ~ ' needs one partition column (partition_by=partitioned_by([...]))'
        ) }}
    {%- endif -%}
    {%- set column = partition_by[0] -%}
    {%- set touched = run_query(
        'select cast(' ~ column ~ ' as string),'
        ~ ' max(case when (' ~ condition ~ ') is not true then 1 else 0 end)'
        ~ ' from ' ~ relation
        ~ ' group by ' ~ column
        ~ ' having max(case when (' ~ condition ~ ') then 1 else 0 end) = 1'
        ~ ' order by 1'
    ) -%}
    {%- set rewritten = [] -%}
    {%- set dropped = [] -%}
    {%- for partition, keeps_rows in touched.rows -%}
        {%- do (rewritten if keeps_rows else dropped).append(partition) -%}
    {%- endfor -%}
    {%- if rewritten -%}
        {%- do run_query('set spark.sql.sources.partitionOverwriteMode = DYNAMIC') -%}
        {%- do run_query(
            'insert overwrite table ' ~ relation ~ ' partition (' ~ column ~ ')'
            ~ ' select * from ' ~ relation
            ~ ' where cast(' ~ column ~ ' as string) in (' ~ cs_analytics.quoted_text_list(rewritten) ~ ')'
            ~ ' and (' ~ condition ~ ') is not true'
        ) -%}
    {%- endif -%}
    {%- if dropped -%}
        {%- set specs = [] -%}
        {%- for partition in dropped -%}
            {%- do specs.append('partition (' ~ column ~ " = '" ~ partition ~ "')") -%}
        {%- endfor -%}
        {%- do run_query('alter table ' ~ relation ~ ' drop if exists ' ~ specs | join(', ')) -%}
    {%- endif -%}
    {{- return('') -}}
{%- endmacro %}
