{#
    The seven health components per paying account and day, each 0-100 or
    NULL for "no data", computed only from what was known by the end of the
    day (docs/metrics.md, Customer health score). Rules, inputs and readings are
    documented in _health__models.yml; windows are counted with running
    interval sums (macros/health/health_windows.sql).

    Incremental by score_date like int_usage__account_activity_daily: a night
    recomputes the days from its recompute start and every day of restated
    accounts; the component inputs it reads are small (tickets, NPS,
    activities, billing), except usage, which comes from the usage rollups.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint([ref('touch_model_cadence')]) -%}

{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ health_delete_recompute_scope('score_date', health_build_fingerprint([ref('touch_model_cadence')]), by_account=true) }}"],
) }}

{%- set start = health_scope_start('score_date', fingerprint) %}

with

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

account_usage as (

    select * from {{ ref('int_usage__account_activity_daily') }}

),

tickets as (

    select * from {{ ref('int_accounts__tickets_attributed') }}

),

nps_responses as (

    select * from {{ ref('int_accounts__nps_responses_attributed') }}

),

activities as (

    select * from {{ ref('int_accounts__activities_attributed') }}

),

contacts as (

    select * from {{ ref('int_accounts__contacts_attributed') }}

),

milestones as (

    select * from {{ ref('int_accounts__onboarding_milestones_attributed') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

payments as (

    select * from {{ ref('stg_billing__payments') }}

),

customer_accounts as (

    select * from {{ ref('int_accounts__billing_customers') }}

),

mrr_movements as (

    select * from {{ ref('int_revenue__mrr_account_movements') }}

),

cadence as (

    select * from {{ ref('touch_model_cadence') }}

),

restated_accounts as (

    {{ health_restated_accounts() }}

),

spine as (

    select
        account_id,
        score_date,
        segment,
        touch_model,
        csm_owner_id,
        licensed_seats,
        customer_since_date,
        days_since_customer_start,
        coalesce(is_stand_in_account, false) as is_stand_in_account,
        composition_hash
    from account_days
    where
        score_date >= cast('{{ start }}' as date)
        or account_id in (select restated_accounts.account_id from restated_accounts)

),

---------- when each export had delivered its first row (before: "no data")

feeds as (

    select
        (
            select min({{ local_date('created_at') }}) from tickets
        ) as tickets_from_date,
        (
            select min({{ local_date('occurred_at') }}) from activities
        ) as activities_from_date,
        (
            select min(billing_day)
            from (
                select {{ local_date('issued_at') }} as billing_day from invoices
                union all
                select {{ local_date('attempted_at') }} as billing_day from payments
            ) as billing_days
        ) as billing_from_date

),

---------- support: open urgent/high tickets, tickets per seat, CSAT

ticket_days as (

    select
        account_id,
        priority,
        csat_score,
        {{ local_date('created_at') }} as created_date,
        {{ local_date('solved_at') }} as solved_date
    from tickets
    where created_at is not null

),

ticket_intervals as (

    -- open at the end of day d: created by then and not solved by then
    select
        account_id,
        created_date as start_date,
        cast({{ dbt.dateadd('day', -1, 'solved_date') }} as date) as end_date,
        case when priority = 'urgent' then 1 else 0 end as open_urgent_tickets,
        case when priority = 'high' then 1 else 0 end as open_high_tickets,
        0 as tickets_90d,
        0 as csat_sum_180d,
        0 as csat_responses_180d
    from ticket_days
    where
        priority in ('urgent', 'high')
        and (solved_date is null or solved_date > created_date)

    union all

    select
        account_id,
        created_date as start_date,
        cast({{ dbt.dateadd('day', 89, 'created_date') }} as date) as end_date,
        0 as open_urgent_tickets,
        0 as open_high_tickets,
        1 as tickets_90d,
        0 as csat_sum_180d,
        0 as csat_responses_180d
    from ticket_days

    union all

    -- a rating is known from the day the ticket was solved
    select
        account_id,
        solved_date as start_date,
        cast({{ dbt.dateadd('day', 179, 'solved_date') }} as date) as end_date,
        0 as open_urgent_tickets,
        0 as open_high_tickets,
        0 as tickets_90d,
        csat_score as csat_sum_180d,
        1 as csat_responses_180d
    from ticket_days
    where csat_score is not null and solved_date is not null

),

{{ running_interval_sums(
    'ticket_counts', 'spine', 'ticket_intervals', ['account_id'],
    ['open_urgent_tickets', 'open_high_tickets', 'tickets_90d', 'csat_sum_180d', 'csat_responses_180d']
) }},

---------- sentiment: the latest answer of each contact in the last 180 days

nps_in_order as (

    select
        account_id,
        score,
        {{ local_date('responded_at') }} as responded_date,
        lead({{ local_date('responded_at') }}) over (
            partition by account_id, coalesce(contact_id, response_id)
            order by responded_at, response_id
        ) as next_responded_date
    from nps_responses
    where responded_at is not null and score is not null

),

nps_intervals as (

    select
        account_id,
        responded_date as start_date,
        case
            when
                next_responded_date is not null
                and next_responded_date <= {{ dbt.dateadd('day', 179, 'responded_date') }}
                then cast({{ dbt.dateadd('day', -1, 'next_responded_date') }} as date)
            else cast({{ dbt.dateadd('day', 179, 'responded_date') }} as date)
        end as end_date,
        1 as nps_respondents,
        case when score >= 9 then 1 else 0 end as nps_promoters,
        case when score <= 6 then 1 else 0 end as nps_detractors
    from nps_in_order
    where next_responded_date is null or next_responded_date > responded_date

),

{{ running_interval_sums(
    'nps_counts', 'spine', 'nps_intervals', ['account_id'],
    ['nps_respondents', 'nps_promoters', 'nps_detractors']
) }},

---------- engagement: last CSM touch, last QBR, an executive sponsor

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

---------- financial: failed payments, overdue invoices, a contraction

account_invoices as (

    select
        customer_accounts.account_id,
        invoices.invoice_id,
        invoices.status,
        invoices.amount_due,
        {{ local_date('invoices.due_at') }} as due_date,
        {{ local_date('invoices.paid_at') }} as paid_date
    from invoices
    inner join customer_accounts
        on invoices.customer_id = customer_accounts.customer_id
    where not customer_accounts.is_test

),

financial_intervals as (

    -- overdue on day d: due before d and not paid by the end of d; it counts
    -- for the 60 days after its last overdue day
    select
        account_id,
        cast({{ dbt.dateadd('day', 1, 'due_date') }} as date) as start_date,
        case
            when paid_date is not null
                then cast({{ dbt.dateadd('day', 58, 'paid_date') }} as date)
        end as end_date,
        1 as overdue_invoices_60d,
        0 as failed_payments_60d,
        0 as contractions_90d
    from account_invoices
    where
        status not in ('void', 'draft')
        and amount_due > 0
        and due_date is not null
        and (paid_date is null or paid_date >= {{ dbt.dateadd('day', 2, 'due_date') }})
        and not (status = 'paid' and paid_date is null)

    union all

    select
        account_invoices.account_id,
        {{ local_date('payments.attempted_at') }} as start_date,
        cast({{ dbt.dateadd('day', 59, local_date('payments.attempted_at')) }} as date) as end_date,
        0 as overdue_invoices_60d,
        1 as failed_payments_60d,
        0 as contractions_90d
    from payments
    inner join account_invoices
        on payments.invoice_id = account_invoices.invoice_id
    where payments.status = 'failed' and payments.attempted_at is not null

    union all

    -- a contraction is known at its month's snapshot (the month's last day)
    select
        account_id,
        cast({{ dbt.dateadd('day', -1, add_months('month', 1)) }} as date) as start_date,
        cast({{ dbt.dateadd('day', 88, add_months('month', 1)) }} as date) as end_date,
        0 as overdue_invoices_60d,
        0 as failed_payments_60d,
        1 as contractions_90d
    from mrr_movements
    where movement_type = 'contraction'

),

{{ running_interval_sums(
    'financial_counts', 'spine', 'financial_intervals', ['account_id'],
    ['overdue_invoices_60d', 'failed_payments_60d', 'contractions_90d']
) }},

---------- onboarding: milestones completed vs due in the first 120 days

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
    where days_since_customer_start < 120

),

{{ running_interval_sums(
    'milestone_counts', 'onboarding_spine', 'milestone_intervals', ['account_id'],
    ['milestones_due', 'milestones_completed']
) }},

milestone_accounts as (

    select distinct account_id
    from milestones

),

---------- the inputs of every component, per account and day

inputs as (

    select
        spine.account_id,
        spine.score_date,
        spine.segment,
        spine.touch_model,
        spine.csm_owner_id,
        spine.composition_hash,
        spine.licensed_seats,
        spine.days_since_customer_start,
        -- usage and adoption
        -- A stand-in account (a billing customer the CRM does not know) can
        -- have no usage, tickets, NPS or CSM activity attributed: no data.
        coalesce(usage_today.usage_feed_live and not spine.is_stand_in_account, false)
            as usage_feed_live,
        usage_today.active_users_30d,
        usage_before.active_users_30d as active_users_30d_prior,
        usage_today.core_features_used_30d,
        usage_today.core_features_available,
        -- support
        coalesce(
            feeds.tickets_from_date <= spine.score_date and not spine.is_stand_in_account, false
        ) as tickets_feed_live,
        coalesce(ticket_counts.open_urgent_tickets, 0) as open_urgent_tickets,
        coalesce(ticket_counts.open_high_tickets, 0) as open_high_tickets,
        coalesce(ticket_counts.tickets_90d, 0) as tickets_90d,
        ticket_counts.csat_sum_180d,
        coalesce(ticket_counts.csat_responses_180d, 0) as csat_responses_180d,
        -- sentiment
        coalesce(nps_counts.nps_respondents, 0) as nps_respondents_180d,
        coalesce(nps_counts.nps_promoters, 0) as nps_promoters_180d,
        coalesce(nps_counts.nps_detractors, 0) as nps_detractors_180d,
        -- engagement
        coalesce(
            feeds.activities_from_date <= spine.score_date and not spine.is_stand_in_account, false
        ) as activities_feed_live,
        cadence.expected_days_between_touches,
        coalesce(cadence.requires_qbr, false) as requires_qbr,
        cadence.qbr_interval_days,
        latest_touches.last_touch_date,
        latest_touches.last_qbr_date,
        cast(
            {{ dbt.datediff(
                'case when latest_touches.last_touch_date > spine.customer_since_date'
                ~ ' then latest_touches.last_touch_date else spine.customer_since_date end',
                'spine.score_date', 'day'
            ) }} as {{ dbt.type_bigint() }}
        ) as days_since_last_touch,
        coalesce(sponsors.sponsor_known_date <= spine.score_date, false) as has_executive_sponsor,
        -- financial
        coalesce(feeds.billing_from_date <= spine.score_date, false) as billing_feed_live,
        coalesce(financial_counts.overdue_invoices_60d, 0) as overdue_invoices_60d,
        coalesce(financial_counts.failed_payments_60d, 0) as failed_payments_60d,
        coalesce(financial_counts.contractions_90d, 0) > 0 as has_contraction_90d,
        -- onboarding
        spine.days_since_customer_start < 120 as is_onboarding_applicable,
        milestone_accounts.account_id is not null as has_milestones,
        coalesce(milestone_counts.milestones_due, 0) as onboarding_milestones_due,
        coalesce(milestone_counts.milestones_completed, 0) as onboarding_milestones_completed
    from spine
    cross join feeds
    left join account_usage as usage_today
        on
            spine.account_id = usage_today.account_id
            and spine.score_date = usage_today.score_date
    left join account_usage as usage_before
        on
            spine.account_id = usage_before.account_id
            and usage_before.score_date = {{ dbt.dateadd('day', -30, 'spine.score_date') }}
    left join ticket_counts
        on
            spine.account_id = ticket_counts.account_id
            and spine.score_date = ticket_counts.score_date
    left join nps_counts
        on spine.account_id = nps_counts.account_id and spine.score_date = nps_counts.score_date
    left join cadence
        on spine.touch_model = cadence.touch_model
    left join latest_touches
        on
            spine.account_id = latest_touches.account_id
            and spine.score_date = latest_touches.score_date
    left join sponsors
        on spine.account_id = sponsors.account_id
    left join financial_counts
        on
            spine.account_id = financial_counts.account_id
            and spine.score_date = financial_counts.score_date
    left join milestone_counts
        on
            spine.account_id = milestone_counts.account_id
            and spine.score_date = milestone_counts.score_date
    left join milestone_accounts
        on spine.account_id = milestone_accounts.account_id

),

---------- the parts of each component, in points (0-100)

parts as (

    select
        inputs.*,
        case
            when inputs.usage_feed_live and inputs.licensed_seats > 0
                then {{ health_ratio('active_users_30d', 'licensed_seats', 9) }}
        end as seat_utilisation,
        case
            when inputs.usage_feed_live and inputs.active_users_30d_prior > 0
                then {{ health_ratio(
                    'active_users_30d - active_users_30d_prior', 'active_users_30d_prior', 9
                ) }}
        end as active_users_change_30d,
        case
            when inputs.tickets_feed_live and inputs.licensed_seats > 0
                then {{ health_ratio('10 * tickets_90d', 'licensed_seats', 9) }}
        end as tickets_per_10_seats_90d,
        case
            when inputs.csat_responses_180d > 0
                then {{ health_ratio('csat_sum_180d', 'csat_responses_180d', 9) }}
        end as csat_average_180d,
        case
            when inputs.activities_feed_live and inputs.expected_days_between_touches > 0
                then {{ health_ratio('days_since_last_touch', 'expected_days_between_touches', 9) }}
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
                inputs.last_qbr_date > {{ dbt.dateadd('day', '-qbr_interval_days', 'score_date') }}
                then 100
            else 0
        end as qbr_points
    from inputs

),

points as (

    -- every piecewise-linear part once, so the weighted means below only add columns
    select
        parts.*,
        case
            when parts.seat_utilisation is not null
                then {{ health_ramp('active_users_30d', 'licensed_seats', '0.1', '0.8') }}
        end as utilisation_points,
        case
            when parts.active_users_change_30d is not null
                then {{ health_ramp(
                    'active_users_30d - active_users_30d_prior', 'active_users_30d_prior', '-0.4', '0'
                ) }}
        end as usage_trend_points,
        cast(
            greatest(
                0, 100 - 35 * parts.open_urgent_tickets - 20 * parts.open_high_tickets
            ) as decimal(9, 6)
        ) as open_ticket_points,
        case
            when parts.tickets_per_10_seats_90d is not null
                then {{ health_ramp_down('10 * tickets_90d', 'licensed_seats', '0.5', '3') }}
        end as ticket_rate_points,
        case
            when parts.csat_average_180d is not null
                then {{ health_ramp('csat_sum_180d', 'csat_responses_180d', '1', '5') }}
        end as csat_points,
        case
            when parts.touch_cadence_ratio is not null
                then {{ health_ramp_down(
                    'days_since_last_touch', 'expected_days_between_touches', '1', '3'
                ) }}
        end as touch_points,
        case when parts.has_executive_sponsor then 100 else 0 end as sponsor_points
    from parts

),

scored as (

    select
        points.*,
        case
            when points.seat_utilisation is not null
                then {{ health_weighted_parts([
                    ('utilisation_points', '0.7'),
                    ('usage_trend_points', '0.3'),
                ]) }}
        end as usage_score,
        case
            when points.usage_feed_live and points.core_features_available > 0
                then cast(
                    {{ health_ratio('100 * core_features_used_30d', 'core_features_available') }}
                    as decimal(9, 6)
                )
        end as adoption_score,
        case
            when points.tickets_feed_live
                then {{ health_weighted_parts([
                    ('open_ticket_points', '0.4'),
                    ('ticket_rate_points', '0.3'),
                    ('csat_points', '0.3'),
                ]) }}
        end as support_score,
        case
            when points.nps_respondents_180d > 0
                then cast(
                    {{ health_ratio(
                        '100 * nps_promoters_180d + 50 * (nps_respondents_180d - nps_promoters_180d - nps_detractors_180d)',
                        'nps_respondents_180d'
                    ) }} as decimal(9, 6)
                )
        end as sentiment_score,
        case
            when points.touch_cadence_ratio is not null
                then {{ health_weighted_parts([
                    ('touch_points', '0.6'),
                    ('qbr_points', '0.2'),
                    ('sponsor_points', '0.2'),
                ]) }}
        end as engagement_score,
        case
            when points.billing_feed_live
                then cast(
                    greatest(
                        0,
                        100 - 25 * points.failed_payments_60d - 25 * points.overdue_invoices_60d
                        - case when points.has_contraction_90d then 40 else 0 end
                    ) as decimal(9, 6)
                )
        end as financial_score,
        case
            when points.is_onboarding_applicable and points.onboarding_milestones_due > 0
                then cast(
                    {{ health_ratio(
                        '100 * onboarding_milestones_completed', 'onboarding_milestones_due'
                    ) }} as decimal(9, 6)
                )
        end as onboarding_score
    from points

)

select
    account_id,
    score_date,
    segment,
    touch_model,
    csm_owner_id,
    ---------- component scores (0-100, NULL = no data)
    usage_score,
    adoption_score,
    support_score,
    sentiment_score,
    engagement_score,
    financial_score,
    onboarding_score,
    is_onboarding_applicable,
    ---------- inputs
    cast(licensed_seats as {{ dbt.type_bigint() }}) as licensed_seats,
    cast(active_users_30d as {{ dbt.type_bigint() }}) as active_users_30d,
    cast(active_users_30d_prior as {{ dbt.type_bigint() }}) as active_users_30d_prior,
    cast(seat_utilisation as decimal(18, 9)) as seat_utilisation,
    cast(active_users_change_30d as decimal(18, 9)) as active_users_change_30d,
    cast(core_features_used_30d as {{ dbt.type_bigint() }}) as core_features_used_30d,
    cast(core_features_available as {{ dbt.type_bigint() }}) as core_features_available,
    cast(open_urgent_tickets as {{ dbt.type_bigint() }}) as open_urgent_tickets,
    cast(open_high_tickets as {{ dbt.type_bigint() }}) as open_high_tickets,
    cast(tickets_90d as {{ dbt.type_bigint() }}) as tickets_90d,
    cast(tickets_per_10_seats_90d as decimal(18, 9)) as tickets_per_10_seats_90d,
    cast(csat_average_180d as decimal(18, 9)) as csat_average_180d,
    cast(nps_respondents_180d as {{ dbt.type_bigint() }}) as nps_respondents_180d,
    cast(nps_promoters_180d as {{ dbt.type_bigint() }}) as nps_promoters_180d,
    cast(nps_detractors_180d as {{ dbt.type_bigint() }}) as nps_detractors_180d,
    cast(days_since_last_touch as {{ dbt.type_bigint() }}) as days_since_last_touch,
    cast(touch_cadence_ratio as decimal(18, 9)) as touch_cadence_ratio,
    cast(expected_days_between_touches as {{ dbt.type_bigint() }}) as expected_days_between_touches,
    cast(qbr_points = 100 as boolean) as has_recent_qbr,
    has_executive_sponsor,
    cast(failed_payments_60d as {{ dbt.type_bigint() }}) as failed_payments_60d,
    cast(overdue_invoices_60d as {{ dbt.type_bigint() }}) as overdue_invoices_60d,
    has_contraction_90d,
    cast(onboarding_milestones_due as {{ dbt.type_bigint() }}) as onboarding_milestones_due,
    cast(onboarding_milestones_completed as {{ dbt.type_bigint() }})
        as onboarding_milestones_completed,
    ---------- bookkeeping of the incremental build
    composition_hash,
    cast('{{ fingerprint }}' as {{ dbt.type_string() }}) as build_fingerprint
from scored
