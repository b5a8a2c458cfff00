{#
    One row per account that revenue and activity roll up to (CRM accounts
    after merges, plus stand-ins `billing:<customer_id>` for billing
    customers the CRM does not know). current_mrr is the MRR of the as-of
    month's snapshot (the end of the day before AS_OF_DATE) in the reporting
    currency; an account is active when it is positive.
#}

with

accounts as (

    select * from {{ ref('int_accounts__surviving') }}

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

paid as (

    select
        account_id,
        min(month) as first_paid_month,
        max(month) as last_paid_month,
        sum(case when month = {{ as_of_month() }} then mrr else 0 end) as current_mrr
    from mrr
    where mrr > 0
    group by account_id

)

select
    accounts.account_id,
    accounts.account_name,
    accounts.segment,
    accounts.touch_model,
    accounts.region,
    accounts.csm_owner_id,
    paid.first_paid_month,
    coalesce(paid.current_mrr, 0) > 0 as is_active,
    {{ to_money('coalesce(paid.current_mrr, 0)') }} as current_mrr,
    paid.last_paid_month,
    accounts.industry,
    accounts.country,
    accounts.employee_count,
    accounts.created_at,
    accounts.is_stand_in_account
from accounts
left join paid
    on accounts.account_id = paid.account_id
