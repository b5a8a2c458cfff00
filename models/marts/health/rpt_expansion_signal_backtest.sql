{#
    Does each expansion signal predict expansion? Over the health backtest's
    account-months (int_health__backtest_account_months, one per account and
    scoring month), a signal counts as raised when it fired on the month's
    last day; expansion = an expansion movement in the next three monthly
    snapshots. See _health__models.yml.
#}

with

registry as (

    select * from {{ ref('expansion_signal_registry') }}

),

current_version as (

    select max(weights_version) as weights_version
    from {{ ref('health_weights') }}

),

account_months as (

    select account_months.*
    from {{ ref('int_health__backtest_account_months') }} as account_months
    inner join current_version
        on account_months.weights_version = current_version.weights_version

),

signals as (

    select * from {{ ref('fct_expansion_signals') }}

),

population as (

    select
        count(*) as account_months,
        sum(case when is_expanded_90d then 1 else 0 end) as expanded_90d
    from account_months

),

raised as (

    select
        signals.signal_code,
        count(*) as raised_account_months,
        sum(case when account_months.is_expanded_90d then 1 else 0 end) as expanded_90d_when_raised
    from account_months
    inner join signals
        on
            account_months.account_id = signals.account_id
            and account_months.score_date = signals.signal_date
    group by signals.signal_code

),

measured as (

    select
        registry.signal_code,
        population.account_months,
        population.expanded_90d,
        coalesce(raised.raised_account_months, 0) as raised_account_months,
        coalesce(raised.expanded_90d_when_raised, 0) as expanded_90d_when_raised,
        case
            when population.account_months > 0
                then {{ divide_exact('population.expanded_90d', 'population.account_months', 6) }}
        end as base_expansion_rate,
        case
            when raised.raised_account_months > 0
                then {{ divide_exact(
                    'raised.expanded_90d_when_raised', 'raised.raised_account_months', 6
                ) }}
        end as precision_90d
    from registry
    cross join population
    left join raised
        on registry.signal_code = raised.signal_code

)

select
    cast(signal_code as {{ dbt.type_string() }}) as signal_code,
    cast(account_months as {{ dbt.type_bigint() }}) as account_months,
    cast(expanded_90d as {{ dbt.type_bigint() }}) as expanded_90d,
    cast(raised_account_months as {{ dbt.type_bigint() }}) as raised_account_months,
    cast(expanded_90d_when_raised as {{ dbt.type_bigint() }}) as expanded_90d_when_raised,
    cast(precision_90d as decimal(9, 6)) as precision_90d,
    cast(base_expansion_rate as decimal(9, 6)) as base_expansion_rate,
    cast(
        case
            when base_expansion_rate > 0
                then {{ divide_exact('precision_90d', 'base_expansion_rate', 6) }}
        end as decimal(18, 6)
    ) as lift_vs_base_rate,
    cast(
        case
            when expanded_90d > 0
                then {{ divide_exact('expanded_90d_when_raised', 'expanded_90d', 6) }}
        end as decimal(9, 6)
    ) as recall_90d
from measured
