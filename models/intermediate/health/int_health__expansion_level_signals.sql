{#
    Expansion signals of the level family (docs/metrics.md, Expansion
    signals): a metric that must meet the registry threshold on each of
    window_days consecutive days; one row per account, day and signal that
    fires, with the day's value. Metrics: `seat_utilisation` (active users
    in the last 30 days / licensed seats, int_health__components_daily) and
    `green_with_unowned_family` (product families the account does not pay
    for, counted on days its health band is green under the current weights
    version, else 0). fct_expansion_signals unions the families.

    Incremental like the components (macros/health/health_incremental.sql):
    whether a day from the recompute start fires depends only on the
    window's days before it, so the run reads its inputs from there (before
    joining them: joined whole, the scores and the account-days cost 4 s of
    the 4.7 s of a night at the medium preset) and writes the days from the
    start; a restated account is recomputed whole.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('signal_date') }}

{%- set start = "cast('" ~ health_scope_start('signal_date', fingerprint) ~ "' as date)" %}
{%- set first_day = health_window_first_day(
    'signal_date', fingerprint, 'select max(window_days) from ' ~ ref('expansion_signal_registry')
) %}
{%- set in_window_scope = health_in_scope(fingerprint, 'signal_date', first_day=first_day) %}

with

registry as (

    select * from {{ ref('expansion_signal_registry') }}

),

components as (

    select * from {{ ref('int_health__components_daily') }}
    where {{ in_window_scope }}

),

account_days as (

    select * from {{ ref('int_health__account_days') }}
    where {{ in_window_scope }}

),

scores as (

    select * from {{ ref('int_health__scores_daily') }}
    where {{ in_window_scope }}

),

weights as (

    select * from {{ ref('health_weights') }}

),

composition as (

    select * from {{ ref('int_health__account_composition') }}

),

restated_accounts as (

    {{ health_restated_accounts() }}

),

-- the published band: the current (highest) weights version, as fct_account_health_daily
current_version as (

    select max(weights_version) as weights_version
    from weights

),

current_scores as (

    select scores.*
    from scores
    inner join current_version
        on scores.weights_version = current_version.weights_version

),

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
        current_scores.account_id,
        current_scores.score_date,
        'green_with_unowned_family' as metric,
        cast(
            case
                when current_scores.health_band = 'green'
                    then account_days.unowned_product_families
                else 0
            end
            as decimal(18, 6)
        ) as metric_value
    from current_scores
    inner join account_days
        on
            current_scores.account_id = account_days.account_id
            and current_scores.score_date = account_days.score_date

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
    where
        {{ expansion_signal_holds(
            'level_metrics.metric_value', 'registry.comparison', 'registry.threshold'
        ) }}

),

-- consecutive days holding share a run key: the day minus its rank
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

)

select
    level_signals.account_id,
    level_signals.signal_date,
    level_signals.signal_code,
    cast(level_signals.signal_value as decimal(18, 6)) as signal_value,
    level_signals.threshold,
    composition.composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from level_signals
left join composition
    on level_signals.account_id = composition.account_id
where
    level_signals.days_holding >= level_signals.window_days
    and (
        level_signals.signal_date >= {{ start }}
        or level_signals.account_id in (select restated_accounts.account_id from restated_accounts)
    )
