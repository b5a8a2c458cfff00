{#
    Every account is in exactly one segment, touch model and region, so for
    each cohort and month those slices add up to the `all` slice: cohort
    accounts, active accounts and cohort MRR (rpt_cohort_retention); and for
    each start cohort accounts started, completed, at value, censored,
    paying and adopted (rpt_onboarding).
#}
{{ config(severity='error') }}

with

cohorts as (

    select * from {{ ref('rpt_cohort_retention') }}

),

onboarding as (

    select * from {{ ref('rpt_onboarding') }}

),

cohort_totals as (

    select
        cohort_month,
        months_since_start,
        slice_dimension,
        sum(cohort_accounts) as cohort_accounts,
        sum(active_accounts) as active_accounts,
        sum(cohort_mrr) as cohort_mrr
    from cohorts
    where slice_dimension in ('all', 'segment', 'touch_model', 'region')
    group by cohort_month, months_since_start, slice_dimension

),

cohort_differences as (

    select
        'rpt_cohort_retention' as relation,
        sliced.cohort_month,
        sliced.months_since_start,
        sliced.slice_dimension
    from cohort_totals as sliced
    inner join cohort_totals as total
        on
            sliced.cohort_month = total.cohort_month
            and sliced.months_since_start = total.months_since_start
            and total.slice_dimension = 'all'
    where
        sliced.cohort_accounts <> total.cohort_accounts
        or sliced.active_accounts <> total.active_accounts
        or sliced.cohort_mrr <> total.cohort_mrr

),

onboarding_totals as (

    select
        cohort_month,
        slice_dimension,
        sum(accounts_started) as accounts_started,
        sum(onboarding_completed_90d) as onboarding_completed_90d,
        sum(accounts_reached_value) as accounts_reached_value,
        sum(accounts_censored) as accounts_censored,
        sum(paying_accounts) as paying_accounts,
        sum(adopted_accounts) as adopted_accounts
    from onboarding
    group by cohort_month, slice_dimension

),

onboarding_differences as (

    select
        'rpt_onboarding' as relation,
        sliced.cohort_month,
        cast(null as integer) as months_since_start,
        sliced.slice_dimension
    from onboarding_totals as sliced
    inner join onboarding_totals as total
        on
            sliced.cohort_month = total.cohort_month
            and total.slice_dimension = 'all'
    where
        sliced.accounts_started <> total.accounts_started
        or sliced.onboarding_completed_90d <> total.onboarding_completed_90d
        or sliced.accounts_reached_value <> total.accounts_reached_value
        or sliced.accounts_censored <> total.accounts_censored
        or sliced.paying_accounts <> total.paying_accounts
        or sliced.adopted_accounts <> total.adopted_accounts

)

select * from cohort_differences
union all
select * from onboarding_differences
