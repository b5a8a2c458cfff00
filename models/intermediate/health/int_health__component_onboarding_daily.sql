{#
    The onboarding component per paying account-day (docs/metrics.md,
    Components). Rule in _health__models.yml; window in seed
    health_rules, component `onboarding`:

        onboarding = 100 x milestones completed / milestones due

    counting the milestones due on or before the day and those of them
    completed by its end, in an account's first applicable_days since its
    customer start (trials included). Afterwards the component does not
    apply (is_onboarding_applicable false: its weight leaves the coverage
    denominator of int_health__scores_daily).
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

milestones as (

    select * from {{ ref('int_accounts__onboarding_milestones_attributed') }}

),

rules as (

    {{ health_rules('onboarding') }}

),

scoped_days as (

    select
        account_id,
        score_date,
        days_since_customer_start,
        composition_hash
    from account_days
    where {{ health_in_scope(fingerprint) }}

),

spine as (

    select
        scoped_days.account_id,
        scoped_days.score_date,
        scoped_days.composition_hash,
        scoped_days.days_since_customer_start < rules.applicable_days as is_onboarding_applicable
    from scoped_days
    cross join rules

),

milestone_intervals as (

    select
        account_id,
        {{ local_date('due_at') }} as start_date,
        cast(null as date) as end_date,
        1 as milestones_due,
        0 as milestones_completed
    from milestones
    where due_at is not null

    union all

    select
        account_id,
        case
            when {{ local_date('completed_at') }} > {{ local_date('due_at') }}
                then {{ local_date('completed_at') }}
            else {{ local_date('due_at') }}
        end as start_date,
        cast(null as date) as end_date,
        0 as milestones_due,
        1 as milestones_completed
    from milestones
    where due_at is not null and completed_at is not null

),

onboarding_spine as (

    select
        account_id,
        score_date
    from spine
    where is_onboarding_applicable

),

{{ running_interval_sums(
    'milestone_counts', 'onboarding_spine', 'milestone_intervals', ['account_id'],
    ['milestones_due', 'milestones_completed']
) }},

inputs as (

    select
        spine.account_id,
        spine.score_date,
        spine.composition_hash,
        spine.is_onboarding_applicable,
        coalesce(milestone_counts.milestones_due, 0) as onboarding_milestones_due,
        coalesce(milestone_counts.milestones_completed, 0) as onboarding_milestones_completed
    from spine
    left join milestone_counts
        on
            spine.account_id = milestone_counts.account_id
            and spine.score_date = milestone_counts.score_date

)

select
    account_id,
    score_date,
    case
        when is_onboarding_applicable and onboarding_milestones_due > 0
            then cast(
                {{ health_ratio(
                    '100 * onboarding_milestones_completed', 'onboarding_milestones_due'
                ) }} as decimal(9, 6)
            )
    end as onboarding_score,
    is_onboarding_applicable,
    cast(onboarding_milestones_due as {{ dbt.type_bigint() }}) as onboarding_milestones_due,
    cast(onboarding_milestones_completed as {{ dbt.type_bigint() }})
        as onboarding_milestones_completed,
    composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from inputs
