{#
    Churned MRR and accounts per month × churn category (docs/metrics.md, Churn
    reasons): fct_churn_events summed by voluntary and avoidability
    category. Every reporting month appears with every category pair of the
    taxonomy seed (plus unknown × unknown), quiet months at zero, so BI can
    chart shares without gaps; the month's total churn is carried for the
    share's denominator.
#}

with

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

churn_events as (

    select * from {{ ref('fct_churn_events') }}

),

taxonomy as (

    select * from {{ ref('churn_reason_taxonomy') }}

),

categories as (

    select distinct
        voluntary_category,
        avoidability_category
    from taxonomy

    union

    select
        'unknown' as voluntary_category,
        'unknown' as avoidability_category

    union

    select distinct
        voluntary_category,
        avoidability_category
    from churn_events

),

monthly as (

    select
        month,
        voluntary_category,
        avoidability_category,
        count(*) as churned_accounts,
        sum(churned_mrr) as churned_mrr,
        sum(case when has_recorded_reason then 0 else 1 end) as churned_accounts_without_reason
    from churn_events
    group by month, voluntary_category, avoidability_category

),

filled as (

    select
        months.month,
        months.is_partial_month,
        categories.voluntary_category,
        categories.avoidability_category,
        coalesce(monthly.churned_accounts, 0) as churned_accounts,
        coalesce(monthly.churned_mrr, 0) as churned_mrr,
        coalesce(monthly.churned_accounts_without_reason, 0) as churned_accounts_without_reason
    from months
    cross join categories
    left join monthly
        on
            months.month = monthly.month
            and categories.voluntary_category = monthly.voluntary_category
            and categories.avoidability_category = monthly.avoidability_category

),

totals as (

    select
        *,
        sum(churned_mrr) over (partition by month) as month_churned_mrr
    from filled

)

select
    month,
    cast(voluntary_category as {{ dbt.type_string() }}) as voluntary_category,
    cast(avoidability_category as {{ dbt.type_string() }}) as avoidability_category,
    cast(churned_accounts as {{ dbt.type_bigint() }}) as churned_accounts,
    {{ to_money('churned_mrr') }} as churned_mrr,
    {{ to_money('month_churned_mrr') }} as month_churned_mrr,
    {{ divide_exact('churned_mrr', 'nullif(month_churned_mrr, 0)') }} as churned_mrr_share,
    cast(churned_accounts_without_reason as {{ dbt.type_bigint() }})
        as churned_accounts_without_reason,
    is_partial_month
from totals
