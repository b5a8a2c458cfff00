{#
    A key (one column or several) as one value that matches another when
    every part is equal or both are NULL. DuckDB compares structs that way
    and runs `in` on one as a single hash join (a correlated `exists`
    comparing each part took twice as long as testing the whole table).
    Spark's struct is its counterpart; the portable form is the row value.
#}
{% macro null_safe_key(columns, alias) -%}
    {{ return(adapter.dispatch('null_safe_key', 'cs_analytics')(columns, alias)) }}
{%- endmacro %}

{% macro default__null_safe_key(columns, alias) -%}
    row({% for column in columns %}{{ alias }}.{{ column }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{#- struct_pack, not row(): DuckDB reads row() of one column as that column. -#}
{% macro duckdb__null_safe_key(columns, alias) -%}
    struct_pack(
        {%- for column in columns %}{{ column }} := {{ alias }}.{{ column }}{{ ', ' if not loop.last }}{% endfor -%}
    )
{%- endmacro %}

{#-
    Spark's parser reads a struct(...) written left of `in (subquery)` as the
    row `(a, b) in (...)` and compares its fields with the subquery's columns
    (one struct here: a type error); a row comparison is not NULL-safe either.
    Wrapped in a one-argument coalesce (the same value) the key stays one
    struct, and Spark's struct equality treats NULL fields as equal.
-#}
{% macro spark__null_safe_key(columns, alias) -%}
    coalesce(struct({% for column in columns %}{{ alias }}.{{ column }}{{ ', ' if not loop.last }}{% endfor %}))
{%- endmacro %}
