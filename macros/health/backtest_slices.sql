{#
    The backtest population repeated once per slice (docs/metrics.md,
    Backtest), with slice_dimension and slice_value in front: `all` and the
    declared account slices (macros/slices.sql) that the population
    carries. Its segment and touch model are the ones recorded on the
    scoring day (int_health__backtest_account_months); the attribute
    snapshot keeps no region, so the backtest has no region slice, and its
    members are accounts, so no product slice. rpt_health_backtest and
    rpt_health_backtest_summary must slice alike, so both call this.
#}
{% macro health_backtest_slices(relation) -%}
    {%- set scored_attributes = ['segment', 'touch_model'] -%}
    {{ cs_analytics.slice_rows(
        relation,
        cs_analytics.account_slice_dimensions() | select('in', ['all'] + scored_attributes) | list
    ) }}
{%- endmacro %}
