{#
    Converting between UTC instants and local wall-clock time in the
    reporting timezone. Both sides are timestamps without zone: UTC by
    convention for `_at` columns, local for the `_local` ones.
#}

{#
    In UTC both conversions are the identity: compiling them away saves a
    timezone lookup per row on the biggest tables.
#}
{% macro is_utc(tz) -%}
    {{ return(tz | upper in ('UTC', 'ETC/UTC', 'Z', 'GMT', 'ETC/GMT')) }}
{%- endmacro %}

{% macro local_to_utc(local_timestamp, tz=none) -%}
    {%- set zone = tz or cs_analytics.reporting_timezone() -%}
    {%- if cs_analytics.is_utc(zone) -%}
        {{ return(local_timestamp) }}
    {%- endif -%}
    {{ return(adapter.dispatch('local_to_utc', 'cs_analytics')(local_timestamp, zone)) }}
{%- endmacro %}

{% macro default__local_to_utc(local_timestamp, tz) -%}
    timezone('UTC', timezone('{{ tz }}', {{ local_timestamp }}))
{%- endmacro %}

{% macro spark__local_to_utc(local_timestamp, tz) -%}
    to_utc_timestamp({{ local_timestamp }}, '{{ tz }}')
{%- endmacro %}

{% macro utc_to_local(utc_timestamp, tz=none) -%}
    {%- set zone = tz or cs_analytics.reporting_timezone() -%}
    {%- if cs_analytics.is_utc(zone) -%}
        {{ return(utc_timestamp) }}
    {%- endif -%}
    {{ return(adapter.dispatch('utc_to_local', 'cs_analytics')(utc_timestamp, zone)) }}
{%- endmacro %}

{% macro default__utc_to_local(utc_timestamp, tz) -%}
    timezone('{{ tz }}', timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}

{% macro spark__utc_to_local(utc_timestamp, tz) -%}
    from_utc_timestamp({{ utc_timestamp }}, '{{ tz }}')
{%- endmacro %}

{# The local calendar day of a UTC instant. #}
{% macro local_date(utc_timestamp) -%}
    cast({{ cs_analytics.utc_to_local(utc_timestamp) }} as date)
{%- endmacro %}
