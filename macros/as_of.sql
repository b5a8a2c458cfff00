{#
    The run's "today" (docs/metrics.md, Time). The landing is taken as known at the
    start of AS_OF_DATE in the reporting timezone; facts at or after that
    instant are left out of the run and counted in the audit.
#}

{% macro as_of_date() -%}
    {%- set configured = var('as_of_date') | string | trim -%}
    {%- if configured -%}
        {{ return(configured) }}
    {%- else -%}
        {%- set zone = modules.pytz.timezone(cs_analytics.reporting_timezone()) -%}
        {{ return(modules.datetime.datetime.now(zone).date().isoformat()) }}
    {%- endif -%}
{%- endmacro %}

{# The as-of date as a SQL date literal. #}
{% macro as_of_date_literal() -%}
    cast('{{ cs_analytics.as_of_date() }}' as date)
{%- endmacro %}

{# The first instant of AS_OF_DATE in the reporting timezone, as a UTC timestamp. #}
{% macro as_of_instant() -%}
    {{ cs_analytics.local_to_utc("cast('" ~ cs_analytics.as_of_date() ~ " 00:00:00' as timestamp)") }}
{%- endmacro %}
