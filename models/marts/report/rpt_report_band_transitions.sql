{#
    Health band transitions over the last report_band_transition_days (30)
    days (docs/metrics.md, The morning report): each account scored on the
    window's first day (the latest score day − 30) or on its last (the
    latest score day), counted by band on the first day × band on the last;
    `not_scored` stands for no score that day (an account that started or
    stopped paying in between). mrr is the accounts' current MRR
    (dim_accounts; 0 for those that stopped paying). is_into_at_risk marks
    moves into an at-risk band (report_at_risk_bands) from any other.
#}

{%- set window_days = report_count_var('report_band_transition_days') %}

with

health as (

    select * from {{ ref('fct_account_health_daily') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

bands as (

    {{ report_band_rows() }}

    union all

    select
        cast('not_scored' as {{ dbt.type_string() }}) as health_band,
        cast({{ report_band_order() | length + 1 }} as {{ dbt.type_int() }}) as band_order

),

transition_window as (

    select
        cast({{ dbt.dateadd('day', -window_days, 'max(score_date)') }} as date)
            as window_start_date,
        max(score_date) as window_end_date
    from health

),

at_start as (

    select
        health.account_id,
        health.health_band
    from health
    inner join transition_window
        on health.score_date = transition_window.window_start_date

),

at_end as (

    select
        health.account_id,
        health.health_band
    from health
    inner join transition_window
        on health.score_date = transition_window.window_end_date

),

moves as (

    select
        coalesce(at_start.account_id, at_end.account_id) as account_id,
        coalesce(at_start.health_band, 'not_scored') as from_band,
        coalesce(at_end.health_band, 'not_scored') as to_band
    from at_start
    full outer join at_end
        on at_start.account_id = at_end.account_id

),

counted as (

    select
        moves.from_band,
        moves.to_band,
        count(*) as accounts,
        sum(coalesce(accounts.current_mrr, 0)) as mrr
    from moves
    left join accounts
        on moves.account_id = accounts.account_id
    group by moves.from_band, moves.to_band

)

select
    transition_window.window_start_date,
    transition_window.window_end_date,
    cast(counted.from_band as {{ dbt.type_string() }}) as from_band,
    cast(counted.to_band as {{ dbt.type_string() }}) as to_band,
    from_bands.band_order as from_band_order,
    to_bands.band_order as to_band_order,
    cast(counted.accounts as {{ dbt.type_bigint() }}) as accounts,
    {{ to_money('counted.mrr') }} as mrr,
    counted.from_band <> counted.to_band
    and counted.to_band in ({{ report_at_risk_band_list() }})
    and counted.from_band not in ({{ report_at_risk_band_list() }}) as is_into_at_risk
from counted
cross join transition_window
inner join bands as from_bands
    on counted.from_band = from_bands.health_band
inner join bands as to_bands
    on counted.to_band = to_bands.health_band
