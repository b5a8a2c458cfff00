{#
    Usage events the incremental rollups left out because they landed after
    their knowledge day's late-arrival window (docs/landing_contract.md: "usage event
    arriving after the late-arrival window: included by a full refresh;
    counted as late by the incremental run"). Per knowledge day (local date
    of received_at): events attributed this run against events in each
    rollup. A full refresh brings the difference back to 0; until then the
    day stays listed, night after night.
#}

with

events as (

    select
        {{ local_date('coalesce(received_at, occurred_at)') }} as known_date,
        count(*) as events_attributed
    from {{ ref('int_accounts__usage_events_attributed') }}
    where occurred_at is not null
    group by {{ local_date('coalesce(received_at, occurred_at)') }}

),

user_rollup as (

    select
        known_date,
        sum(event_count) as events_in_user_rollup
    from {{ ref('int_usage__user_days') }}
    group by known_date

),

feature_rollup as (

    select
        known_date,
        sum(event_count) as events_in_feature_rollup
    from {{ ref('int_usage__feature_days') }}
    group by known_date

),

compared as (

    select
        events.known_date,
        events.events_attributed,
        coalesce(user_rollup.events_in_user_rollup, 0) as events_in_user_rollup,
        coalesce(feature_rollup.events_in_feature_rollup, 0) as events_in_feature_rollup
    from events
    left join user_rollup
        on events.known_date = user_rollup.known_date
    left join feature_rollup
        on events.known_date = feature_rollup.known_date

)

select
    known_date,
    cast(events_attributed as {{ dbt.type_bigint() }}) as events_attributed,
    cast(events_in_user_rollup as {{ dbt.type_bigint() }}) as events_in_user_rollup,
    cast(events_in_feature_rollup as {{ dbt.type_bigint() }}) as events_in_feature_rollup,
    cast(events_attributed - events_in_user_rollup as {{ dbt.type_bigint() }}) as late_events
from compared
where
    events_attributed <> events_in_user_rollup
    or events_attributed <> events_in_feature_rollup
