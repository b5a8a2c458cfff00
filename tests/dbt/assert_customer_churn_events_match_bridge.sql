{#
    No churn is dropped or invented: per month, fct_churn_events has one row
    per churned account of rpt_mrr_bridge and their churned MRR adds up to
    the bridge's churn_mrr; rpt_churn_by_category adds up to the same, with
    month_churned_mrr the month's total.
#}
{{ config(severity='error') }}

with

bridge as (

    select * from {{ ref('rpt_mrr_bridge') }}

),

events as (

    select
        month,
        count(*) as churned_accounts,
        sum(churned_mrr) as churned_mrr
    from {{ ref('fct_churn_events') }}
    group by month

),

categories as (

    select
        month,
        sum(churned_accounts) as churned_accounts,
        sum(churned_mrr) as churned_mrr,
        max(month_churned_mrr) as month_churned_mrr,
        min(month_churned_mrr) as min_month_churned_mrr
    from {{ ref('rpt_churn_by_category') }}
    group by month

)

select
    bridge.month,
    bridge.churned_accounts,
    bridge.churn_mrr,
    events.churned_accounts as event_accounts,
    events.churned_mrr as event_mrr,
    categories.churned_accounts as category_accounts,
    categories.churned_mrr as category_mrr
from bridge
left join events
    on bridge.month = events.month
left join categories
    on bridge.month = categories.month
where
    coalesce(events.churned_accounts, 0) <> bridge.churned_accounts
    or abs(coalesce(events.churned_mrr, 0) - bridge.churn_mrr) > 0.00001
    or categories.month is null
    or categories.churned_accounts <> bridge.churned_accounts
    or abs(categories.churned_mrr - bridge.churn_mrr) > 0.00001
    or categories.month_churned_mrr <> categories.min_month_churned_mrr
    or categories.month_churned_mrr <> categories.churned_mrr
