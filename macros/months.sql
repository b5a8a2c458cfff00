{# The local month (first day, a date) that a UTC instant falls in. #}
{% macro local_month(utc_timestamp) -%}
    cast({{ dbt.date_trunc('month', cs_analytics.local_date(utc_timestamp)) }} as date)
{%- endmacro %}

{# The reporting month containing AS_OF_DATE: reported, but partial. #}
{% macro as_of_month() -%}
    cast({{ dbt.date_trunc('month', cs_analytics.as_of_date_literal()) }} as date)
{%- endmacro %}

{# A date `n` months after `month` (n may be negative or an expression). #}
{% macro add_months(month, n) -%}
    cast({{ dbt.dateadd('month', n, month) }} as date)
{%- endmacro %}

{#
    One row per month from `first_month` to `last_month` (both dates, first
    days of months, first <= last): a generator for the select list, so a
    row holding a constant value over a stretch of months becomes one row
    per month in the order the rows come, with no join to a calendar.
#}
{% macro explode_months(first_month, last_month) -%}
    {{ return(adapter.dispatch('explode_months', 'cs_analytics')(first_month, last_month)) }}
{%- endmacro %}

{#- No portable SQL generates rows in a select list: each engine says its own. -#}
{% macro default__explode_months(first_month, last_month) -%}
    {{ exceptions.raise_compiler_error(
        'explode_months has no implementation for adapter ' ~ adapter.type()
    ) }}
{%- endmacro %}

{% macro spark__explode_months(first_month, last_month) -%}
    explode(sequence({{ first_month }}, {{ last_month }}, interval 1 month))
{%- endmacro %}

{% macro duckdb__explode_months(first_month, last_month) -%}
    cast(unnest(generate_series(
        cast({{ first_month }} as timestamp), cast({{ last_month }} as timestamp), interval 1 month
    )) as date)
{%- endmacro %}
