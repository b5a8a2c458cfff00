{#
    Exact arithmetic of the health score (docs/metrics.md: bands are taken on the
    unrounded score, so no floating point may reach it).

    Every ratio the score needs is a ratio of integers (users, seats,
    tickets, days, milestones, and scores and weights held as integer
    micro-units), so it is computed as one rounded integer division instead
    of divide_exact: on DuckDB divide_exact goes through HUGEINT and costs
    about 7 microseconds a row, this about 0.03, which keeps a full rebuild of
    years of account-days quick.
#}

{#
    round(n / 10^numerator_scale / d, scale), half away from zero, as
    decimal(18, scale); NULL when d is 0 or NULL. n and d are integer
    expressions; the caller keeps |n| * 10^(scale - numerator_scale) below
    4.6e18 (health values stay below 1e13).
#}
{% macro health_ratio(n, d, scale=6, numerator_scale=0) -%}
    {{ return(adapter.dispatch('health_ratio', 'cs_analytics')(n, d, scale, numerator_scale)) }}
{%- endmacro %}

{% macro default__health_ratio(n, d, scale, numerator_scale) -%}
    case
        when ({{ d }}) = 0 then null
        else cast(
            cast({{ n }} as decimal(38, {{ numerator_scale }}))
            / {{ 10 ** numerator_scale }} / ({{ d }}) as decimal(18, {{ scale }})
        )
    end
{%- endmacro %}

{#
    Spark types the quotient from its operands (decimal(38, 12) here) and
    rounds it, so the cast to `scale` would round a second time: 4 / 2001
    is 0.001999000|4997..., which rounds to 0.001999000 at 9 decimals, but
    0.001999000500 at 12 rounds to 0.001999001. divide_exact rounds once.
#}
{% macro spark__health_ratio(n, d, scale, numerator_scale) -%}
    cast({{ cs_analytics.divide_exact(
        n, '(' ~ 10 ** numerator_scale ~ ' * (' ~ d ~ '))', scale
    ) }} as decimal(18, {{ scale }}))
{%- endmacro %}

{% macro duckdb__health_ratio(n, d, scale, numerator_scale) -%}
    {%- set shift = 10 ** (scale - numerator_scale) -%}
    case
        when ({{ d }}) = 0 then null
        else cast(
            sign({{ n }}) * sign({{ d }})
            * ((2 * abs(cast({{ n }} as bigint)) * {{ shift }} + abs(cast({{ d }} as bigint)))
                // (2 * abs(cast({{ d }} as bigint))))
            as decimal(18, 0)
        ) * cast(0.{{ '0' * (scale - 1) }}1 as decimal({{ scale + 1 }}, {{ scale }}))
    end
{%- endmacro %}

{#
    Rule constants (ramp ends, part weights: seed health_rules) have at most
    4 decimals, so 10^4 times one is an integer and every comparison and
    interpolation below stays in integers. `value` is a SQL expression (a
    column of the rules row).
#}
{% macro health_rule_units(value) -%}
    cast(({{ value }}) * 10000 as bigint)
{%- endmacro %}

{#
    Points of the ratio x = n / d on a ramp: 0 at x <= low, 100 at x >= high,
    linear in between, at 6 decimals; NULL when x is undefined. low < high
    are SQL expressions (rule constants); with L, H their units (10^4 times
    them) the comparison and the interpolation are integer arithmetic:
    100 (10^4 n - L d) / ((H - L) d). Between the ends the numerator is below
    100 (H - L) d, so health_ratio's bound holds while d < 4.6e10 / (H - L):
    millions of seats or CSAT responses for the shipped ramps (an overflow
    fails the build, it never wraps).
#}
{% macro health_ramp(n, d, low, high) -%}
    {%- set low_units = cs_analytics.health_rule_units(low) -%}
    {%- set high_units = cs_analytics.health_rule_units(high) -%}
    {%- set scaled_n = '(10000 * (' ~ n ~ '))' -%}
    case
        when ({{ n }}) is null or ({{ d }}) is null or ({{ d }}) = 0 then null
        when {{ scaled_n }} <= {{ low_units }} * ({{ d }}) then cast(0 as decimal(9, 6))
        when {{ scaled_n }} >= {{ high_units }} * ({{ d }}) then cast(100 as decimal(9, 6))
        else cast(
            {{ cs_analytics.health_ratio(
                '100 * (' ~ scaled_n ~ ' - ' ~ low_units ~ ' * (' ~ d ~ '))',
                '(' ~ high_units ~ ' - ' ~ low_units ~ ') * (' ~ d ~ ')'
            ) }} as decimal(9, 6)
        )
    end
{%- endmacro %}

{# 100 at x <= low, 0 at x >= high: more is worse. #}
{% macro health_ramp_down(n, d, low, high) -%}
    cast(100 - {{ cs_analytics.health_ramp(n, d, low, high) }} as decimal(9, 6))
{%- endmacro %}

{# A 0-100 value with 6 decimals as integer micro-units (exact). #}
{% macro health_micro_units(points) -%}
    cast(({{ points }}) * 1000000 as bigint)
{%- endmacro %}

{#
    The weighted mean of the parts that have data: sum(w * points) / sum(w)
    over the non-NULL points; NULL when none has data. `parts` is a list of
    (points column, weight expression); points are 0-100 with 6 decimals,
    weights rule constants (health_rule_units).
#}
{% macro health_weighted_parts(parts) -%}
    {%- set numerator = [] -%}
    {%- set denominator = [] -%}
    {%- for points, weight in parts -%}
        {%- set w = cs_analytics.health_rule_units(weight) -%}
        {%- do numerator.append('coalesce(' ~ w ~ ' * ' ~ cs_analytics.health_micro_units(points) ~ ', 0)') -%}
        {%- do denominator.append('case when (' ~ points ~ ') is not null then ' ~ w ~ ' else 0 end') -%}
    {%- endfor -%}
    cast(
        {{ cs_analytics.health_ratio(numerator | join(' + '), denominator | join(' + '), 6, 6) }}
        as decimal(9, 6)
    )
{%- endmacro %}

{# The health components in their documented order (ties of primary_risk_driver go to the first). #}
{% macro health_components() -%}
    {{ return(['usage', 'adoption', 'support', 'sentiment', 'engagement', 'financial', 'onboarding']) }}
{%- endmacro %}

{#
    One expression over a column per component: `usage<suffix> + adoption<suffix> + ...`,
    each optionally wrapped (`prefix` column `postfix`), joined by `separator`.
#}
{% macro health_sum_columns(components, suffix, separator=' + ', prefix='', postfix='') -%}
    {%- set terms = [] -%}
    {%- for component in components -%}
        {%- do terms.append(prefix ~ component ~ suffix ~ postfix) -%}
    {%- endfor -%}
    {{ return(terms | join(separator)) }}
{%- endmacro %}
