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
