{#
    Expansion signals firing on the latest signal day (docs/metrics.md, The
    morning report): each account × signal of fct_expansion_signals that
    day, with the account's current MRR, its health band that day and the
    signal's backtest (rpt_expansion_signal_backtest: precision and lift
    against expansion in the next 90 days), ranked by current MRR (largest
    first), then account and signal; is_listed marks the first
    report_list_rows (10).
#}

{%- set list_rows = report_count_var('report_list_rows') %}

with

signals as (

    select * from {{ ref('fct_expansion_signals') }}

),

backtest as (

    select * from {{ ref('rpt_expansion_signal_backtest') }}

),

health as (

    select * from {{ ref('fct_account_health_daily') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

latest_day as (

    select max(signal_date) as signal_date from signals

),

latest_signals as (

    select signals.*
    from signals
    inner join latest_day
        on signals.signal_date = latest_day.signal_date

),

ranked as (

    select
        latest_signals.signal_date,
        latest_signals.account_id,
        accounts.account_name,
        latest_signals.signal_code,
        latest_signals.signal_value,
        latest_signals.threshold,
        coalesce(accounts.current_mrr, 0) as current_mrr,
        health.health_band,
        coalesce(health.csm_owner_id, accounts.csm_owner_id, 'unassigned') as csm_owner_id,
        backtest.precision_90d,
        backtest.lift_vs_base_rate,
        row_number() over (
            order by
                accounts.current_mrr desc nulls last,
                latest_signals.account_id asc,
                latest_signals.signal_code asc
        ) as signal_rank
    from latest_signals
    left join accounts
        on latest_signals.account_id = accounts.account_id
    left join health
        on
            latest_signals.account_id = health.account_id
            and latest_signals.signal_date = health.score_date
    left join backtest
        on latest_signals.signal_code = backtest.signal_code

)

select
    cast(signal_rank as {{ dbt.type_int() }}) as signal_rank,
    signal_date,
    account_id,
    account_name,
    signal_code,
    signal_value,
    threshold,
    {{ to_money('current_mrr') }} as current_mrr,
    health_band,
    cast(csm_owner_id as {{ dbt.type_string() }}) as csm_owner_id,
    precision_90d,
    lift_vs_base_rate,
    signal_rank <= {{ list_rows }} as is_listed
from ranked
