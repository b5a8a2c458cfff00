{#
    Each CSM's book per month (docs/metrics.md, CSM portfolio and renewals), at
    the month's snapshot day (the last local day the month's snapshot
    covers; the day before AS_OF_DATE for the partial as-of month):
    - accounts, mrr: the paying accounts the CSM owned that day and their
      MRR in the month (fct_mrr). The owner is the one the nightly attribute
      snapshot had that day (fct_account_health_daily.csm_owner_id); an
      account not scored that day falls back to its current owner
      (dim_accounts);
    - at_risk_mrr: the part of it in accounts whose health band was red;
    - renewals_due_90d_mrr: MRR up for renewal at term ends in the 90 days
      after the snapshot day (fct_renewals);
    - touches_30d: CRM activities (calls, meetings, emails, QBRs, sessions,
      trainings) on the CSM's accounts in the 30 days up to that day;
    - renewed_mrr ÷ renewals_closed_mrr = renewal_rate of the term ends that
      fell in the month.
    Accounts without an owner are grouped under csm_owner_id `unassigned`.
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

renewals as (

    select * from {{ ref('fct_renewals') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

activities as (

    select * from {{ ref('int_accounts__activities_attributed') }}

),

account_mrr as (

    select
        month,
        account_id,
        sum(mrr) as mrr
    from mrr
    group by month, account_id

),

book as (

    select
        months.month,
        months.snapshot_date,
        account_mrr.account_id,
        account_mrr.mrr,
        coalesce(health.csm_owner_id, accounts.csm_owner_id, 'unassigned') as csm_owner_id,
        health.health_band
    from months
    inner join account_mrr
        on months.month = account_mrr.month
    left join health
        on
            account_mrr.account_id = health.account_id
            and months.snapshot_date = health.score_date
    left join accounts
        on account_mrr.account_id = accounts.account_id
    where account_mrr.mrr > 0

),

due as (

    select
        book.month,
        book.csm_owner_id,
        sum(renewals.mrr_up_for_renewal) as renewals_due_90d_mrr
    from book
    inner join renewals
        on
            book.account_id = renewals.account_id
            and book.snapshot_date < renewals.term_end_date
            and cast({{ dbt.dateadd('day', 90, 'book.snapshot_date') }} as date)
            >= renewals.term_end_date
    group by book.month, book.csm_owner_id

),

closed as (

    select
        book.month,
        book.csm_owner_id,
        sum(renewals.mrr_up_for_renewal) as renewals_closed_mrr,
        sum(renewals.renewed_mrr) as renewed_mrr
    from book
    inner join renewals
        on
            book.account_id = renewals.account_id
            and cast({{ dbt.date_trunc('month', 'renewals.term_end_date') }} as date) = book.month
            and not renewals.is_pending
    group by book.month, book.csm_owner_id

),

touches as (

    select
        book.month,
        book.csm_owner_id,
        count(*) as touches_30d
    from book
    inner join activities
        on
            book.account_id = activities.account_id
            and {{ local_date('activities.occurred_at') }} <= book.snapshot_date
            and {{ local_date('activities.occurred_at') }}
            > cast({{ dbt.dateadd('day', -30, 'book.snapshot_date') }} as date)
    group by book.month, book.csm_owner_id

),

portfolio as (

    select
        month,
        csm_owner_id,
        count(*) as accounts,
        sum(mrr) as mrr,
        sum(case when health_band = 'red' then mrr else 0 end) as at_risk_mrr,
        sum(case when health_band is null then 1 else 0 end) as unscored_accounts
    from book
    group by month, csm_owner_id

)

select
    portfolio.month,
    cast(portfolio.csm_owner_id as {{ dbt.type_string() }}) as csm_owner_id,
    cast(portfolio.accounts as {{ dbt.type_bigint() }}) as accounts,
    {{ to_money('portfolio.mrr') }} as mrr,
    {{ to_money('portfolio.at_risk_mrr') }} as at_risk_mrr,
    {{ to_money('coalesce(due.renewals_due_90d_mrr, 0)') }} as renewals_due_90d_mrr,
    cast(coalesce(touches.touches_30d, 0) as {{ dbt.type_bigint() }}) as touches_30d,
    {{ to_money('coalesce(closed.renewals_closed_mrr, 0)') }} as renewals_closed_mrr,
    {{ to_money('coalesce(closed.renewed_mrr, 0)') }} as renewed_mrr,
    {{ divide_exact('closed.renewed_mrr', 'nullif(closed.renewals_closed_mrr, 0)') }}
        as renewal_rate,
    cast(portfolio.unscored_accounts as {{ dbt.type_bigint() }}) as unscored_accounts
from portfolio
left join due
    on
        portfolio.month = due.month
        and portfolio.csm_owner_id = due.csm_owner_id
left join closed
    on
        portfolio.month = closed.month
        and portfolio.csm_owner_id = closed.csm_owner_id
left join touches
    on
        portfolio.month = touches.month
        and portfolio.csm_owner_id = touches.csm_owner_id
