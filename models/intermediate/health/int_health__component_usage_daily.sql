{#
    The usage component per paying account-day (docs/metrics.md, Components).
    Rule in _health__models.yml; constants in seed
    health_rules, component `usage`:

        usage = weighted mean, over the parts with data, of
          utilisation:  ramp(active users / licensed seats)
          trend:        ramp((active users - those of trend_lookback_days before)
                             / those before)

    Active users (in the last active_window_days, known by the end of the
    day) come from int_usage__account_activity_daily; the trend compares
    with the value published for the earlier day, and is left out when that
    day has no value or no users. NULL before the usage feed is live, when
    seats are unknown, and for stand-in accounts.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

account_usage as (

    select * from {{ ref('int_usage__account_activity_daily') }}

),

rules as (

    {{ health_rules('usage') }}

),

spine as (

    select
        account_id,
        score_date,
        licensed_seats,
        coalesce(is_stand_in_account, false) as is_stand_in_account,
        composition_hash
    from account_days
    where {{ health_in_scope(fingerprint) }}

),

inputs as (

    select
        spine.account_id,
        spine.score_date,
        spine.licensed_seats,
        spine.composition_hash,
        -- a stand-in account (a billing customer the CRM does not know) has no usage attributed
        coalesce(usage_today.usage_feed_live and not spine.is_stand_in_account, false)
            as usage_feed_live,
        usage_today.active_users_30d,
        usage_before.active_users_30d as active_users_30d_prior
    from spine
    cross join rules
    left join account_usage as usage_today
        on
            spine.account_id = usage_today.account_id
            and spine.score_date = usage_today.score_date
    left join account_usage as usage_before
        on
            spine.account_id = usage_before.account_id
            and usage_before.score_date
            = {{ dbt.dateadd('day', '-rules.trend_lookback_days', 'spine.score_date') }}

),

ratios as (

    select
        inputs.*,
        case
            when inputs.usage_feed_live and inputs.licensed_seats > 0
                then {{ health_ratio('inputs.active_users_30d', 'inputs.licensed_seats', 9) }}
        end as seat_utilisation,
        case
            when inputs.usage_feed_live and inputs.active_users_30d_prior > 0
                then {{ health_ratio(
                    'inputs.active_users_30d - inputs.active_users_30d_prior',
                    'inputs.active_users_30d_prior', 9
                ) }}
        end as active_users_change_30d
    from inputs

),

points as (

    select
        ratios.*,
        case
            when ratios.seat_utilisation is not null
                then {{ health_ramp(
                    'ratios.active_users_30d', 'ratios.licensed_seats',
                    'rules.utilisation_ramp_from', 'rules.utilisation_ramp_to'
                ) }}
        end as utilisation_points,
        case
            when ratios.active_users_change_30d is not null
                then {{ health_ramp(
                    'ratios.active_users_30d - ratios.active_users_30d_prior',
                    'ratios.active_users_30d_prior',
                    'rules.trend_ramp_from', 'rules.trend_ramp_to'
                ) }}
        end as usage_trend_points
    from ratios
    cross join rules

),

scored as (

    select
        points.*,
        case
            when points.seat_utilisation is not null
                then {{ health_weighted_parts([
                    ('points.utilisation_points', 'rules.utilisation_weight'),
                    ('points.usage_trend_points', 'rules.trend_weight'),
                ]) }}
        end as usage_score
    from points
    cross join rules

)

select
    account_id,
    score_date,
    usage_score,
    usage_feed_live,
    cast(active_users_30d as {{ dbt.type_bigint() }}) as active_users_30d,
    cast(active_users_30d_prior as {{ dbt.type_bigint() }}) as active_users_30d_prior,
    cast(seat_utilisation as decimal(18, 9)) as seat_utilisation,
    cast(active_users_change_30d as decimal(18, 9)) as active_users_change_30d,
    composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from scored
