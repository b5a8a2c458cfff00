{#
    Expansion signals (docs/metrics.md, Expansion signals): one row per account,
    day and signal of the registry seed that fires that day, with the value
    measured and the threshold it met, from what was known by the end of the
    day. Each family of metrics is computed in its own intermediate model
    (int_health__expansion_<family>_signals); this mart only unions them.
    The metrics a registry row may name, and what its window_days means for
    each, are documented in _health__models.yml.
#}

with

registry as (

    select * from {{ ref('expansion_signal_registry') }}

),

level_signals as (

    select * from {{ ref('int_health__expansion_level_signals') }}

),

growth_signals as (

    select * from {{ ref('int_health__expansion_growth_signals') }}

),

tier_signals as (

    select * from {{ ref('int_health__expansion_tier_signals') }}

),

fired as (

    select
        account_id,
        signal_date,
        signal_code,
        signal_value,
        threshold
    from level_signals

    union all

    select
        account_id,
        signal_date,
        signal_code,
        signal_value,
        threshold
    from growth_signals

    union all

    select
        account_id,
        signal_date,
        signal_code,
        signal_value,
        threshold
    from tier_signals

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
