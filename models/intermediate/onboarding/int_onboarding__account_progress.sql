{#
    Onboarding and time to value per account that has paid (docs/metrics.md,
    Onboarding, adoption, time to value). Days are local calendar days in
    the reporting timezone; day 0 is the day of the first paid instant.

    - First paid instant: the earliest paid_from (start of the version, or
      the end of its trial) of an item version with MRR > 0 that is paid for
      a non-empty interval before the as-of instant, among accounts with at
      least one version paid at a month-end snapshot (has_paid_months). A
      trial that lapses (paid_from = valid_to) is never paid.
    - Onboarding completed within 90 days: every milestone the CRM records
      for the account is completed before the as-of instant, the last one on
      day 90 at the latest (day 91 is too late). Milestones completed during
      a trial count (a negative day is within 90). An account without any
      milestone row has not completed onboarding. After CRM merges a
      milestone is completed when any merged record completed it (earliest
      completion).
    - Value reached: the completion day of the `first_value` milestone;
      when that milestone is not completed, the first day the account used a
      core feature (seed feature_catalog) with at least 3 active users.
      TTV = days from the first paid day to that day, 0 when value came
      during a trial (before paying).
    - Censoring: an account that has not reached value by the day before
      AS_OF_DATE is censored after observed_days days (its TTV is known to
      exceed observed_days); it stays in every count.
#}

{%- set onboarding_window_days = 90 -%}
{%- set value_min_active_users = 3 -%}

with

items as (

    select * from {{ ref('int_revenue__subscription_item_mrr') }}

),

milestones as (

    select * from {{ ref('int_accounts__onboarding_milestones_attributed') }}

),

feature_usage as (

    select * from {{ ref('int_usage__core_feature_days') }}

),

paid_versions as (

    select
        account_id,
        paid_from,
        has_paid_months
    from items
    where
        not is_test
        and mrr_original > 0
        and paid_from < {{ as_of_instant() }}
        and (valid_to is null or paid_from < valid_to)

),

first_paid as (

    select
        account_id,
        min(paid_from) as first_paid_at
    from paid_versions
    group by account_id
    having sum(case when has_paid_months then 1 else 0 end) > 0

),

-- Completions at or after the as-of instant are not known to this run.
account_milestones as (

    select
        account_id,
        milestone,
        min(
            case when completed_at < {{ as_of_instant() }} then completed_at end
        ) as completed_at
    from milestones
    group by account_id, milestone

),

onboarding as (

    select
        account_id,
        count(*) as milestones_recorded,
        sum(case when completed_at is not null then 1 else 0 end) as milestones_completed,
        max(completed_at) as last_completed_at,
        min(case when milestone = 'first_value' then completed_at end)
            as first_value_completed_at
    from account_milestones
    group by account_id

),

usage_value as (

    select
        account_id,
        min(activity_date) as usage_value_date
    from feature_usage
    where active_users >= {{ value_min_active_users }}
    group by account_id

),

joined as (

    select
        first_paid.account_id,
        first_paid.first_paid_at,
        {{ local_date('first_paid.first_paid_at') }} as first_paid_date,
        coalesce(onboarding.milestones_recorded, 0) as milestones_recorded,
        coalesce(onboarding.milestones_completed, 0) as milestones_completed,
        case
            when
                onboarding.milestones_recorded > 0
                and onboarding.milestones_completed = onboarding.milestones_recorded
                then {{ local_date('onboarding.last_completed_at') }}
        end as onboarding_completed_date,
        {{ local_date('onboarding.first_value_completed_at') }} as first_value_date,
        usage_value.usage_value_date
    from first_paid
    left join onboarding
        on first_paid.account_id = onboarding.account_id
    left join usage_value
        on first_paid.account_id = usage_value.account_id

),

valued as (

    select
        *,
        {{ dbt.datediff('first_paid_date', 'onboarding_completed_date', 'day') }}
            as onboarding_completed_days,
        coalesce(first_value_date, usage_value_date) as value_date,
        case
            when first_value_date is not null then 'first_value_milestone'
            when usage_value_date is not null then 'core_feature_usage'
        end as value_source,
        {{ dbt.datediff(
            'first_paid_date',
            'cast(' ~ dbt.dateadd('day', -1, as_of_date_literal()) ~ ' as date)',
            'day'
        ) }} as observed_days
    from joined

)

select
    account_id,
    first_paid_at,
    first_paid_date,
    cast(milestones_recorded as {{ dbt.type_bigint() }}) as milestones_recorded,
    cast(milestones_completed as {{ dbt.type_bigint() }}) as milestones_completed,
    onboarding_completed_date,
    cast(onboarding_completed_days as {{ dbt.type_bigint() }}) as onboarding_completed_days,
    coalesce(onboarding_completed_days <= {{ onboarding_window_days }}, false)
        as is_onboarding_completed_90d,
    -- day 90 is fully observed once AS_OF_DATE is later than it
    not coalesce(onboarding_completed_days <= {{ onboarding_window_days }}, false)
    and {{ dbt.dateadd('day', onboarding_window_days, 'first_paid_date') }}
    >= {{ as_of_date_literal() }} as is_onboarding_window_open,
    first_value_date,
    usage_value_date,
    value_date,
    value_source,
    value_date is not null as has_reached_value,
    cast(
        case
            when value_date is not null
                then greatest(0, {{ dbt.datediff('first_paid_date', 'value_date', 'day') }})
        end as {{ dbt.type_bigint() }}
    ) as ttv_days,
    cast(observed_days as {{ dbt.type_bigint() }}) as observed_days
from valued
