{#
    Put after `as` in a CTE that a query reads more than once and that must
    stream: DuckDB materialises such a CTE before the query starts, which
    for the event history writes every row to memory and then to disk.
    Spark and the portable form inline CTEs already.
#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'cs_analytics')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}
