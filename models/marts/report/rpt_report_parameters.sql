{#
    The morning report's settings as this build used them (docs/metrics.md,
    The morning report): one row with the report_* vars, so the report (and a
    BI tool) says "renewals due in the next 90 days" from the marts rather
    than from a constant of its own, and the latest score day the other report
    marts are cut on.
#}

with

health as (

    select * from {{ ref('fct_account_health_daily') }}

)

select
    {{ as_of_date_literal() }} as as_of_date,
    max(health.score_date) as latest_score_date,
    cast('{{ report_band_order() | join(",") }}' as {{ dbt.type_string() }}) as band_order,
    cast('{{ report_at_risk_bands() | join(",") }}' as {{ dbt.type_string() }}) as at_risk_bands,
    cast({{ report_count_var('report_list_rows') }} as {{ dbt.type_int() }}) as list_rows,
    cast({{ report_count_var('report_renewal_horizon_days', 90) }} as {{ dbt.type_int() }})
        as renewal_horizon_days,
    cast({{ report_count_var('report_band_transition_days') }} as {{ dbt.type_int() }})
        as band_transition_days,
    cast({{ report_count_var('report_recent_churn_months') }} as {{ dbt.type_int() }})
        as recent_churn_months
from health
