{#
    Health band distribution over time (docs/metrics.md, The morning
    report): per reporting month, the accounts scored on the month's
    snapshot day (the day before AS_OF_DATE for the partial as-of month) in
    each band, with their MRR in the month (fct_mrr) and their share of the
    scored accounts. Every band of report_band_order appears in every month
    with scores (zero when empty), in that order (band_order), so a chart
    stacks the bands the same way each month.
#}

with

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

health as (

    select * from {{ ref('fct_account_health_daily') }}

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

bands as (

    {{ report_band_rows() }}

),

account_mrr as (

    select
        month,
        account_id,
        sum(mrr) as mrr
    from mrr
    group by month, account_id

),

scored as (

    select
        months.month,
        months.snapshot_date,
        months.is_partial_month,
        health.account_id,
        health.health_band,
        coalesce(account_mrr.mrr, 0) as mrr
    from months
    inner join health
        on months.snapshot_date = health.score_date
    left join account_mrr
        on
            months.month = account_mrr.month
            and health.account_id = account_mrr.account_id

),

scored_months as (

    select
        month,
        snapshot_date,
        is_partial_month,
        count(*) as scored_accounts
    from scored
    group by month, snapshot_date, is_partial_month

),

per_band as (

    select
        month,
        health_band,
        count(*) as accounts,
        sum(mrr) as mrr
    from scored
    group by month, health_band

)

select
    scored_months.month,
    scored_months.snapshot_date,
    bands.health_band,
    bands.band_order,
    cast(coalesce(per_band.accounts, 0) as {{ dbt.type_bigint() }}) as accounts,
    {{ to_money('coalesce(per_band.mrr, 0)') }} as mrr,
    cast(scored_months.scored_accounts as {{ dbt.type_bigint() }}) as scored_accounts,
    {{ divide_exact('coalesce(per_band.accounts, 0)', 'scored_months.scored_accounts') }}
        as account_share,
    scored_months.is_partial_month
from scored_months
cross join bands
left join per_band
    on
        scored_months.month = per_band.month
        and bands.health_band = per_band.health_band
