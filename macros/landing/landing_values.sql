{#
    Reading landing values (docs/landing_contract.md; docs/metrics.md, Time).

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

{#
    A landing timestamp as a UTC instant (timestamp without zone). A bare date
    is local midnight in `tz` (default: the reporting timezone).
#}
{% macro landing_timestamp(column, tz=none) -%}
    {{ return(adapter.dispatch('landing_timestamp', 'cs_analytics')(column, tz)) }}
{%- endmacro %}

{#- Parsing zoned timestamp text differs on every engine: each says its own. -#}
{% macro default__landing_timestamp(column, tz=none) -%}
    {{ exceptions.raise_compiler_error(
        'landing_timestamp has no implementation for adapter ' ~ adapter.type()
    ) }}
{%- endmacro %}

{#
    A Parquet timestamp kept typed in raw (cs_analytics/landing/raw_columns.py)
    is already the UTC instant: taken as it is, instead of printing and parsing
    it again (5 s per 20 M values). `typeof` is decided when DuckDB binds the
    query, so on a text column only the text branch runs.
#}
{% macro duckdb__landing_timestamp(column, tz=none) -%}
    {%- set text = cs_analytics.landing_text(column) -%}
    case
        when typeof({{ column }}) = 'TIMESTAMP' then try_cast({{ column }} as timestamp)
        when regexp_full_match({{ text }}, '\d{4}-\d{2}-\d{2}')
            then {{ cs_analytics.local_to_utc('try_cast(' ~ text ~ ' as timestamp)', tz) }}
        else timezone('UTC', try_cast({{ text }} as timestamptz))
    end
{%- endmacro %}

{% macro spark__landing_timestamp(column, tz=none) -%}
    {%- set text = cs_analytics.landing_text(column) -%}
    case
        when {{ text }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            then {{ cs_analytics.local_to_utc('cast(' ~ text ~ ' as timestamp)', tz) }}
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
    {{ return(adapter.dispatch('landing_decimal', 'cs_analytics')(
        column, type or cs_analytics.type_money()
    )) }}
{%- endmacro %}

{% macro default__landing_decimal(column, type) -%}
    {{ dbt.safe_cast(cs_analytics.landing_text(column), type) }}
{%- endmacro %}

{#
    DuckDB parses text into a 38-digit decimal some 20 times slower than into
    an 18-digit one. A value with at most 9 decimals below 10^9 takes the
    fast parse (exact: the same digits, the same rounding); any other value
    falls back to the full type, so the result is identical either way.
#}
{% macro duckdb__landing_decimal(column, type) -%}
    {%- set text = cs_analytics.landing_text(column) -%}
    {%- set parts = modules.re.match('\\s*decimal\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)\\s*$', type | lower) -%}
    {%- if parts and parts.group(1) | int > 18 -%}
        {%- set scale = parts.group(2) | int -%}
        {%- set fast_scale = [scale, 9] | min -%}
        case
            when
                {%- if scale > fast_scale %}
                length({{ text }}) - coalesce(nullif(strpos({{ text }}, '.'), 0), length({{ text }}))
                <= {{ fast_scale }}
                and
                {%- endif %}
                not regexp_matches({{ text }}, '[eE]')
                then coalesce(
                    try_cast({{ text }} as decimal(18, {{ fast_scale }})),
                    try_cast({{ text }} as {{ type }})
                )
            else try_cast({{ text }} as {{ type }})
        end
    {%- else -%}
        try_cast({{ text }} as {{ type }})
    {%- endif -%}
{%- endmacro %}

{% macro landing_integer(column) -%}
    {{ dbt.safe_cast(cs_analytics.landing_text(column), dbt.type_bigint()) }}
{%- endmacro %}

{#
    A landing value parsed the way staging parses a column of contract type
    `type` (string, timestamp, date, decimal, integer, boolean): how an audit
    compares a raw key with the staged one, and what a GX raw suite checks
    (landing_check_query). `tz` as in landing_timestamp.
#}
{% macro landing_value(column, type, tz=none) -%}
    {%- if type == 'timestamp' -%}
        {{ return(cs_analytics.landing_timestamp(column, tz=tz)) }}
    {%- endif -%}
    {%- set parsers = {
        'string': cs_analytics.landing_text,
        'integer': cs_analytics.landing_integer,
        'decimal': cs_analytics.landing_decimal,
        'date': cs_analytics.landing_date,
        'boolean': cs_analytics.landing_boolean,
    } -%}
    {{ return(parsers[type](column)) }}
{%- endmacro %}
