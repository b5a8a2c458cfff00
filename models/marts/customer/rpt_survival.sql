{#
    Kaplan–Meier survival of time to first churn (docs/metrics.md, Churn
    cohorts, Survival), per slice × cohort year × months since start.

    - Member: an account with a complete cohort month (first month with MRR
      > 0, dim_accounts.first_paid_month, before the as-of month); slices
      `all` and the account attributes of the declared slices
      (macros/slices.sql: segment, touch_model, region; current attributes,
      `unknown` when missing), cohort_year = the cohort month's year.
    - Time: months from the cohort month to the first churn month of
      fct_mrr_movements (a complete month). An account with no churn by the
      last complete month is right-censored there, at last complete month −
      cohort month; a churn in the partial as-of month is not yet counted.
    - At t: at_risk = members whose exit time (churn or censoring) is ≥ t;
      churned = first churns at t; censored = censored at t (still at risk
      at t: censoring happens after the churns of t).
    - survival(t) = Π over t' ≤ t of (1 − churned(t') ÷ at_risk(t')). Each
      factor is exact to 18 decimals (divide_exact) and the running product
      is rounded to 18 decimals after every factor (macro rounded_product),
      so it is within t × 10^-18 of the exact product before the final
      rounding to 9 decimals; never floating point.
    - Rows for every t from 0 to the group's longest follow-up, months
      without churn included (survival carries over).
#}

with

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

complete_months as (

    select month
    from months
    where not is_partial_month

),

last_complete_month as (

    select max(month) as month
    from complete_months

),

first_churns as (

    select
        movements.account_id,
        min(movements.month) as first_churn_month
    from movements
    inner join complete_months
        on movements.month = complete_months.month
    where movements.movement_type = 'churn'
    group by movements.account_id

),

account_exits as (

    select
        accounts.account_id,
        cast(extract(year from accounts.first_paid_month) as {{ dbt.type_int() }})
            as cohort_year,
        {{ account_slice_columns('accounts') }},
        first_churns.first_churn_month is not null as has_churned,
        {{ dbt.datediff(
            'accounts.first_paid_month',
            'coalesce(first_churns.first_churn_month, last_complete_month.month)',
            'month'
        ) }} as exit_time
    from accounts
    cross join last_complete_month
    left join first_churns
        on accounts.account_id = first_churns.account_id
    where accounts.first_paid_month <= last_complete_month.month

),

members as (

    {{ slice_rows(
        'account_exits', account_slice_dimensions(), 'cohort_year, has_churned, exit_time'
    ) }}

),

exits as (

    select
        slice_dimension,
        slice_value,
        cohort_year,
        exit_time,
        sum(case when has_churned then 1 else 0 end) as churned,
        sum(case when has_churned then 0 else 1 end) as censored
    from members
    group by slice_dimension, slice_value, cohort_year, exit_time

),

groups as (

    select
        slice_dimension,
        slice_value,
        cohort_year,
        max(exit_time) as longest_follow_up
    from exits
    group by slice_dimension, slice_value, cohort_year

),

first_complete_month as (

    select min(month) as month
    from complete_months

),

-- 0, 1, … up to the number of complete months: every possible follow-up.
month_offsets as (

    select
        {{ dbt.datediff('first_complete_month.month', 'complete_months.month', 'month') }}
            as months_since_start
    from complete_months
    cross join first_complete_month

),

grid as (

    select
        groups.slice_dimension,
        groups.slice_value,
        groups.cohort_year,
        month_offsets.months_since_start
    from groups
    inner join month_offsets
        on groups.longest_follow_up >= month_offsets.months_since_start

),

life_table as (

    select
        grid.slice_dimension,
        grid.slice_value,
        grid.cohort_year,
        grid.months_since_start,
        coalesce(exits.churned, 0) as churned,
        coalesce(exits.censored, 0) as censored,
        sum(coalesce(exits.churned, 0) + coalesce(exits.censored, 0)) over (
            partition by grid.slice_dimension, grid.slice_value, grid.cohort_year
            order by grid.months_since_start desc
            rows between unbounded preceding and current row
        ) as at_risk
    from grid
    left join exits
        on
            grid.slice_dimension = exits.slice_dimension
            and grid.slice_value = exits.slice_value
            and grid.cohort_year = exits.cohort_year
            and grid.months_since_start = exits.exit_time

),

churn_factors as (

    select
        slice_dimension,
        slice_value,
        cohort_year,
        months_since_start,
        {{ divide_exact('at_risk - churned', 'at_risk', 18) }} as survival_factor
    from life_table
    where churned > 0

),

survival_products as (

    select
        life_table.slice_dimension,
        life_table.slice_value,
        life_table.cohort_year,
        life_table.months_since_start,
        {{ rounded_product('churn_factors.survival_factor', 'churn_factors.months_since_start') }}
            as survival
    from life_table
    inner join churn_factors
        on
            life_table.slice_dimension = churn_factors.slice_dimension
            and life_table.slice_value = churn_factors.slice_value
            and life_table.cohort_year = churn_factors.cohort_year
            and life_table.months_since_start >= churn_factors.months_since_start
    group by
        life_table.slice_dimension,
        life_table.slice_value,
        life_table.cohort_year,
        life_table.months_since_start

)

select
    cast(life_table.slice_dimension as {{ dbt.type_string() }}) as slice_dimension,
    cast(life_table.slice_value as {{ dbt.type_string() }}) as slice_value,
    life_table.cohort_year,
    cast(life_table.months_since_start as {{ dbt.type_int() }}) as months_since_start,
    cast(life_table.at_risk as {{ dbt.type_bigint() }}) as at_risk,
    cast(life_table.churned as {{ dbt.type_bigint() }}) as churned,
    cast(life_table.censored as {{ dbt.type_bigint() }}) as censored,
    cast(coalesce(survival_products.survival, 1) as decimal(38, 9)) as survival
from life_table
left join survival_products
    on
        life_table.slice_dimension = survival_products.slice_dimension
        and life_table.slice_value = survival_products.slice_value
        and life_table.cohort_year = survival_products.cohort_year
        and life_table.months_since_start = survival_products.months_since_start
