{#
    Expansion signals of the higher-tier family (docs/metrics.md, Expansion
    signals), metric `higher_tier_feature_events`: events in the last
    window_days (by activity day, known by the end of the day) on features
    whose catalog min_tier_rank is above the account's plan tier for that
    product on the event's day; one row per paying account, day and signal
    that meets the registry threshold. Counted with running interval sums
    (macros/health/health_windows.sql) over the usage rollup
    int_usage__feature_days. fct_expansion_signals unions the families.

    Incremental like the components (macros/health/health_incremental.sql):
    a day from the recompute start only needs the rollup rows of the
    window's days before it (usage_rollup_rows_since); a restated account is
    recomputed whole.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('signal_date') }}

with

registry as (

    select * from {{ ref('expansion_signal_registry') }}

),

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

product_days as (

    select * from {{ ref('int_health__account_product_days') }}

),

feature_days as (

    {{ usage_rollup_rows_since(
        ref('int_usage__feature_days'),
        health_window_first_day(
            'signal_date', fingerprint,
            'select max(window_days) from ' ~ ref('expansion_signal_registry')
            ~ " where metric = 'higher_tier_feature_events'",
        ),
    ) }}

),

merge_map as (

    select * from {{ ref('int_accounts__merge_map') }}

),

feature_catalog as (

    select * from {{ ref('feature_catalog') }}

),

composition as (

    select * from {{ ref('int_health__account_composition') }}

),

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
    where {{ health_in_scope(fingerprint, 'signal_date') }}

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

)

select
    higher_tier_checks.account_id,
    higher_tier_checks.signal_date,
    higher_tier_checks.signal_code,
    higher_tier_checks.signal_value,
    higher_tier_checks.threshold,
    composition.composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from higher_tier_checks
left join composition
    on higher_tier_checks.account_id = composition.account_id
where {{ expansion_signal_holds(
    'higher_tier_checks.signal_value', 'higher_tier_checks.comparison', 'higher_tier_checks.threshold'
) }}
