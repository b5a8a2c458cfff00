{#
    Core-feature usage per account × local day × feature: the one pass over
    the usage events that time to value and adoption need (docs/metrics.md,
    Onboarding, adoption, time to value). Deliberately narrow: only events
    of core features (seed feature_catalog), counted by the local day of
    occurred_at in the reporting timezone. Events known at or after the
    as-of instant are already left out by int_accounts__usage_events_attributed.

    The health score's daily usage rollups (models/intermediate/health/)
    read the same events at a wider grain; the two can later be unified
    into one account × day × feature rollup both read.
#}

with

events as (

    select * from {{ ref('int_accounts__usage_events_attributed') }}

),

features as (

    select * from {{ ref('feature_catalog') }}

),

core_feature_events as (

    select
        events.account_id,
        {{ local_date('events.occurred_at') }} as usage_date,
        features.product_id,
        features.feature,
        events.user_id
    from events
    inner join features
        on events.event_name = features.event_name
    where features.is_core_feature

)

select
    account_id,
    usage_date,
    product_id,
    feature,
    cast(count(distinct user_id) as {{ dbt.type_bigint() }}) as active_users,
    cast(count(*) as {{ dbt.type_bigint() }}) as events
from core_feature_events
group by
    account_id,
    usage_date,
    product_id,
    feature
