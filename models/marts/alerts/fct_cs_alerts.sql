{#
    CS alerts (docs/metrics.md, Alerts): one row per account, local day and
    rule of seed cs_alert_rules, on the day the rule's condition starts to
    hold: it holds on that scored day and did not on the day before (a day
    the account was not scored counts as not holding). A condition that
    stays true raises nothing more until it has been false for a day.

    Conditions, on the account's scored days (fct_account_health_daily),
    from what was known by the end of the day:
    - red_band: the band is red; trigger value the score, threshold the
      band's upper bound (yellow_from of health_band_thresholds for the
      day's weights version, segment and touch model);
    - score_drop_30d: the score fell by at least `threshold` points over 30
      days (−score_change_30d);
    - churn_notices, failed_payments, first_expansion_signals: at least
      `threshold` events in the `window_days` days ending that day
      (int_alerts__account_events; a signal's first day in
      fct_expansion_signals for the account);
    - renewal_due_at_risk: the band is red or yellow and a term end of an
      item paid that day is at most `threshold` days ahead
      (int_alerts__renewal_windows); trigger value the days to the nearest.
    Each alert carries the day's score, band and owning CSM (as of that
    day), and the MRR of the latest month-end snapshot known that day.
#}

with

rules as (

    select * from {{ ref('cs_alert_rules') }}

),

health as (

    select * from {{ ref('fct_account_health_daily') }}

),

band_thresholds as (

    select * from {{ ref('health_band_thresholds') }}

),

account_events as (

    select * from {{ ref('int_alerts__account_events') }}

),

renewal_windows as (

    select * from {{ ref('int_alerts__renewal_windows') }}

),

