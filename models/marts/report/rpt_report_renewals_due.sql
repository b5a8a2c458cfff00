{#
    Renewals due within report_renewal_horizon_days (90) of AS_OF_DATE
    (docs/metrics.md, The morning report): the pending term ends of
    fct_renewals from the as-of date up to the horizon (excluded), with the
    account's health on the latest score day, ranked by MRR up for renewal
    (largest first), then term end, account and item; is_listed marks the
    first report_list_rows (10). is_at_risk: the band is one of
    report_at_risk_bands. The horizon is at most 90 days, as far ahead as
    fct_renewals lists term ends.
#}

{%- set horizon_days = report_count_var('report_renewal_horizon_days', 90) %}
{%- set list_rows = report_count_var('report_list_rows') %}

with

renewals as (

    select * from {{ ref('fct_renewals') }}

),

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

due as (

    select * from renewals
    where
        is_pending
        and term_end_date >= {{ as_of_date_literal() }}
        and term_end_date
        < cast({{ dbt.dateadd('day', horizon_days, as_of_date_literal()) }} as date)

),

with_health as (

    select
        due.term_end_date,
        {{ dbt.datediff(as_of_date_literal(), 'due.term_end_date', 'day') }}
            as days_to_term_end,
        due.account_id,
        accounts.account_name,
        due.product_id,
        due.subscription_item_id,
        due.mrr_up_for_renewal,
        latest_health.health_band,
        bands.band_order,
        latest_health.health_score,
        latest_health.score_change_30d,
        coalesce(latest_health.health_band in ({{ report_at_risk_band_list() }}), false)
            as is_at_risk,
        coalesce(latest_health.csm_owner_id, accounts.csm_owner_id, 'unassigned')
            as csm_owner_id,
        row_number() over (
            order by
                due.mrr_up_for_renewal desc,
                due.term_end_date asc,
                due.account_id asc,
                due.subscription_item_id asc
        ) as renewal_rank
    from due
    left join latest_health
        on due.account_id = latest_health.account_id
    left join bands
        on latest_health.health_band = bands.health_band
    left join accounts
        on due.account_id = accounts.account_id

)

select
    cast(renewal_rank as {{ dbt.type_int() }}) as renewal_rank,
    term_end_date,
    cast(days_to_term_end as {{ dbt.type_int() }}) as days_to_term_end,
    account_id,
    account_name,
    product_id,
    subscription_item_id,
    mrr_up_for_renewal,
    health_band,
    band_order,
    health_score,
    score_change_30d,
    is_at_risk,
    cast(csm_owner_id as {{ dbt.type_string() }}) as csm_owner_id,
    renewal_rank <= {{ list_rows }} as is_listed
from with_health
