{#
    The churned accounts themselves (docs/metrics.md, The morning report):
    every churn event of fct_churn_events in the partial as-of month and the
    report_recent_churn_months (3) complete months before it, with the
    reason, its categories and the comment of the matched churn notice,
    ranked by churned MRR (largest first), then month and account.

    The comment is the matched notice's (int_accounts__churn_reasons_attributed):
    fct_churn_events names it by subscription (NULL for a notice recorded on
    the account, which then must be the churned account's), notice day and
    effective day; of several notices on the same days the latest given wins.
    A comment is the CRM's free text as recorded (docs/landing_contract.md).
#}

{%- set recent_months = report_count_var('report_recent_churn_months') %}

with

churns as (

    select * from {{ ref('fct_churn_events') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

notices as (

    select * from {{ ref('int_accounts__churn_reasons_attributed') }}

),

recent as (

    select * from churns
    where month >= {{ add_months(as_of_month(), -recent_months) }}

),

notice_comments as (

    select
        recent.month,
        recent.account_id,
        nullif(trim(notices.comment), '') as notice_comment,
        row_number() over (
            partition by recent.month, recent.account_id
            order by notices.notice_at desc nulls last, notices.comment asc
        ) as preference
    from recent
    inner join notices
        on
            recent.notice_date = {{ local_date('notices.notice_at') }}
            and recent.notice_effective_date = coalesce(
                {{ local_date('notices.effective_at') }}, {{ local_date('notices.notice_at') }}
            )
            and (
                recent.notice_subscription_id = notices.subscription_id
                or (
                    recent.notice_subscription_id is null
                    and notices.subscription_id is null
                    and recent.account_id = notices.account_id
                )
            )

)

select
    cast(row_number() over (
        order by recent.churned_mrr desc, recent.month desc, recent.account_id asc
    ) as {{ dbt.type_int() }}) as churn_rank,
    recent.month,
    recent.account_id,
    accounts.account_name,
    accounts.segment,
    cast(coalesce(accounts.csm_owner_id, 'unassigned') as {{ dbt.type_string() }})
        as csm_owner_id,
    recent.churned_mrr,
    recent.reason_code,
    recent.reason_label,
    recent.voluntary_category,
    recent.avoidability_category,
    recent.notice_date,
    recent.tenure_months,
    cast(notice_comments.notice_comment as {{ dbt.type_string() }}) as notice_comment,
    recent.is_partial_month
from recent
left join accounts
    on recent.account_id = accounts.account_id
left join notice_comments
    on
        recent.month = notice_comments.month
        and recent.account_id = notice_comments.account_id
        and notice_comments.preference = 1
