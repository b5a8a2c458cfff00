{#
    rpt_survival is a proper life table, per slice × cohort year:
    - at t = 0 at_risk is every account of the cohort year with a complete
      cohort month (dim_accounts), and its survival is 1;
    - at_risk(t + 1) = at_risk(t) − churned(t) − censored(t);
    - the churns over all t are the accounts with a first churn in a
      complete month, and the last row exits everyone left;
    - survival(t) = survival(t − 1) × (1 − churned(t) ÷ at_risk(t)) within
      the documented rounding, and lies in [0, 1].
#}
{{ config(severity='error') }}

with

survival as (

    select * from {{ ref('rpt_survival') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

as_of_month as (

    select max(month) as month
    from {{ ref('int_revenue__reporting_months') }}

),

first_churns as (

    select
        movements.account_id,
        min(movements.month) as first_churn_month
    from {{ ref('fct_mrr_movements') }} as movements
    cross join as_of_month
    where
        movements.movement_type = 'churn'
        and movements.month < as_of_month.month
    group by movements.account_id

),

cohort_years as (

    select
        cast(extract(year from accounts.first_paid_month) as integer) as cohort_year,
        count(*) as accounts,
        count(first_churns.account_id) as churned_accounts
    from accounts
    cross join as_of_month
    left join first_churns
        on accounts.account_id = first_churns.account_id
    where accounts.first_paid_month < as_of_month.month
    group by cast(extract(year from accounts.first_paid_month) as integer)

),

steps as (

    select
        survival.*,
        lag(survival.at_risk) over (
            partition by survival.slice_dimension, survival.slice_value, survival.cohort_year
            order by survival.months_since_start
        ) as previous_at_risk,
        lag(survival.churned + survival.censored) over (
            partition by survival.slice_dimension, survival.slice_value, survival.cohort_year
            order by survival.months_since_start
        ) as previous_exits,
        lag(survival) over (
            partition by survival.slice_dimension, survival.slice_value, survival.cohort_year
            order by survival.months_since_start
        ) as previous_survival,
        lead(survival.months_since_start) over (
            partition by survival.slice_dimension, survival.slice_value, survival.cohort_year
            order by survival.months_since_start
        ) as next_months_since_start
    from survival

),

row_problems as (

    select
        slice_dimension,
        slice_value,
        cohort_year,
        months_since_start,
        'life table step' as problem
    from steps
    where
        (months_since_start = 0 and survival <> 1)
        or (months_since_start > 0 and previous_at_risk - previous_exits <> at_risk)
        or (next_months_since_start is null and at_risk <> churned + censored)
        or survival < 0
        or survival > 1
        or (
            months_since_start > 0
            and abs(
                survival - previous_survival * (at_risk - churned) / at_risk
            ) > 0.000000002
        )

),

survival_starts as (

    select
        cohort_year,
        sum(case when months_since_start = 0 then at_risk else 0 end) as at_risk,
        sum(churned) as churned
    from survival
    where slice_dimension = 'all'
    group by cohort_year

),

start_problems as (

    select
        'all' as slice_dimension,
        'all' as slice_value,
        coalesce(cohort_years.cohort_year, survival_starts.cohort_year) as cohort_year,
        0 as months_since_start,
        'cohort size or churns' as problem
    from cohort_years
    full outer join survival_starts
        on cohort_years.cohort_year = survival_starts.cohort_year
    where
        survival_starts.at_risk is null
        or cohort_years.accounts is null
        or survival_starts.at_risk <> cohort_years.accounts
        or survival_starts.churned <> cohort_years.churned_accounts

)

select * from row_problems
union all
select * from start_problems
