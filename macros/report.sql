{#
    The morning report's settings (docs/metrics.md, The morning report): the
    health bands in the order the report shows them, worst first, and which
    of them count as at risk. Both are vars, validated here once so that a
    misspelt band fails the build instead of silently emptying a table.
#}

{% macro report_band_order() -%}
    {%- set bands = var('report_band_order') | list -%}
    {%- set known = ['red', 'yellow', 'green', 'insufficient_data'] -%}
    {%- if bands | sort != known | sort -%}
        {{ exceptions.raise_compiler_error(
            'report_band_order must list each of ' ~ known | join(', ')
            ~ ' once, got ' ~ bands | join(', ')
        ) }}
    {%- endif -%}
    {{ return(bands) }}
{%- endmacro %}

{% macro report_at_risk_bands() -%}
    {%- set bands = var('report_at_risk_bands') | list -%}
    {%- set unknown = bands | reject('in', report_band_order()) | list -%}
    {%- if not bands or unknown -%}
        {{ exceptions.raise_compiler_error(
            'report_at_risk_bands must name bands of report_band_order, got '
            ~ bands | join(', ')
        ) }}
    {%- endif -%}
    {{ return(bands) }}
{%- endmacro %}

{# A positive whole-number var of the report, checked once where it is read. #}
{% macro report_count_var(name, maximum=none) -%}
    {%- set value = var(name) | int -%}
    {%- if value < 1 or (maximum is not none and value > maximum) -%}
        {{ exceptions.raise_compiler_error(
            name ~ ' must be a whole number from 1'
            ~ (' to ' ~ maximum if maximum is not none else '') ~ ', got ' ~ var(name)
        ) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{# The bands as rows (health_band, band_order): a CTE body. #}
{% macro report_band_rows() -%}
    {%- for band in report_band_order() %}
    select
        cast('{{ band }}' as {{ dbt.type_string() }}) as health_band,
        cast({{ loop.index }} as {{ dbt.type_int() }}) as band_order
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{# SQL list of the at-risk bands, for `health_band in (...)`. #}
{% macro report_at_risk_band_list() -%}
    {%- for band in report_at_risk_bands() -%}
        '{{ band }}'{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
