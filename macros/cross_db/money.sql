{#
    Exact decimal arithmetic for money (docs/metrics.md, Money).

    DuckDB turns every decimal division into a DOUBLE; `divide_exact` instead
    divides the scaled integers (HUGEINT) and rounds half away from zero, so a
    monthly price of an annual plan is exact to `scale` decimals. Other
    engines divide decimals exactly and only need the cast.
#}

{% macro divide_exact(numerator, denominator, scale=9) -%}
    {{ return(adapter.dispatch('divide_exact', 'cs_analytics')(numerator, denominator, scale)) }}
{%- endmacro %}

{% macro default__divide_exact(numerator, denominator, scale) -%}
    cast(({{ numerator }}) / ({{ denominator }}) as decimal(38, {{ scale }}))
{%- endmacro %}

{% macro duckdb__divide_exact(numerator, denominator, scale) -%}
    {#- numerator at 9 decimals (|n| < 1.7e17), denominator at 12 decimals -#}
    {%- set n = 'cast(cast(abs(' ~ numerator ~ ') as decimal(38, 9)) * 1000000000 as hugeint)' -%}
    {%- set d = 'cast(cast(abs(' ~ denominator ~ ') as decimal(38, 12)) * 1000000000000 as hugeint)' -%}
    {%- set shift = 'cast(1' ~ ('0' * (scale + 3)) ~ ' as hugeint)' -%}
    case
        when ({{ denominator }}) = 0 then null
        else
            sign({{ numerator }}) * sign({{ denominator }})
            * cast(
                (2 * {{ n }} * {{ shift }} + {{ d }}) // (2 * {{ d }}) as decimal(38, 0)
            )
            * cast(0.{{ '0' * (scale - 1) }}1 as decimal({{ scale + 1 }}, {{ scale }}))
    end
{%- endmacro %}

{# Money in the project's one exact type. #}
{% macro to_money(expression) -%}
    cast({{ expression }} as {{ cs_analytics.type_money() }})
{%- endmacro %}

{#
    Fail the statement with `message` (a SQL string expression) when reached:
    the run stops with the message in dbt's output instead of a NULL or zero
    slipping into a mart.
#}
{% macro raise_error(message) -%}
    {{ return(adapter.dispatch('raise_error', 'cs_analytics')(message)) }}
{%- endmacro %}

{% macro default__raise_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}

{% macro duckdb__raise_error(message) -%}
    error({{ message }})
{%- endmacro %}

{#
    An amount converted at `rate`, as money. Rounding a 38-digit product back
    to 9 decimals is the costliest step of the MRR chain, and most revenue is
    already in the reporting currency: at rate 1 the amount is taken as is.
#}
{% macro convert_money(amount, rate) -%}
    case
        when {{ rate }} = 1 then {{ cs_analytics.to_money(amount) }}
        else {{ cs_analytics.to_money('(' ~ amount ~ ') * (' ~ rate ~ ')') }}
    end
{%- endmacro %}
