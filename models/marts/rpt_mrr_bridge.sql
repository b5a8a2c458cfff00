{#
    The MRR bridge per month (docs/metrics.md, MRR movements): opening MRR (m−1
    at m−1's rates) + new + reactivation + expansion − contraction − churn
    + fx = closing MRR (m at m's rates), with account counts and contracted
    MRR. contraction_mrr and churn_mrr are positive numbers.

    Closing MRR is read from fct_mrr; the opening is the running total of
    every earlier month's movements and fx, built from the change points
    alone. Singular tests assert the identity and opening(m) = closing(m−1)
    to the cent, so they check the movements against fct_mrr every month.
#}

with

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

changes as (

    select * from {{ ref('int_revenue__mrr_account_movements') }}
    where movement_type is not null

),

fx_effects as (

    select * from {{ ref('int_revenue__mrr_fx_effects') }}

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

contracted as (

    select * from {{ ref('int_revenue__contracted_mrr') }}

),

movements as (

    select
        month,
        sum(case when movement_type = 'new' then current_mrr else 0 end) as new_mrr,
        sum(case when movement_type = 'reactivation' then current_mrr else 0 end)
            as reactivation_mrr,
        sum(case when movement_type = 'expansion' then current_mrr - previous_mrr else 0 end)
            as expansion_mrr,
        sum(case when movement_type = 'contraction' then previous_mrr - current_mrr else 0 end)
            as contraction_mrr,
        sum(case when movement_type = 'churn' then previous_mrr else 0 end) as churn_mrr,
        sum(case when movement_type = 'new' then 1 else 0 end) as new_accounts,
        sum(case when movement_type = 'reactivation' then 1 else 0 end) as reactivated_accounts,
        sum(case when movement_type = 'churn' then 1 else 0 end) as churned_accounts
    from changes
    group by month

),

fx as (

    select
        month,
        sum(fx_mrr) as fx_mrr
    from fx_effects
    group by month

),

closing as (

    select
        month,
        sum(mrr) as closing_mrr
    from mrr
    group by month

),

monthly as (

    select
        months.month,
        months.is_partial_month,
        coalesce(movements.new_mrr, 0) as new_mrr,
        coalesce(movements.reactivation_mrr, 0) as reactivation_mrr,
        coalesce(movements.expansion_mrr, 0) as expansion_mrr,
        coalesce(movements.contraction_mrr, 0) as contraction_mrr,
        coalesce(movements.churn_mrr, 0) as churn_mrr,
        coalesce(fx.fx_mrr, 0) as fx_mrr,
        coalesce(closing.closing_mrr, 0) as closing_mrr,
        coalesce(movements.new_accounts, 0) as new_accounts,
        coalesce(movements.reactivated_accounts, 0) as reactivated_accounts,
        coalesce(movements.churned_accounts, 0) as churned_accounts
    from months
    left join movements
        on months.month = movements.month
    left join fx
        on months.month = fx.month
    left join closing
        on months.month = closing.month

),

running as (

    select
        *,
        coalesce(sum(
            new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr - churn_mrr + fx_mrr
        ) over (order by month rows between unbounded preceding and 1 preceding), 0)
            as opening_mrr,
        sum(new_accounts + reactivated_accounts - churned_accounts) over (
            order by month rows between unbounded preceding and current row
        ) as closing_accounts
    from monthly

)

select
    running.month,
    {{ to_money('running.opening_mrr') }} as opening_mrr,
    {{ to_money('running.new_mrr') }} as new_mrr,
    {{ to_money('running.reactivation_mrr') }} as reactivation_mrr,
    {{ to_money('running.expansion_mrr') }} as expansion_mrr,
    {{ to_money('running.contraction_mrr') }} as contraction_mrr,
    {{ to_money('running.churn_mrr') }} as churn_mrr,
    {{ to_money('running.fx_mrr') }} as fx_mrr,
    {{ to_money('running.closing_mrr') }} as closing_mrr,
    cast(
        running.closing_accounts - running.new_accounts - running.reactivated_accounts
        + running.churned_accounts as {{ dbt.type_bigint() }}
    ) as opening_accounts,
    cast(running.new_accounts as {{ dbt.type_bigint() }}) as new_accounts,
    cast(running.reactivated_accounts as {{ dbt.type_bigint() }}) as reactivated_accounts,
    cast(running.churned_accounts as {{ dbt.type_bigint() }}) as churned_accounts,
    cast(running.closing_accounts as {{ dbt.type_bigint() }}) as closing_accounts,
    {{ to_money('coalesce(contracted.cmrr, 0)') }} as cmrr,
    running.is_partial_month
from running
left join contracted
    on running.month = contracted.month
