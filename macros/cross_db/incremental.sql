{#
    How the models that DuckDB builds incrementally are built on each engine.

    DuckDB (and any engine whose tables take DELETE) keeps them incremental:
    the health and usage rollups append after a pre-hook deletes the
    recompute scope (macros/health/health_incremental.sql), staging and the
    per-file audit replace rows by key with delete+insert. Spark's Parquet
    tables take neither DELETE nor delete+insert (that needs Delta or
    Iceberg), so there the same models are rebuilt whole each night: with
    `table`, is_incremental() is false, the delete pre-hooks render nothing
    and every watermark is empty, which is exactly a DuckDB full refresh,
    the state the incremental runs are tested to equal.
#}
{% macro incremental_materialization() -%}
    {{- return(adapter.dispatch('incremental_materialization', 'cs_analytics')()) -}}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
    {{- return('incremental') -}}
{%- endmacro %}

{% macro spark__incremental_materialization() -%}
    {{- return('table') -}}
{%- endmacro %}

{#
    A model that keeps one night's rows per run (audit_landing_file_reconciliation)
    cannot be rebuilt whole: earlier nights' rows are history, not derived
    from tonight's raw. DuckDB replaces a night's rows by key (delete+insert);
    Spark overwrites the night's partition (insert_overwrite with dynamic
    partition overwrite, which dbt-spark sets), the same rows when a night's
    output holds all of its keys.
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

{% macro replace_by_key_partition(columns) -%}
    {{- return(adapter.dispatch('replace_by_key_partition', 'cs_analytics')(columns)) -}}
{%- endmacro %}

{# Partitioning is physical layout, not part of the portable result. #}
{% macro default__replace_by_key_partition(columns) -%}
    {{- return(none) -}}
{%- endmacro %}

{% macro spark__replace_by_key_partition(columns) -%}
    {{- return(columns) -}}
{%- endmacro %}
