{#
    Reading landing values (raw_contract.md; metrics.md, Time).

    Raw tables hold what the files said: text from CSV, typed values from
    Parquet. These macros turn either into typed, normalised values:
    timestamps become UTC instants without a zone (the `_at` convention),
    a date without time is that calendar day in the reporting timezone.
#}

{% macro reporting_timezone() -%}
    {{ return(var('reporting_timezone')) }}
{%- endmacro %}

{# The landing text of a value: trimmed, empty string as null. #}
{% macro landing_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{# A landing timestamp as a UTC instant (timestamp without zone). #}
{% macro landing_timestamp(column) -%}
    {{ return(adapter.dispatch('landing_timestamp', 'cs_analytics')(column)) }}
{%- endmacro %}

{% macro default__landing_timestamp(column) -%}
    {%- set text = cs_analytics.landing_text(column) -%}
    case
        when regexp_full_match({{ text }}, '\d{4}-\d{2}-\d{2}')
            then {{ cs_analytics.local_to_utc('try_cast(' ~ text ~ ' as timestamp)') }}
        else timezone('UTC', try_cast({{ text }} as timestamptz))
    end
{%- endmacro %}

{% macro spark__landing_timestamp(column) -%}
    {%- set text = cs_analytics.landing_text(column) -%}
    case
        when {{ text }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            then {{ cs_analytics.local_to_utc('cast(' ~ text ~ ' as timestamp)') }}
        else cast({{ text }} as timestamp)
    end
{%- endmacro %}

{# A landing calendar date (no time part, no zone). #}
{% macro landing_date(column) -%}
    {{ dbt.safe_cast(cs_analytics.landing_text(column), 'date') }}
{%- endmacro %}

{% macro landing_boolean(column) -%}
    case
        when lower({{ cs_analytics.landing_text(column) }}) in ('true', 't', '1', 'yes', 'y')
            then true
        when lower({{ cs_analytics.landing_text(column) }}) in ('false', 'f', '0', 'no', 'n')
            then false
    end
{%- endmacro %}

{% macro landing_decimal(column, type=none) -%}
    {{ dbt.safe_cast(cs_analytics.landing_text(column), type or cs_analytics.type_money()) }}
{%- endmacro %}

{% macro landing_integer(column) -%}
    {{ dbt.safe_cast(cs_analytics.landing_text(column), dbt.type_bigint()) }}
{%- endmacro %}
