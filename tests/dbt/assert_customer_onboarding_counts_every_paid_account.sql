{#
    Nobody is dropped from onboarding and adoption:
    - every account with a first paid month has its onboarding facts, and
      rpt_onboarding's `all` slice counts exactly the accounts of each first
      paid month (censored accounts included: reached + censored = started);
    - the adoption population is exactly the accounts paying at the as-of
      snapshot (dim_accounts.is_active).
#}
{{ config(severity='error') }}

with

accounts as (

    select * from {{ ref('dim_accounts') }}

),

onboarding_facts as (

    select * from {{ ref('int_onboarding__account_progress') }}

),

adoption as (

    select * from {{ ref('int_usage__core_feature_adoption') }}

),

onboarding as (

    select * from {{ ref('rpt_onboarding') }}
    where slice_dimension = 'all'

),

cohort_sizes as (

    select
        first_paid_month as cohort_month,
        count(*) as accounts
    from accounts
    where first_paid_month is not null
    group by first_paid_month

),

missing_facts as (

    select
        accounts.account_id,
        cast(null as date) as cohort_month,
        'no onboarding facts' as problem
    from accounts
    left join onboarding_facts
        on accounts.account_id = onboarding_facts.account_id
    where
        accounts.first_paid_month is not null
        and onboarding_facts.account_id is null

),

size_problems as (

    select
        cast(null as {{ dbt.type_string() }}) as account_id,
        coalesce(cohort_sizes.cohort_month, onboarding.cohort_month) as cohort_month,
        'accounts started' as problem
    from cohort_sizes
    full outer join onboarding
        on cohort_sizes.cohort_month = onboarding.cohort_month
    where
        cohort_sizes.accounts is null
        or onboarding.accounts_started is null
        or onboarding.accounts_started <> cohort_sizes.accounts
        or onboarding.accounts_reached_value + onboarding.accounts_censored
        <> onboarding.accounts_started

),

adoption_problems as (

    select
        coalesce(accounts.account_id, adoption.account_id) as account_id,
        cast(null as date) as cohort_month,
        'adoption population' as problem
    from (
        select account_id from accounts
        where is_active
    ) as accounts
    full outer join adoption
        on accounts.account_id = adoption.account_id
    where accounts.account_id is null or adoption.account_id is null

)

select * from missing_facts
union all
select * from size_problems
union all
select * from adoption_problems
