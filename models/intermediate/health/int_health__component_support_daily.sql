{#
    The support component per paying account-day (docs/metrics.md, Components).
    Rule and inputs in _health__models.yml; constants in seed
    health_rules, component `support`:

        support = weighted mean, over the parts with data, of
          open tickets:  max(0, 100 - open_urgent_penalty x urgent
                                     - open_high_penalty x high tickets open)
          ticket rate:   100 - ramp(tickets of the last ticket_rate_window_days
                                    per 10 licensed seats)
          CSAT:          ramp(mean CSAT of tickets solved in the last csat_window_days)

    A ticket is known from created_at, its solution and rating from
    solved_at. Windows are running interval sums (macros/health/health_windows.sql).
    Incremental like every health component (macros/health/health_incremental.sql).
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

tickets as (

    select * from {{ ref('int_accounts__tickets_attributed') }}

),

rules as (

    {{ health_rules('support') }}

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

-- before the export delivered its first ticket, support is "no data"
feed as (

    select min({{ local_date('created_at') }}) as tickets_from_date
    from tickets

),

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
        ticket_days.account_id,
        ticket_days.created_date as start_date,
        cast({{ dbt.dateadd('day', -1, 'ticket_days.solved_date') }} as date) as end_date,
        case when ticket_days.priority = 'urgent' then 1 else 0 end as open_urgent_tickets,
        case when ticket_days.priority = 'high' then 1 else 0 end as open_high_tickets,
        0 as tickets_90d,
        0 as csat_sum_180d,
        0 as csat_responses_180d
    from ticket_days
    where
        ticket_days.priority in ('urgent', 'high')
        and (
            ticket_days.solved_date is null
            or ticket_days.solved_date > ticket_days.created_date
        )

    union all

    select
        ticket_days.account_id,
        ticket_days.created_date as start_date,
        cast({{ dbt.dateadd(
            'day', 'rules.ticket_rate_window_days - 1', 'ticket_days.created_date'
        ) }} as date) as end_date,
        0 as open_urgent_tickets,
        0 as open_high_tickets,
        1 as tickets_90d,
        0 as csat_sum_180d,
        0 as csat_responses_180d
    from ticket_days
    cross join rules

    union all

    -- a rating is known from the day the ticket was solved
    select
        ticket_days.account_id,
        ticket_days.solved_date as start_date,
        cast({{ dbt.dateadd(
            'day', 'rules.csat_window_days - 1', 'ticket_days.solved_date'
        ) }} as date) as end_date,
        0 as open_urgent_tickets,
        0 as open_high_tickets,
        0 as tickets_90d,
        ticket_days.csat_score as csat_sum_180d,
        1 as csat_responses_180d
    from ticket_days
    cross join rules
    where ticket_days.csat_score is not null and ticket_days.solved_date is not null

),

{{ running_interval_sums(
    'ticket_counts', 'spine', 'ticket_intervals', ['account_id'],
    ['open_urgent_tickets', 'open_high_tickets', 'tickets_90d', 'csat_sum_180d', 'csat_responses_180d']
) }},

inputs as (

    select
        spine.account_id,
        spine.score_date,
        spine.licensed_seats,
        spine.composition_hash,
        -- a stand-in account (a billing customer the CRM does not know) has no tickets attributed
        coalesce(
            feed.tickets_from_date <= spine.score_date and not spine.is_stand_in_account, false
        ) as tickets_feed_live,
        coalesce(ticket_counts.open_urgent_tickets, 0) as open_urgent_tickets,
        coalesce(ticket_counts.open_high_tickets, 0) as open_high_tickets,
        coalesce(ticket_counts.tickets_90d, 0) as tickets_90d,
        ticket_counts.csat_sum_180d,
        coalesce(ticket_counts.csat_responses_180d, 0) as csat_responses_180d
    from spine
    cross join feed
    left join ticket_counts
        on
            spine.account_id = ticket_counts.account_id
            and spine.score_date = ticket_counts.score_date

),

ratios as (

    select
        inputs.*,
        case
            when inputs.tickets_feed_live and inputs.licensed_seats > 0
                then {{ health_ratio('10 * inputs.tickets_90d', 'inputs.licensed_seats', 9) }}
        end as tickets_per_10_seats_90d,
        case
            when inputs.csat_responses_180d > 0
                then {{ health_ratio('inputs.csat_sum_180d', 'inputs.csat_responses_180d', 9) }}
        end as csat_average_180d
    from inputs

),

points as (

    select
        ratios.*,
        cast(
            greatest(
                0,
                100
                - rules.open_urgent_penalty * ratios.open_urgent_tickets
                - rules.open_high_penalty * ratios.open_high_tickets
            ) as decimal(9, 6)
        ) as open_ticket_points,
        case
            when ratios.tickets_per_10_seats_90d is not null
                then {{ health_ramp_down(
                    '10 * ratios.tickets_90d', 'ratios.licensed_seats',
                    'rules.ticket_rate_ramp_from', 'rules.ticket_rate_ramp_to'
                ) }}
        end as ticket_rate_points,
        case
            when ratios.csat_average_180d is not null
                then {{ health_ramp(
                    'ratios.csat_sum_180d', 'ratios.csat_responses_180d',
                    'rules.csat_ramp_from', 'rules.csat_ramp_to'
                ) }}
        end as csat_points
    from ratios
    cross join rules

),

scored as (

    select
        points.*,
        case
            when points.tickets_feed_live
                then {{ health_weighted_parts([
                    ('points.open_ticket_points', 'rules.open_tickets_weight'),
                    ('points.ticket_rate_points', 'rules.ticket_rate_weight'),
                    ('points.csat_points', 'rules.csat_weight'),
                ]) }}
        end as support_score
    from points
    cross join rules

)

select
    account_id,
    score_date,
    support_score,
    tickets_feed_live,
    cast(open_urgent_tickets as {{ dbt.type_bigint() }}) as open_urgent_tickets,
    cast(open_high_tickets as {{ dbt.type_bigint() }}) as open_high_tickets,
    cast(tickets_90d as {{ dbt.type_bigint() }}) as tickets_90d,
    cast(tickets_per_10_seats_90d as decimal(18, 9)) as tickets_per_10_seats_90d,
    cast(csat_average_180d as decimal(18, 9)) as csat_average_180d,
    composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from scored
