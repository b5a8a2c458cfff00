{#
    One row per account churn event (docs/metrics.md, Churn cohorts, Churn
    reasons): every account-level `churn` movement of fct_mrr_movements (the
    first month whose snapshot is 0 after a paying one), the partial as-of
    month included and flagged. Nothing is dropped: a churn without a
    matching notice, or whose notice has no reason, is `unknown`.

    Matching a churn notice (int_accounts__churn_reasons_attributed, after CRM
    merges) to the churn event of month m of its account. A notice naming a
    subscription belongs to the account that subscription bills (its billing
    customer's account, after merges; the notice's own account when billing
    does not know the subscription); a notice recorded on the account (no
    subscription_id, as most CRMs keep them) belongs to that account:
    - the notice's effective date (local day of effective_at; the notice day
      when effective_at is blank) lies in month m widened by
      churn_notice_tolerance_days (default 14) either side: billing and CRM
      often differ by a day or two (a contract ending on the 31st vs an item
      closing on the 1st; a UTC midnight that is the day before in New York);
    - it was given before the as-of instant (later notices are unknown to
      the run);
    - when several match (two subscriptions, a renewed notice), the latest
      notice given before the churn month's snapshot wins; when none was
      given by then, the earliest one given after it (a reason recorded after
      the fact); ties go to a subscription's notice over the account's, then
      by subscription id, effective date and reason code.
    With a tolerance of at most 14 days a notice can match only one churn:
    two churns of an account are at least two months apart (it must pay in
    between), so a notice never carries over to a later churn after a
    reactivation, and an account that churns twice needs a notice per churn
    (the contract's key includes effective_at for that).

    Categories come from the seed churn_reason_taxonomy; a code the seed
    does not know keeps its code with `unknown` categories. Tenure is
    counted in months from the account's first paid month (its cohort),
    through any gap before a reactivation.
#}

{%- set tolerance_days = var('churn_notice_tolerance_days') | int -%}
{%- if tolerance_days < 0 or tolerance_days > 14 -%}
    {{ exceptions.raise_compiler_error(
        'churn_notice_tolerance_days must be between 0 and 14, got ' ~ tolerance_days
    ) }}
{%- endif -%}

with

movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

notices as (

    select * from {{ ref('int_accounts__churn_reasons_attributed') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

billing_customers as (

    select * from {{ ref('int_accounts__billing_customers') }}

),

taxonomy as (

    select * from {{ ref('churn_reason_taxonomy') }}

),

churns as (

    select
        movements.month,
        movements.account_id,
        movements.previous_mrr as churned_mrr,
        months.snapshot_at,
        months.is_partial_month,
        row_number() over (
            partition by movements.account_id
            order by movements.month
        ) as churn_number
    from movements
    inner join months
        on movements.month = months.month
    where movements.movement_type = 'churn'

),

subscription_accounts as (

    select
        subscriptions.subscription_id,
        billing_customers.account_id
    from subscriptions
    inner join billing_customers
        on subscriptions.customer_id = billing_customers.customer_id

),

known_notices as (

    select
        coalesce(subscription_accounts.account_id, notices.account_id) as account_id,
        notices.subscription_id,
        nullif(trim(notices.reason_code), '') as reason_code,
        notices.notice_at,
        {{ local_date('notices.notice_at') }} as notice_date,
        coalesce({{ local_date('notices.effective_at') }}, {{ local_date('notices.notice_at') }})
            as effective_date
    from notices
    left join subscription_accounts
        on notices.subscription_id = subscription_accounts.subscription_id
    where notices.notice_at is null or notices.notice_at < {{ as_of_instant() }}

),

candidates as (

    select
        churns.account_id,
        churns.month,
        known_notices.subscription_id,
        known_notices.reason_code,
        known_notices.notice_at,
        known_notices.notice_date,
        known_notices.effective_date,
        coalesce(known_notices.notice_at < churns.snapshot_at, false) as is_given_by_snapshot
    from churns
    inner join known_notices
        on
            churns.account_id = known_notices.account_id
            and known_notices.effective_date
            >= cast({{ dbt.dateadd('day', -tolerance_days, 'churns.month') }} as date)
            and known_notices.effective_date
            < cast({{ dbt.dateadd('day', tolerance_days, add_months('churns.month', 1)) }} as date)

),

ranked_candidates as (

    select
        *,
        row_number() over (
            partition by account_id, month
            order by
                case when is_given_by_snapshot then 0 else 1 end,
                case when is_given_by_snapshot then notice_at end desc nulls last,
                case when not is_given_by_snapshot then notice_at end asc nulls last,
                subscription_id asc nulls last,
                effective_date asc,
                reason_code asc nulls last
        ) as preference
    from candidates

),

matched as (

    select
        churns.month,
        churns.account_id,
        churns.churned_mrr,
        churns.churn_number,
        churns.is_partial_month,
        ranked_candidates.subscription_id as notice_subscription_id,
        coalesce(ranked_candidates.reason_code, 'unknown') as reason_code,
        ranked_candidates.notice_date,
        ranked_candidates.effective_date,
        ranked_candidates.reason_code is not null as has_recorded_reason,
        accounts.first_paid_month
    from churns
    left join ranked_candidates
        on
            churns.account_id = ranked_candidates.account_id
            and churns.month = ranked_candidates.month
            and ranked_candidates.preference = 1
    left join accounts
        on churns.account_id = accounts.account_id

),

categorised as (

    select
        matched.*,
        coalesce(taxonomy.label, 'Reason code not in the taxonomy') as reason_label,
        coalesce(taxonomy.voluntary_category, 'unknown') as voluntary_category,
        coalesce(taxonomy.avoidability_category, 'unknown') as avoidability_category,
        {{ dbt.datediff('matched.first_paid_month', 'matched.month', 'month') }}
            as tenure_months,
        {{ dbt.datediff('matched.notice_date', 'matched.effective_date', 'day') }}
            as notice_lead_days
    from matched
    left join taxonomy
        on matched.reason_code = taxonomy.reason_code

)

select
    month,
    cast(account_id as {{ dbt.type_string() }}) as account_id,
    {{ to_money('churned_mrr') }} as churned_mrr,
    cast(reason_code as {{ dbt.type_string() }}) as reason_code,
    cast(voluntary_category as {{ dbt.type_string() }}) as voluntary_category,
    cast(avoidability_category as {{ dbt.type_string() }}) as avoidability_category,
    notice_date,
    cast(tenure_months as {{ dbt.type_int() }}) as tenure_months,
    cast(
        case
            when tenure_months is null then 'unknown'
            when tenure_months < 3 then '0-2m'
            when tenure_months < 6 then '3-5m'
            when tenure_months < 12 then '6-11m'
            when tenure_months < 24 then '12-23m'
            else '24m+'
        end as {{ dbt.type_string() }}
    ) as tenure_bucket,
    cast(reason_label as {{ dbt.type_string() }}) as reason_label,
    has_recorded_reason,
    effective_date as notice_effective_date,
    cast(notice_lead_days as {{ dbt.type_int() }}) as notice_lead_days,
    cast(notice_subscription_id as {{ dbt.type_string() }}) as notice_subscription_id,
    first_paid_month as cohort_month,
    cast(churn_number as {{ dbt.type_int() }}) as churn_number,
    is_partial_month
from categorised
