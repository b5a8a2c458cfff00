{#
    Exact decimal arithmetic for money (docs/metrics.md, Money).

    DuckDB turns every decimal division into a DOUBLE; `divide_exact` instead
    divides the scaled integers (HUGEINT) and rounds half away from zero, so a
    monthly price of an annual plan is exact to `scale` decimals. Engines
    that divide decimals exactly to the scale asked for only need the cast;
    Spark picks the quotient's scale itself (spark__divide_exact).
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

{#
    Spark types a decimal quotient from its operands' precisions, not from
    the scale wanted: decimal(38, 9) / decimal(38, 12) is decimal(38, 6) by
    default and decimal(38, 18) with allowPrecisionLoss off (the profile's
    setting), so a cast afterwards would round twice. Instead, as on
    DuckDB, the numerator is taken at 9 decimals and the denominator at 12,
    the numerator × 10^scale is divided by the denominator as integers
    (`div`: the exact quotient, truncated) and the remainder decides the
    rounding, half away from zero. Every operand is cast so that no product
    needs more than 38 digits, which keeps each step exact whichever way
    allowPrecisionLoss is set. Bounds: a numerator below 10^(27 - scale) (10^18
    for money) and a result below 9.2 × 10^(18 - scale) (`div` returns a
    bigint); beyond them the statement stops instead of returning a wrong
    number (dbt-spark runs with ANSI mode off, where an overflow is silent).
#}
{% macro spark__divide_exact(numerator, denominator, scale) -%}
    {%- if scale < 1 or scale > 18 -%}
        {{ exceptions.raise_compiler_error(
            'divide_exact on Spark keeps 1 to 18 decimals, not ' ~ scale
        ) }}
    {%- endif -%}
    {%- set numerator_digits = 27 - scale -%}
    {%- set scaled = '(cast(abs(' ~ numerator ~ ') as decimal(' ~ (36 - scale) ~ ', 9))'
        ~ ' * cast(1' ~ ('0' * scale) ~ ' as decimal(' ~ (scale + 1) ~ ', 0)))' -%}
    {%- set divisor = 'cast(abs(' ~ denominator ~ ') as decimal(36, 12))' -%}
    {%- set magnitude = 'cast(' ~ scaled ~ ' div ' ~ divisor
        ~ ' + case when 2 * (' ~ scaled ~ ' % ' ~ divisor ~ ') >= ' ~ divisor
        ~ ' then 1 else 0 end as decimal(19, 0))'
        ~ ' * cast(0.' ~ ('0' * (scale - 1)) ~ '1 as decimal(' ~ scale ~ ', ' ~ scale ~ '))' -%}
    case
        when ({{ denominator }}) = 0 then null
        when abs({{ numerator }}) >= cast(1{{ '0' * numerator_digits }} as decimal({{ numerator_digits + 1 }}, 0))
            then {{ cs_analytics.raise_error(
                "'divide_exact: numerator ' || cast(" ~ numerator ~ " as string)"
                ~ " || ' has more than " ~ numerator_digits ~ " whole digits'"
            ) }}
        {#- a bound check only: no result is computed in floating point #}
        when cast(abs({{ numerator }}) as double) / cast(abs({{ denominator }}) as double)
            >= 9.2e{{ 18 - scale }}
            then {{ cs_analytics.raise_error(
                "'divide_exact: ' || cast(" ~ numerator ~ " as string) || ' / '"
                ~ " || cast(" ~ denominator ~ " as string) || ' is too large for "
                ~ scale ~ " decimals'"
            ) }}
        when ({{ numerator }} < 0) <> ({{ denominator }} < 0)
            then cast(-{{ magnitude }} as decimal(38, {{ scale }}))
        else cast({{ magnitude }} as decimal(38, {{ scale }}))
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

{#- SQL has no standard way to fail a statement: each engine says its own. -#}
{% macro default__raise_error(message) -%}
    {{ exceptions.raise_compiler_error(
        'raise_error has no implementation for adapter ' ~ adapter.type()
    ) }}
{%- endmacro %}

{% macro spark__raise_error(message) -%}
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