expansion_signals as (

    select * from {{ ref('fct_expansion_signals') }}

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

first_signal_days as (

    select
        account_id,
        signal_code,
        min(signal_date) as first_signal_date
    from expansion_signals
    group by account_id, signal_code

),

events as (

    select
        account_id,
        event_date,
        metric,
        events
    from account_events

    union all

    select
        account_id,
        first_signal_date as event_date,
        'first_expansion_signals' as metric,
        count(*) as events
    from first_signal_days
    group by account_id, first_signal_date

),

red_band as (

    select
        health.account_id,
        health.score_date as alert_date,
        rules.rule_id,
        health.health_score as trigger_value,
        band_thresholds.yellow_from as threshold_value
    from health
    inner join rules
        on rules.metric = 'red_band'
    left join band_thresholds
        on
            health.weights_version = band_thresholds.weights_version
            and health.segment = band_thresholds.segment
            and health.touch_model = band_thresholds.touch_model
    where health.health_band = 'red'

),

score_drop as (

    select
        health.account_id,
        health.score_date as alert_date,
        rules.rule_id,
        -health.score_change_30d as trigger_value,
        rules.threshold as threshold_value
    from health
    inner join rules
        on rules.metric = 'score_drop_30d'
    where -health.score_change_30d >= rules.threshold

),

-- Each event counts for its rule on the window_days days from its own day.
event_windows as (

    select
        events.account_id,
        events.event_date,
        cast({{ dbt.dateadd('day', 'rules.window_days - 1', 'events.event_date') }} as date)
            as counted_until_date,
        events.events,
        rules.rule_id,
        rules.threshold
    from events
    inner join rules
        on events.metric = rules.metric

),

event_counts as (

    select
        health.account_id,
        health.score_date as alert_date,
        event_windows.rule_id,
        sum(event_windows.events) as trigger_value,
        event_windows.threshold as threshold_value
    from health
    inner join event_windows
        on
            health.account_id = event_windows.account_id
            and health.score_date >= event_windows.event_date
            and health.score_date <= event_windows.counted_until_date
    group by
        health.account_id, health.score_date, event_windows.rule_id, event_windows.threshold
    having sum(event_windows.events) >= event_windows.threshold

),

renewals_due as (

    select
        health.account_id,
        health.score_date as alert_date,
        rules.rule_id,
        min({{ dbt.datediff('health.score_date', 'renewal_windows.term_end_date', 'day') }})
            as trigger_value,
        rules.threshold as threshold_value
    from health
    inner join renewal_windows
        on
            health.account_id = renewal_windows.account_id
            and health.score_date >= renewal_windows.window_from_date
            and health.score_date <= renewal_windows.window_to_date
    inner join rules
        on
            rules.metric = 'renewal_due_at_risk'
            and {{ dbt.datediff('health.score_date', 'renewal_windows.term_end_date', 'day') }}
            <= rules.threshold
    where health.health_band in ('red', 'yellow')
    group by health.account_id, health.score_date, rules.rule_id, rules.threshold

),

holding as (

    select
        account_id,
        alert_date,
        rule_id,
        cast(trigger_value as decimal(18, 6)) as trigger_value,
        cast(threshold_value as decimal(18, 6)) as threshold_value
    from red_band

    union all

    select
        account_id,
        alert_date,
        rule_id,
        cast(trigger_value as decimal(18, 6)) as trigger_value,
        cast(threshold_value as decimal(18, 6)) as threshold_value
    from score_drop

    union all

    select
        account_id,
        alert_date,
        rule_id,
        cast(trigger_value as decimal(18, 6)) as trigger_value,
        cast(threshold_value as decimal(18, 6)) as threshold_value
    from event_counts

    union all

    select
        account_id,
        alert_date,
        rule_id,
        cast(trigger_value as decimal(18, 6)) as trigger_value,
        cast(threshold_value as decimal(18, 6)) as threshold_value
    from renewals_due

),

with_previous_day as (

    select
        *,
        lag(alert_date) over (
            partition by account_id, rule_id
            order by alert_date
        ) as previous_holding_date
    from holding

),

transitions as (

    select *
    from with_previous_day
    where
        previous_holding_date is null
        or previous_holding_date < cast({{ dbt.dateadd('day', -1, 'alert_date') }} as date)

),

-- The latest month-end snapshot known by the end of the alert day: the
-- alert month's own when the day is its last (or the day before
-- AS_OF_DATE, the partial month's snapshot), else the month before.
snapshot_months as (

    select
        *,
        case
            when alert_date = cast({{ dbt.dateadd('day', -1, as_of_date_literal()) }} as date)
                then {{ as_of_month() }}
            else {{ add_months(dbt.date_trunc('month', dbt.dateadd('day', 1, 'alert_date')), -1) }}
        end as mrr_month
    from transitions

),

account_mrr as (

    select
        account_id,
        month,
        sum(mrr) as mrr
    from mrr
    group by account_id, month

)

select
    snapshot_months.alert_date,
    snapshot_months.account_id,
    cast(snapshot_months.rule_id as {{ dbt.type_string() }}) as rule_id,
    cast(rules.claimed_outcome as {{ dbt.type_string() }}) as claimed_outcome,
    cast(rules.metric as {{ dbt.type_string() }}) as metric,
    cast(rules.description as {{ dbt.type_string() }}) as rule_description,
    snapshot_months.trigger_value,
    snapshot_months.threshold_value,
    cast(rules.window_days as {{ dbt.type_int() }}) as window_days,
    health.health_score,
    cast(health.health_band as {{ dbt.type_string() }}) as health_band,
    health.score_change_30d,
    cast(health.primary_risk_driver as {{ dbt.type_string() }}) as primary_risk_driver,
    {{ to_money('account_mrr.mrr') }} as mrr,
    cast(health.csm_owner_id as {{ dbt.type_string() }}) as csm_owner_id,
    cast(health.segment as {{ dbt.type_string() }}) as segment,
    cast(health.touch_model as {{ dbt.type_string() }}) as touch_model
from snapshot_months
inner join rules
    on snapshot_months.rule_id = rules.rule_id
inner join health
    on
        snapshot_months.account_id = health.account_id
        and snapshot_months.alert_date = health.score_date
left join account_mrr
    on
        snapshot_months.account_id = account_mrr.account_id
        and snapshot_months.mrr_month = account_mrr.month
