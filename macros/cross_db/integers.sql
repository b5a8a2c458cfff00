{#
    Integer arithmetic for exact money: a type wide enough for products of
    two scaled amounts, and integer division (which rounds toward zero for
    the non-negative operands it is used with).
#}

{% macro type_wide_integer() -%}
    {{ return(adapter.dispatch('type_wide_integer', 'cs_analytics')()) }}
{%- endmacro %}

{% macro default__type_wide_integer() -%}
    decimal(38, 0)
{%- endmacro %}

{% macro duckdb__type_wide_integer() -%}
    hugeint
{%- endmacro %}

{% macro integer_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('integer_divide', 'cs_analytics')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__integer_divide(numerator, denominator) -%}
    floor(({{ numerator }}) / ({{ denominator }}))
{%- endmacro %}

{% macro duckdb__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}

{% macro spark__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) div ({{ denominator }}))
{%- endmacro %}
