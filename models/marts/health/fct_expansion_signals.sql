{#
    Expansion signals (docs/metrics.md, Expansion signals): one row per account,
    day and signal of the registry seed that fires that day, with the value
    measured and the threshold it met, from what was known by the end of the
    day. The metrics a registry row may name, and what its window_days means
    for each, are documented in _health__models.yml.
#}

with

registry as (

    select * from {{ ref('expansion_signal_registry') }}

),

components as (

    select * from {{ ref('int_health__components_daily') }}

),

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

health as (

    select * from {{ ref('fct_account_health_daily') }}

),

product_days as (

    select * from {{ ref('int_health__account_product_days') }}

),

feature_days as (

    select * from {{ ref('int_usage__feature_days') }}

),

merge_map as (

    select * from {{ ref('int_accounts__merge_map') }}

),

feature_catalog as (

    select * from {{ ref('feature_catalog') }}

),

---------- metrics that must hold on each of window_days consecutive days

level_metrics as (

    select
        account_id,
        score_date,
        'seat_utilisation' as metric,
        cast(seat_utilisation as decimal(18, 6)) as metric_value
    from components
    where seat_utilisation is not null

    union all

    select
        health.account_id,
        health.score_date,
        'green_with_unowned_family' as metric,
        cast(
            case
                when health.health_band = 'green' then account_days.unowned_product_families else 0
            end
            as decimal(18, 6)
        ) as metric_value
    from health
    inner join account_days
        on
            health.account_id = account_days.account_id
            and health.score_date = account_days.score_date

),

level_checks as (

    select
        level_metrics.account_id,
        level_metrics.score_date,
        level_metrics.metric_value,
        registry.signal_code,
        registry.threshold,
        registry.window_days
    from level_metrics
    inner join registry
        on level_metrics.metric = registry.metric
    where {{ expansion_signal_holds(
        'level_metrics.metric_value', 'registry.comparison', 'registry.threshold'
    ) }}

),

level_runs as (

    select
        *,
        cast(
            {{ dbt.dateadd(
                'day',
                '-row_number() over (partition by account_id, signal_code order by score_date)',
                'score_date'
            ) }} as date
        ) as run_key
    from level_checks

),

level_signals as (

    select
        account_id,
        score_date as signal_date,
        signal_code,
        metric_value as signal_value,
        threshold,
        row_number() over (
            partition by account_id, signal_code, run_key order by score_date
        ) as days_holding,
        window_days
    from level_runs

),

---------- active users now against window_days before

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

),

---------- events on features above the account's plan tier, in the last window_days

higher_tier_registry as (

    select * from registry
    where metric = 'higher_tier_feature_events'

),

higher_tier_events as (

    select
        merge_map.surviving_account_id as account_id,
        feature_days.activity_date,
        feature_days.known_date,
        feature_days.event_count
    from feature_days
    inner join feature_catalog
        on feature_days.event_name = feature_catalog.event_name
    inner join merge_map
        on feature_days.source_account_id = merge_map.account_id
    inner join product_days
        on
            merge_map.surviving_account_id = product_days.account_id
            and feature_catalog.product_id = product_days.product_id
            and feature_days.activity_date = product_days.score_date
    where feature_catalog.min_tier_rank > product_days.tier_rank

),

higher_tier_intervals as (

    select
        higher_tier_events.account_id,
        higher_tier_registry.signal_code,
        case
            when higher_tier_events.known_date > higher_tier_events.activity_date
                then higher_tier_events.known_date
            else higher_tier_events.activity_date
        end as start_date,
        cast(
            {{ dbt.dateadd(
                'day', 'higher_tier_registry.window_days - 1', 'higher_tier_events.activity_date'
            ) }} as date
        ) as end_date,
        higher_tier_events.event_count as higher_tier_events
    from higher_tier_events
    cross join higher_tier_registry
    where
        higher_tier_events.known_date < {{ dbt.dateadd(
            'day', 'higher_tier_registry.window_days', 'higher_tier_events.activity_date'
        ) }}

),

higher_tier_spine as (

    select
        account_days.account_id,
        higher_tier_registry.signal_code,
        account_days.score_date
    from account_days
    cross join higher_tier_registry

),

{{ running_interval_sums(
    'higher_tier_counts', 'higher_tier_spine', 'higher_tier_intervals',
    ['account_id', 'signal_code'], ['higher_tier_events']
) }},

higher_tier_checks as (

    select
        higher_tier_counts.account_id,
        higher_tier_counts.score_date as signal_date,
        higher_tier_counts.signal_code,
        cast(higher_tier_counts.higher_tier_events as decimal(18, 6)) as signal_value,
        higher_tier_registry.threshold,
        higher_tier_registry.comparison
    from higher_tier_counts
    inner join higher_tier_registry
        on higher_tier_counts.signal_code = higher_tier_registry.signal_code

),

fired as (

    select
        account_id,
        signal_date,
        signal_code,
        signal_value,
        threshold
    from level_signals
    where days_holding >= window_days

    union all

    select
        account_id,
        signal_date,
        signal_code,
        signal_value,
        threshold
    from growth_checks
    where {{ expansion_signal_holds('signal_value', 'comparison', 'threshold') }}

    union all

    select
        account_id,
        signal_date,
        signal_code,
        signal_value,
        threshold
    from higher_tier_checks
    where {{ expansion_signal_holds('signal_value', 'comparison', 'threshold') }}

)

select
    fired.signal_date,
    fired.account_id,
    cast(fired.signal_code as {{ dbt.type_string() }}) as signal_code,
    cast(fired.signal_value as decimal(18, 6)) as signal_value,
    cast(fired.threshold as decimal(18, 6)) as threshold,
    cast(registry.metric as {{ dbt.type_string() }}) as metric,
    cast(registry.window_days as {{ dbt.type_int() }}) as window_days
from fired
inner join registry
    on fired.signal_code = registry.signal_code
