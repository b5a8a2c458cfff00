{#
    The KPI header of the morning report (docs/metrics.md, The morning
    report): one row per KPI, its value in the last complete month
    (dim_build.last_complete_month) against the month before. MRR, ARR and
    accounts come from rpt_mrr_bridge (closing_mrr, 12 × closing_mrr,
    closing_accounts); NRR, GRR, logo churn and quick ratio from
    rpt_retention_kpis (slice `all`, one-month window). is_improvement says
    whether the change is good news: a rise for every KPI but logo churn.
#}

{%- set kpis = [
    ('mrr', 'money', 'closing_mrr', true),
    ('arr', 'money', 'arr', true),
    ('nrr', 'ratio', 'nrr', true),
    ('grr', 'ratio', 'grr', true),
    ('logo_churn_rate', 'ratio', 'logo_churn_rate', false),
    ('quick_ratio', 'ratio', 'quick_ratio', true),
    ('accounts', 'count', 'closing_accounts', true),
] %}

with

build as (

    select * from {{ ref('dim_build') }}

),

bridge as (

    select * from {{ ref('rpt_mrr_bridge') }}

),

retention as (

    select * from {{ ref('rpt_retention_kpis') }}
    where slice_dimension = 'all' and window_months = 1

),

months as (

    select
        last_complete_month as month,
        {{ add_months('last_complete_month', -1) }} as previous_month
    from build

),

monthly as (

    select
        bridge.month,
        bridge.closing_mrr,
        12 * bridge.closing_mrr as arr,
        bridge.closing_accounts,
        retention.nrr,
        retention.grr,
        retention.logo_churn_rate,
        retention.quick_ratio
    from bridge
    left join retention
        on bridge.month = retention.month

),

kpi_values as (

    {%- for code, kind, column, higher_is_better in kpis %}

    select
        '{{ code }}' as kpi_code,
        {{ loop.index }} as kpi_order,
        '{{ kind }}' as value_kind,
        {{ higher_is_better }} as higher_is_better,
        months.month,
        months.previous_month,
        this_month.{{ column }} as current_value,
        last_month.{{ column }} as previous_value
    from months
    left join monthly as this_month
        on months.month = this_month.month
    left join monthly as last_month
        on months.previous_month = last_month.month
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

)

select
    cast(kpi_code as {{ dbt.type_string() }}) as kpi_code,
    cast(kpi_order as {{ dbt.type_int() }}) as kpi_order,
    cast(value_kind as {{ dbt.type_string() }}) as value_kind,
    month,
    previous_month,
    {{ to_money('current_value') }} as current_value,
    {{ to_money('previous_value') }} as previous_value,
    {{ to_money('current_value - previous_value') }} as change_value,
    higher_is_better,
    case
        when current_value is null or previous_value is null then null
        when higher_is_better then current_value > previous_value
        else current_value < previous_value
    end as is_improvement
from kpi_values
