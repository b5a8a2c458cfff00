{#
    Logo and revenue retention by cohort × months since start × slice
    (docs/metrics.md, Churn cohorts). User-facing definitions in
    _customer__models.yml; in short:

    - member: an account (slices `all` and the account attributes of the
      declared slices, macros/slices.sql: current attributes from
      dim_accounts, `unknown` when missing), or an account × product (slice
      product);
    - cohort month: the member's first month with MRR > 0 (dim_accounts
      first_paid_month; per product, the first month with MRR on it), fixed
      for life, whatever reactivation_window_months says;
    - at k months since start, for every complete month cohort + k: active
      members (MRR > 0 at cohort + k, a reactivated member counts again) and
      their MRR, every fct_mrr row converted at the cohort month's rates
      (int_revenue__fx_rates_by_month, the rule fct_mrr converts by) so
      revenue retention is at constant currency; months a cohort has not
      reached are absent, not zero.

    The revenue chain only fails for the pairs it needs itself; a cohort
    needing another pair whose rate is missing or stale fails the run here,
    naming currency and date.
#}

with

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

rates as (

    select * from {{ ref('int_revenue__fx_rates_by_month') }}

),

complete_months as (

    select month
    from months
    where not is_partial_month

),

account_cohorts as (

    select
        accounts.account_id,
        accounts.first_paid_month as cohort_month,
        {{ account_slice_columns('accounts') }}
    from accounts
    where accounts.first_paid_month is not null

),

product_cohorts as (

    select
        account_id,
        product_id,
        min(month) as cohort_month
    from mrr
    where mrr > 0
    group by account_id, product_id

),

-- Every MRR row of a complete month, once for its account's cohort (product
-- NULL) and once for its account × product cohort, with the cohort month
-- whose rates value it.
cohort_rows as (

    select
        mrr.account_id,
        cast(null as {{ dbt.type_string() }}) as product_id,
        account_cohorts.cohort_month,
        mrr.month,
        mrr.currency,
        mrr.mrr_original
    from mrr
    inner join complete_months
        on mrr.month = complete_months.month
    inner join account_cohorts
        on mrr.account_id = account_cohorts.account_id

    union all

    select
        mrr.account_id,
        mrr.product_id,
        product_cohorts.cohort_month,
        mrr.month,
        mrr.currency,
        mrr.mrr_original
    from mrr
    inner join complete_months
        on mrr.month = complete_months.month
    inner join product_cohorts
        on
            mrr.account_id = product_cohorts.account_id
            and mrr.product_id = product_cohorts.product_id

),

converted_rows as (

    select
        cohort_rows.account_id,
        cohort_rows.product_id,
        cohort_rows.cohort_month,
        cohort_rows.month,
        case
            when coalesce(rates.is_missing, true)
                then {{ raise_error(
                    "'FX rate missing for cohort retention: no ' || cohort_rows.currency"
                    ~ " || ' rate on or before ' || cast(rates.snapshot_date as "
                    ~ dbt.type_string() ~ ") || ' (cohort ' || cast(cohort_rows.cohort_month as "
                    ~ dbt.type_string() ~ ") || ')'"
                ) }}
            when rates.is_stale
                then {{ raise_error(
                    "'FX rate stale for cohort retention: the latest ' || cohort_rows.currency"
                    ~ " || ' rate before ' || cast(rates.snapshot_date as " ~ dbt.type_string()
                    ~ ") || ' is of ' || cast(rates.rate_date as " ~ dbt.type_string() ~ ")"
                ) }}
            else {{ convert_money('cohort_rows.mrr_original', 'rates.reporting_rate') }}
        end as cohort_rate_mrr
    from cohort_rows
    left join rates
        on
            cohort_rows.cohort_month = rates.month
            and cohort_rows.currency = rates.currency

),

-- Members' MRR per month at their cohort month's rates.
member_months as (

    select
        account_id,
        coalesce(product_id, '') as member_product_key,
        month,
        sum(cohort_rate_mrr) as cohort_rate_mrr
    from converted_rows
    group by
        account_id,
        coalesce(product_id, ''),
        month

),

members as (

    {{ member_slice_rows(
        'account_cohorts',
        'product_cohorts',
        "account_id, '' as member_product_key, cohort_month",
        'account_id, product_id as member_product_key, cohort_month'
    ) }}

),

cohort_sizes as (

    select
        slice_dimension,
        slice_value,
        cohort_month,
        count(*) as cohort_accounts
    from members
    group by slice_dimension, slice_value, cohort_month

),

member_activity as (

    select
        members.slice_dimension,
        members.slice_value,
        members.cohort_month,
        member_months.month,
        sum(case when member_months.cohort_rate_mrr > 0 then 1 else 0 end) as active_accounts,
        sum(member_months.cohort_rate_mrr) as cohort_mrr
    from members
    inner join member_months
        on
            members.account_id = member_months.account_id
            and members.member_product_key = member_months.member_product_key
    group by
        members.slice_dimension,
        members.slice_value,
        members.cohort_month,
        member_months.month

),

-- Every complete month a cohort has reached, quiet ones included; later
-- months do not exist for it.
cohort_months as (

    select
        cohort_sizes.slice_dimension,
        cohort_sizes.slice_value,
        cohort_sizes.cohort_month,
        cohort_sizes.cohort_accounts,
        complete_months.month
    from cohort_sizes
    inner join complete_months
        on cohort_sizes.cohort_month <= complete_months.month

),

filled as (

    select
        cohort_months.cohort_month,
        {{ dbt.datediff('cohort_months.cohort_month', 'cohort_months.month', 'month') }}
            as months_since_start,
        cohort_months.month,
        cohort_months.slice_dimension,
        cohort_months.slice_value,
        cohort_months.cohort_accounts,
        coalesce(member_activity.active_accounts, 0) as active_accounts,
        coalesce(member_activity.cohort_mrr, 0) as cohort_mrr
    from cohort_months
    left join member_activity
        on
            cohort_months.slice_dimension = member_activity.slice_dimension
            and cohort_months.slice_value = member_activity.slice_value
            and cohort_months.cohort_month = member_activity.cohort_month
            and cohort_months.month = member_activity.month

),

with_start as (

    select
        filled.*,
        cohort_starts.cohort_mrr as cohort_start_mrr
    from filled
    inner join filled as cohort_starts
        on
            filled.slice_dimension = cohort_starts.slice_dimension
            and filled.slice_value = cohort_starts.slice_value
            and filled.cohort_month = cohort_starts.cohort_month
            and cohort_starts.months_since_start = 0

)

select
    cohort_month,
    cast(months_since_start as {{ dbt.type_int() }}) as months_since_start,
    cast(slice_dimension as {{ dbt.type_string() }}) as slice_dimension,
    cast(slice_value as {{ dbt.type_string() }}) as slice_value,
    cast(cohort_accounts as {{ dbt.type_bigint() }}) as cohort_accounts,
    cast(active_accounts as {{ dbt.type_bigint() }}) as active_accounts,
    {{ divide_exact('active_accounts', 'nullif(cohort_accounts, 0)') }} as logo_retention,
    {{ to_money('cohort_mrr') }} as cohort_mrr,
    {{ divide_exact('cohort_mrr', 'nullif(cohort_start_mrr, 0)') }} as revenue_retention,
    month,
    {{ to_money('cohort_start_mrr') }} as cohort_start_mrr
from with_start
