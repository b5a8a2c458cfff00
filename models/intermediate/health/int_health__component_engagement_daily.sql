{#
    The engagement component per paying account-day (docs/metrics.md,
    Components). Rule in _health__models.yml; constants in seed
    health_rules, component `engagement`, and the touch model's cadence in
    seed touch_model_cadence:

        engagement = weighted mean, over the parts with data, of
          touches:  100 - ramp(days since the last CSM touch
                               / the touch model's expected days between touches)
          QBR:      100 when a QBR happened in the last qbr_interval_days or the
                    account is younger than that, else 0 (touch models with
                    requires_qbr only)
          sponsor:  100 when an executive sponsor contact was on record, else 0

    A touch is any CRM activity; before the first touch the customer start
    counts as the last contact. The touch model is the one in force that day.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

activities as (

    select * from {{ ref('int_accounts__activities_attributed') }}

),

contacts as (

    select * from {{ ref('int_accounts__contacts_attributed') }}

),

cadence as (

    select * from {{ ref('touch_model_cadence') }}

),

rules as (

    {{ health_rules('engagement') }}

),

spine as (

    select
        account_id,
        score_date,
        touch_model,
        customer_since_date,
        days_since_customer_start,
        coalesce(is_stand_in_account, false) as is_stand_in_account,
        composition_hash
    from account_days
    where {{ health_in_scope(fingerprint) }}

),

-- before the export delivered its first activity, engagement is "no data"
feed as (

    select min({{ local_date('occurred_at') }}) as activities_from_date
    from activities

),

touches as (

    select
        account_id,
        {{ local_date('occurred_at') }} as touch_date,
        {{ local_date('occurred_at') }} as last_touch_date,
        case when activity_type = 'qbr' then {{ local_date('occurred_at') }} end as last_qbr_date
    from activities
    where occurred_at is not null

),

{{ latest_on_or_before(
    'latest_touches', 'spine', 'touches', ['account_id'], 'touch_date',
    ['last_touch_date', 'last_qbr_date']
) }},

sponsors as (

    select
        account_id,
        min({{ local_date('created_at') }}) as sponsor_known_date
    from contacts
    where is_executive_sponsor
    group by account_id

),

inputs as (

    select
        spine.account_id,
        spine.score_date,
        spine.days_since_customer_start,
        spine.composition_hash,
        -- a stand-in account (a billing customer the CRM does not know) has no activity attributed
        coalesce(
            feed.activities_from_date <= spine.score_date and not spine.is_stand_in_account, false
        ) as activities_feed_live,
        cadence.expected_days_between_touches,
        coalesce(cadence.requires_qbr, false) as requires_qbr,
        cadence.qbr_interval_days,
        latest_touches.last_qbr_date,
        cast(
            {{ dbt.datediff(
                'case when latest_touches.last_touch_date > spine.customer_since_date'
                ~ ' then latest_touches.last_touch_date else spine.customer_since_date end',
                'spine.score_date', 'day'
            ) }} as {{ dbt.type_bigint() }}
        ) as days_since_last_touch,
        coalesce(sponsors.sponsor_known_date <= spine.score_date, false) as has_executive_sponsor
    from spine
    cross join feed
    left join cadence
        on spine.touch_model = cadence.touch_model
    left join latest_touches
        on
            spine.account_id = latest_touches.account_id
            and spine.score_date = latest_touches.score_date
    left join sponsors
        on spine.account_id = sponsors.account_id

),

ratios as (

    select
        inputs.*,
        case
            when inputs.activities_feed_live and inputs.expected_days_between_touches > 0
                then {{ health_ratio(
                    'inputs.days_since_last_touch', 'inputs.expected_days_between_touches', 9
                ) }}
        end as touch_cadence_ratio,
        case
            when
                not (
                    inputs.activities_feed_live
                    and inputs.requires_qbr
                    and inputs.qbr_interval_days > 0
                )
                then null
            when inputs.days_since_customer_start < inputs.qbr_interval_days then 100
            when
                inputs.last_qbr_date
                > {{ dbt.dateadd('day', '-inputs.qbr_interval_days', 'inputs.score_date') }}
                then 100
            else 0
        end as qbr_points,
        case when inputs.has_executive_sponsor then 100 else 0 end as sponsor_points
    from inputs

),

points as (

    select
        ratios.*,
        case
            when ratios.touch_cadence_ratio is not null
                then {{ health_ramp_down(
                    'ratios.days_since_last_touch', 'ratios.expected_days_between_touches',
                    'rules.touch_ramp_from', 'rules.touch_ramp_to'
                ) }}
        end as touch_points
    from ratios
    cross join rules

),

scored as (

    select
        points.*,
        case
            when points.touch_cadence_ratio is not null
                then {{ health_weighted_parts([
                    ('points.touch_points', 'rules.touch_weight'),
                    ('points.qbr_points', 'rules.qbr_weight'),
                    ('points.sponsor_points', 'rules.sponsor_weight'),
                ]) }}
        end as engagement_score
    from points
    cross join rules

)

select
    account_id,
    score_date,
    engagement_score,
    activities_feed_live,
    cast(days_since_last_touch as {{ dbt.type_bigint() }}) as days_since_last_touch,
    cast(touch_cadence_ratio as decimal(18, 9)) as touch_cadence_ratio,
    cast(expected_days_between_touches as {{ dbt.type_bigint() }}) as expected_days_between_touches,
    cast(qbr_points = 100 as boolean) as has_recent_qbr,
    has_executive_sponsor,
    composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from scored
