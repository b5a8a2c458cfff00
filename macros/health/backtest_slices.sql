{#
    The backtest population repeated once per slice (docs/metrics.md,
    Backtest): all accounts, then by segment and by touch model, with
    slice_dimension and slice_value in front. rpt_health_backtest and
    rpt_health_backtest_summary must slice alike, so both call this.
#}
{% macro health_backtest_slices(relation) -%}
    {%- set slices = [("'all'", "'all'"), ("'segment'", 'segment'), ("'touch_model'", 'touch_model')] -%}
    {%- for dimension, value in slices %}
    {%- if not loop.first %}

    union all
{% endif %}
    select
        {{ dimension }} as slice_dimension,
        {{ value }} as slice_value,
        {{ relation }}.*
    from {{ relation }}
    {%- endfor %}
{%- endmacro %}
