{#
    rpt_cohort_retention against fct_mrr, for every cohort and complete
    month it has reached:
    - `all` slice: cohort_accounts = accounts whose first paid month is the
      cohort; active_accounts = those with MRR > 0 at cohort + k (fct_mrr);
      at k = 0 cohort_mrr = their fct_mrr MRR of the cohort month;
    - `product` slices: the same per account × product.
    A cohort missing a month it has reached, or holding one it has not,
    fails too (full outer join).
#}
{{ config(severity='error') }}

with

mrr as (

    select * from {{ ref('fct_mrr') }}

),

months as (

    select * from {{ ref('int_revenue__reporting_months') }}
    where not is_partial_month

),

cohorts as (

    select * from {{ ref('rpt_cohort_retention') }}
    where slice_dimension in ('all', 'product')

),

member_months as (

    select
        account_id,
        'all' as slice_dimension,
        'all' as slice_value,
        month,
        sum(mrr) as mrr
    from mrr
    group by account_id, month

    union all

    select
        account_id,
        'product' as slice_dimension,
        product_id as slice_value,
        month,
        sum(mrr) as mrr
    from mrr
    group by account_id, product_id, month

),

member_cohorts as (

    select
        account_id,
        slice_dimension,
        slice_value,
        min(month) as cohort_month
    from member_months
    where mrr > 0
    group by account_id, slice_dimension, slice_value

),

expected as (

    select
        member_cohorts.cohort_month,
        months.month,
        member_cohorts.slice_dimension,
        member_cohorts.slice_value,
        count(*) as cohort_accounts,
        sum(case when member_months.mrr > 0 then 1 else 0 end) as active_accounts,
        sum(
            case when months.month = member_cohorts.cohort_month then member_months.mrr else 0 end
        ) as start_mrr
    from member_cohorts
    inner join months
        on member_cohorts.cohort_month <= months.month
    left join member_months
        on
            member_cohorts.account_id = member_months.account_id
            and member_cohorts.slice_dimension = member_months.slice_dimension
            and member_cohorts.slice_value = member_months.slice_value
            and months.month = member_months.month
    group by
        member_cohorts.cohort_month,
        months.month,
        member_cohorts.slice_dimension,
        member_cohorts.slice_value

)

select
    coalesce(expected.cohort_month, cohorts.cohort_month) as cohort_month,
    coalesce(expected.month, cohorts.month) as month,
    coalesce(expected.slice_value, cohorts.slice_value) as slice_value,
    expected.cohort_accounts as expected_cohort_accounts,
    cohorts.cohort_accounts,
    expected.active_accounts as expected_active_accounts,
    cohorts.active_accounts,
    expected.start_mrr as expected_start_mrr,
    cohorts.cohort_start_mrr
from expected
full outer join cohorts
    on
        expected.cohort_month = cohorts.cohort_month
        and expected.month = cohorts.month
        and expected.slice_dimension = cohorts.slice_dimension
        and expected.slice_value = cohorts.slice_value
where
    expected.cohort_month is null
    or cohorts.cohort_month is null
    or expected.cohort_accounts <> cohorts.cohort_accounts
    or expected.active_accounts <> cohorts.active_accounts
    or (expected.month = expected.cohort_month and expected.start_mrr <> cohorts.cohort_mrr)
    or (expected.month = expected.cohort_month and expected.start_mrr <> cohorts.cohort_start_mrr)
