{#
    Exact decimal for money end to end (docs/metrics.md, Money): 38 digits with 9
    after the point keeps JPY totals and sub-cent MRR of annual plans exact.
#}
{% macro type_money() -%}
    {{ return(adapter.dispatch('type_money', 'cs_analytics')()) }}
{%- endmacro %}

{% macro default__type_money() -%}
    decimal(38, 9)
{%- endmacro %}

{# Rates and percentages: 18 decimals so cross rates of JPY stay exact enough. #}
{% macro type_rate() -%}
    {{ return(adapter.dispatch('type_rate', 'cs_analytics')()) }}
{%- endmacro %}

{% macro default__type_rate() -%}
    decimal(38, 18)
{%- endmacro %}
