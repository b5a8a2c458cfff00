{# dbt's default safe_cast is a plain cast on DuckDB, which raises instead of
   returning null; try_cast is DuckDB's null-on-failure cast. #}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
