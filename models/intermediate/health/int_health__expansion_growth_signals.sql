{#
    Expansion signals of the growth family (docs/metrics.md, Expansion
    signals), metric `active_user_growth`: active users in the last 30 days
    against the same window_days earlier, (now - then) / then, when the
    account had users then; one row per account, day and signal that meets
    the registry threshold. fct_expansion_signals unions the families.
#}

with

registry as (

    select * from {{ ref('expansion_signal_registry') }}

),

components as (

    select * from {{ ref('int_health__components_daily') }}

),

growth_lookbacks as (

    select
        components.account_id,
        components.score_date,
        components.active_users_30d,
        registry.signal_code,
        registry.threshold,
        registry.comparison,
        cast({{ dbt.dateadd('day', '-registry.window_days', 'components.score_date') }} as date)
            as lookback_date
    from components
    inner join registry
        on registry.metric = 'active_user_growth'

),

growth_checks as (

    select
        growth_lookbacks.account_id,
        growth_lookbacks.score_date as signal_date,
        growth_lookbacks.signal_code,
        {{ health_ratio(
            'growth_lookbacks.active_users_30d - earlier.active_users_30d',
            'earlier.active_users_30d'
        ) }} as signal_value,
        growth_lookbacks.threshold,
        growth_lookbacks.comparison
    from growth_lookbacks
    inner join components as earlier
        on
            growth_lookbacks.account_id = earlier.account_id
            and growth_lookbacks.lookback_date = earlier.score_date
    where earlier.active_users_30d > 0

)

select
    account_id,
    signal_date,
    signal_code,
    cast(signal_value as decimal(18, 6)) as signal_value,
    threshold
from growth_checks
where {{ expansion_signal_holds('signal_value', 'comparison', 'threshold') }}
