{#
    The MRR bridge per month (metrics.md, MRR movements): opening MRR (m−1
    at m−1's rates) + new + reactivation + expansion − contraction − churn
    + fx = closing MRR (m at m's rates), with account counts and contracted
    MRR. contraction_mrr and churn_mrr are positive numbers. Singular tests
    assert the identity and opening(m) = closing(m−1) to the cent.
#}

with

months as (

    select * from {{ ref('int_reporting_months') }}

),

changes as (

    select * from {{ ref('int_mrr_account_changes') }}

),

contracted as (

    select * from {{ ref('int_contracted_mrr') }}

),

monthly as (

    select
        month,
        sum(opening_mrr) as opening_mrr,
        sum(case when movement_type = 'new' then current_mrr else 0 end) as new_mrr,
        sum(case when movement_type = 'reactivation' then current_mrr else 0 end)
            as reactivation_mrr,
        sum(case when movement_type = 'expansion' then current_mrr - previous_mrr else 0 end)
            as expansion_mrr,
        sum(case when movement_type = 'contraction' then previous_mrr - current_mrr else 0 end)
            as contraction_mrr,
        sum(case when movement_type = 'churn' then previous_mrr else 0 end) as churn_mrr,
        sum(fx_mrr) as fx_mrr,
        sum(current_mrr) as closing_mrr,
        sum(case when previous_mrr > 0 then 1 else 0 end) as opening_accounts,
        sum(case when movement_type = 'new' then 1 else 0 end) as new_accounts,
        sum(case when movement_type = 'reactivation' then 1 else 0 end) as reactivated_accounts,
        sum(case when movement_type = 'churn' then 1 else 0 end) as churned_accounts,
        sum(case when current_mrr > 0 then 1 else 0 end) as closing_accounts
    from changes
    group by month

),

contracted_monthly as (

    select
        month,
        sum(cmrr) as cmrr
    from contracted
    group by month

)

select
    months.month,
    {{ to_money('coalesce(monthly.opening_mrr, 0)') }} as opening_mrr,
    {{ to_money('coalesce(monthly.new_mrr, 0)') }} as new_mrr,
    {{ to_money('coalesce(monthly.reactivation_mrr, 0)') }} as reactivation_mrr,
    {{ to_money('coalesce(monthly.expansion_mrr, 0)') }} as expansion_mrr,
    {{ to_money('coalesce(monthly.contraction_mrr, 0)') }} as contraction_mrr,
    {{ to_money('coalesce(monthly.churn_mrr, 0)') }} as churn_mrr,
    {{ to_money('coalesce(monthly.fx_mrr, 0)') }} as fx_mrr,
    {{ to_money('coalesce(monthly.closing_mrr, 0)') }} as closing_mrr,
    cast(coalesce(monthly.opening_accounts, 0) as {{ dbt.type_bigint() }}) as opening_accounts,
    cast(coalesce(monthly.new_accounts, 0) as {{ dbt.type_bigint() }}) as new_accounts,
    cast(coalesce(monthly.reactivated_accounts, 0) as {{ dbt.type_bigint() }})
        as reactivated_accounts,
    cast(coalesce(monthly.churned_accounts, 0) as {{ dbt.type_bigint() }}) as churned_accounts,
    cast(coalesce(monthly.closing_accounts, 0) as {{ dbt.type_bigint() }}) as closing_accounts,
    {{ to_money('coalesce(contracted_monthly.cmrr, 0)') }} as cmrr,
    months.is_partial_month
from months
left join monthly
    on months.month = monthly.month
left join contracted_monthly
    on months.month = contracted_monthly.month
