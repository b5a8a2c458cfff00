{#
    The accounts most at risk on the latest score day (docs/metrics.md, The
    morning report): every account whose band that day is one of
    report_at_risk_bands (red and yellow by default), ranked by current MRR
    (largest first), then by health score (lowest first) and account id;
    is_listed marks the first report_list_rows (10), the ones the report
    shows. The owner is the CSM of that day's score, `unassigned` when none.
#}

{%- set list_rows = report_count_var('report_list_rows') %}

with

health as (

    select * from {{ ref('fct_account_health_daily') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

bands as (

    {{ report_band_rows() }}

),

latest_day as (

    select max(score_date) as score_date from health

),

latest_health as (

    select health.*
    from health
    inner join latest_day
        on health.score_date = latest_day.score_date

),

at_risk as (

    select
        latest_health.score_date,
        latest_health.account_id,
        accounts.account_name,
        latest_health.segment,
        latest_health.health_band,
        bands.band_order,
        latest_health.health_score,
        latest_health.score_change_30d,
        latest_health.primary_risk_driver,
        accounts.current_mrr,
        coalesce(latest_health.csm_owner_id, 'unassigned') as csm_owner_id
    from latest_health
    inner join bands
        on latest_health.health_band = bands.health_band
    left join accounts
        on latest_health.account_id = accounts.account_id
    where latest_health.health_band in ({{ report_at_risk_band_list() }})

),

ranked as (

    select
        *,
        row_number() over (
            order by
                current_mrr desc nulls last,
                health_score asc nulls last,
                account_id asc
        ) as at_risk_rank
    from at_risk

)

select
    cast(at_risk_rank as {{ dbt.type_int() }}) as at_risk_rank,
    score_date,
    account_id,
    account_name,
    segment,
    health_band,
    band_order,
    health_score,
    score_change_30d,
    primary_risk_driver,
    {{ to_money('coalesce(current_mrr, 0)') }} as current_mrr,
    cast(csm_owner_id as {{ dbt.type_string() }}) as csm_owner_id,
    at_risk_rank <= {{ list_rows }} as is_listed
from ranked
