{#
    Is each alert rule worth acting on? (docs/metrics.md, Alerts: backtest.)
    Per rule of seed cs_alert_rules and slice (`all`, `segment`,
    `touch_model`, as in force on the day): of the firings in fct_cs_alerts
    whose horizon has fully elapsed, the share followed by the outcome the
    rule claims (precision), against the base rate of that outcome over
    every scored account-day of the slice with an elapsed horizon, and the
    lift (precision ÷ base rate).

    The outcome is an MRR movement (churn, contraction, expansion) of
    fct_mrr_movements, which exist per month: a movement of month m
    happened between the snapshots S(m−1) and S(m), and follows day d
    within H days (var alert_horizon_days) when that stretch overlaps
    (d, d + H], i.e. S(m) > d and S(m−1) < d + H: on a month's last day, a
    movement in one of the next three snapshots, as the health backtest
    reads "within 90 days". The horizon has elapsed when the month
    containing d + H is complete (before the as-of month). Firings whose
    horizon is still open are counted apart (firings_pending).
#}

{% set horizon_days = var('alert_horizon_days') %}
{% set slice_dimensions = cs_analytics.account_slice_dimensions()
    | select('in', ['all', 'segment', 'touch_model']) | list %}

with

rules as (

    select * from {{ ref('cs_alert_rules') }}

),

alerts as (

    select * from {{ ref('fct_cs_alerts') }}

),

health as (

    select * from {{ ref('fct_account_health_daily') }}

),

movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

-- Days whose horizon ends before the as-of month.
cutoff as (

    select
        cast({{ dbt.dateadd('day', -horizon_days, as_of_month()) }} as date) as first_open_date

),

-- The days d a movement of month m follows within the horizon:
-- S(m−1) − H < d < S(m), with S(m) the month's last day.
outcome_windows as (

    select distinct
        account_id,
        movement_type,
        cast({{ dbt.dateadd('day', 1 - horizon_days, dbt.dateadd('day', -1, 'month')) }} as date)
            as followed_from_date,
        cast({{ dbt.dateadd('day', -2, add_months('month', 1)) }} as date) as followed_to_date
    from movements
    where movement_type in ('churn', 'contraction', 'expansion')

),

account_days as (

    select
        health.account_id,
        health.score_date,
        coalesce(health.segment, 'unknown') as segment,
        coalesce(health.touch_model, 'unknown') as touch_model,
        {{ dbt.bool_or("coalesce(outcome_windows.movement_type = 'churn', false)") }}
            as is_followed_by_churn,
        {{ dbt.bool_or("coalesce(outcome_windows.movement_type = 'contraction', false)") }}
            as is_followed_by_contraction,
        {{ dbt.bool_or("coalesce(outcome_windows.movement_type = 'expansion', false)") }}
            as is_followed_by_expansion
    from health
    cross join cutoff
    left join outcome_windows
        on
            health.account_id = outcome_windows.account_id
            and health.score_date >= outcome_windows.followed_from_date
            and health.score_date <= outcome_windows.followed_to_date
    where health.score_date < cutoff.first_open_date
    group by health.account_id, health.score_date, health.segment, health.touch_model

),

sliced_days as (

    {{ cs_analytics.slice_rows('account_days', slice_dimensions) }}

),

population as (

    select
        slice_dimension,
        slice_value,
        count(*) as account_days,
        sum(case when is_followed_by_churn then 1 else 0 end) as churn_days,
        sum(case when is_followed_by_contraction then 1 else 0 end) as contraction_days,
        sum(case when is_followed_by_expansion then 1 else 0 end) as expansion_days
    from sliced_days
    group by slice_dimension, slice_value

),

firings as (

    select
        alerts.rule_id,
        alerts.account_id,
        alerts.alert_date,
        coalesce(alerts.segment, 'unknown') as segment,
        coalesce(alerts.touch_model, 'unknown') as touch_model,
        alerts.alert_date < cutoff.first_open_date as is_evaluated,
        case alerts.claimed_outcome
            when 'churn' then account_days.is_followed_by_churn
            when 'contraction' then account_days.is_followed_by_contraction
            when 'expansion' then account_days.is_followed_by_expansion
        end as is_followed
    from alerts
    cross join cutoff
    left join account_days
        on
            alerts.account_id = account_days.account_id
            and alerts.alert_date = account_days.score_date

),

sliced_firings as (

    {{ cs_analytics.slice_rows('firings', slice_dimensions) }}

),

firing_counts as (

    select
        rule_id,
        slice_dimension,
        slice_value,
        sum(case when is_evaluated then 1 else 0 end) as firings,
        sum(case when is_evaluated and is_followed then 1 else 0 end) as firings_followed,
        count(distinct case when is_evaluated then account_id end) as alerted_accounts,
        sum(case when is_evaluated then 0 else 1 end) as firings_pending
    from sliced_firings
    group by rule_id, slice_dimension, slice_value

),

-- Every slice with a scored day or a firing, so pending firings of a slice
-- with no evaluated day yet are still listed.
slices as (

    select
        slice_dimension,
        slice_value
    from population

    union

    select
        slice_dimension,
        slice_value
    from firing_counts

),

measured as (

    select
        rules.rule_id,
        rules.claimed_outcome,
        slices.slice_dimension,
        slices.slice_value,
        coalesce(firing_counts.firings, 0) as firings,
        coalesce(firing_counts.firings_followed, 0) as firings_followed,
        coalesce(firing_counts.alerted_accounts, 0) as alerted_accounts,
        coalesce(firing_counts.firings_pending, 0) as firings_pending,
        coalesce(population.account_days, 0) as account_days,
        coalesce(
            case rules.claimed_outcome
                when 'churn' then population.churn_days
                when 'contraction' then population.contraction_days
                when 'expansion' then population.expansion_days
            end,
            0
        ) as account_days_followed
    from rules
    cross join slices
    left join population
        on
            slices.slice_dimension = population.slice_dimension
            and slices.slice_value = population.slice_value
    left join firing_counts
        on
            rules.rule_id = firing_counts.rule_id
            and slices.slice_dimension = firing_counts.slice_dimension
            and slices.slice_value = firing_counts.slice_value

),

rates as (

    select
        *,
        case
            when firings > 0 then {{ divide_exact('firings_followed', 'firings', 6) }}
        end as precision_rate,
        case
            when account_days > 0
                then {{ divide_exact('account_days_followed', 'account_days', 6) }}
        end as base_rate
    from measured

)

select
    cast(rule_id as {{ dbt.type_string() }}) as rule_id,
    cast(slice_dimension as {{ dbt.type_string() }}) as slice_dimension,
    cast(slice_value as {{ dbt.type_string() }}) as slice_value,
    cast(claimed_outcome as {{ dbt.type_string() }}) as claimed_outcome,
    cast({{ horizon_days }} as {{ dbt.type_int() }}) as horizon_days,
    cast(firings as {{ dbt.type_bigint() }}) as firings,
    cast(firings_followed as {{ dbt.type_bigint() }}) as firings_followed,
    cast(precision_rate as decimal(9, 6)) as precision_rate,
    cast(account_days as {{ dbt.type_bigint() }}) as account_days,
    cast(account_days_followed as {{ dbt.type_bigint() }}) as account_days_followed,
    cast(base_rate as decimal(9, 6)) as base_rate,
    -- From the counts, not the rounded rates: (followed ÷ firings) ÷ (days
    -- followed ÷ days) = followed × days ÷ (firings × days followed).
    cast(
        case
            when firings > 0 and account_days_followed > 0
                then {{ divide_exact(
                    'firings_followed * account_days', 'firings * account_days_followed', 6
                ) }}
        end as decimal(18, 6)
    ) as lift_vs_base_rate,
    cast(alerted_accounts as {{ dbt.type_bigint() }}) as alerted_accounts,
    cast(firings_pending as {{ dbt.type_bigint() }}) as firings_pending
from rates
