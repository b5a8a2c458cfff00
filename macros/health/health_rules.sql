{#
    The constants of the health component rules (docs/metrics.md, Customer
    health score): ramps, penalties, part weights and windows are data, in
    the seed health_rules (one row per component and parameter, each
    described there), next to the component weights (health_weights).

    A component model reads its constants as one row of typed columns:
        rules as ({{ health_rules('support') }})
    then cross joins it and writes rules.open_urgent_penalty, ... Parameters
    ending in `_days` are whole days; the others are decimals with at most 4
    decimals, which the scoring arithmetic turns into integers
    (macros/health/health_scoring.sql). Editing the seed rebuilds every
    incremental health table on the next run (health_build_fingerprint reads
    the seed's content).
#}

{#
    The parameters each component reads. The singular test
    assert_health_rules_are_complete holds the seed to this list: every
    parameter present once, nothing unknown, values of the right shape.
#}
{% macro health_rule_parameters() -%}
    {{ return({
        'usage': [
            'active_window_days',
            'utilisation_ramp_from', 'utilisation_ramp_to', 'utilisation_weight',
            'trend_lookback_days', 'trend_ramp_from', 'trend_ramp_to', 'trend_weight',
        ],
        'adoption': ['window_days'],
        'support': [
            'open_urgent_penalty', 'open_high_penalty', 'open_tickets_weight',
            'ticket_rate_window_days', 'ticket_rate_ramp_from', 'ticket_rate_ramp_to',
            'ticket_rate_weight',
            'csat_window_days', 'csat_ramp_from', 'csat_ramp_to', 'csat_weight',
        ],
        'sentiment': ['window_days'],
        'engagement': [
            'touch_ramp_from', 'touch_ramp_to', 'touch_weight', 'qbr_weight', 'sponsor_weight',
        ],
        'financial': [
            'failed_payment_penalty', 'overdue_invoice_penalty', 'payments_window_days',
            'contraction_penalty', 'contraction_window_days',
        ],
        'onboarding': ['applicable_days'],
    }) }}
{%- endmacro %}

{# The SQL type of a parameter: whole days, or an exact decimal of at most 4 decimals. #}
{% macro health_rule_type(parameter) -%}
    {%- if parameter.endswith('_days') -%}
        {{ return(dbt.type_int()) }}
    {%- endif -%}
    {{ return('decimal(18, 4)') }}
{%- endmacro %}

{# One row, one column per parameter of `component`. #}
{% macro health_rules(component) -%}
    select
        {%- for parameter in cs_analytics.health_rule_parameters()[component] %}
        cast(
            max(case when parameter = '{{ parameter }}' then value end)
            as {{ cs_analytics.health_rule_type(parameter) }}
        ) as {{ parameter }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('health_rules') }}
    where component = '{{ component }}'
{%- endmacro %}
