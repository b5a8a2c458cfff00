{#
    Onboarding, time to value and adoption per start cohort × slice
    (docs/metrics.md, Onboarding, adoption, time to value). Per-account facts in
    int_onboarding__account_progress and
    int_usage__core_feature_adoption; definitions in
    _customer__models.yml. In short:

    - start cohort: the account's first paid month (dim_accounts
      first_paid_month, the churn cohort); accounts_started = accounts of
      the cohort, the partial as-of month included;
    - onboarding_completion_rate = accounts with every milestone completed
      by day 90 ÷ accounts started;
    - TTV percentiles with censoring: over ALL accounts started, an account
      not at value yet only known to need more than observed_days. A
      percentile (continuous interpolation between the order statistics at
      ranks floor(h) and ceil(h), h = (n − 1) × p) is reported once those
      order statistics are certain: both are TTVs of accounts at value and
      no censored account could still fall below them (the upper one is at
      most the smallest observed_days of a censored account). Otherwise it
      is NULL: not yet known. A reported value is therefore final, the
      value the cohort will keep however the censored accounts end up;
    - adoption_rate = paying accounts (at the as-of snapshot) whose 30-day
      core-feature adoption is ≥ 50 % ÷ paying accounts; successful_accounts
      = paying_accounts × adoption_rate, i.e. the adopted paying accounts.
#}

{%- set percentiles = [('median', 50), ('p75', 75)] -%}

with

accounts as (

    select * from {{ ref('dim_accounts') }}

),

onboarding as (

    select * from {{ ref('int_onboarding__account_progress') }}

),

adoption as (

    select * from {{ ref('int_usage__core_feature_adoption') }}

),

started as (

    select
        accounts.account_id,
        accounts.first_paid_month as cohort_month,
        {{ account_slice_columns('accounts') }},
        accounts.is_active as is_paying,
        coalesce(adoption.is_adopted, false) as is_adopted,
        onboarding.is_onboarding_completed_90d,
        onboarding.is_onboarding_window_open,
        onboarding.has_reached_value,
        onboarding.ttv_days,
        onboarding.observed_days
    from accounts
    inner join onboarding
        on accounts.account_id = onboarding.account_id
    left join adoption
        on accounts.account_id = adoption.account_id
    where accounts.first_paid_month is not null

),

-- Every account once per account slice (macros/slices.sql): all, then
-- each account attribute.
sliced as (

    {{ slice_rows('started', account_slice_dimensions()) }}

),

cohorts as (

    select
        cohort_month,
        slice_dimension,
        slice_value,
        count(*) as accounts_started,
        sum(case when is_onboarding_completed_90d then 1 else 0 end) as onboarding_completed_90d,
        sum(case when is_onboarding_window_open then 1 else 0 end) as onboarding_window_open,
        sum(case when has_reached_value then 1 else 0 end) as accounts_reached_value,
        sum(case when has_reached_value then 0 else 1 end) as accounts_censored,
        min(case when not has_reached_value then observed_days end)
            as min_censored_observed_days,
        sum(case when is_paying then 1 else 0 end) as paying_accounts,
        sum(case when is_paying and is_adopted then 1 else 0 end) as adopted_accounts
    from sliced
    group by cohort_month, slice_dimension, slice_value

),

-- TTVs of the accounts at value, ranked from 0 within their cohort × slice.
ranked_ttv as (

    select
        cohort_month,
        slice_dimension,
        slice_value,
        ttv_days,
        row_number() over (
            partition by cohort_month, slice_dimension, slice_value
            order by ttv_days, account_id
        ) - 1 as value_rank
    from sliced
    where has_reached_value

),

-- Where each percentile sits: h = (n − 1) × p with p = percent ÷ 100, the
-- order statistics at ranks floor(h) and ceil(h), fraction = rank_remainder ÷ 100.
percentile_positions as (

    {% for name, percent in percentiles %}
    {% if not loop.first %}union all{% endif %}
    select
        cohort_month,
        slice_dimension,
        slice_value,
        min_censored_observed_days,
        '{{ name }}' as percentile_name,
        cast(
            (
                (accounts_started - 1) * {{ percent }}
                - mod((accounts_started - 1) * {{ percent }}, 100)
            )
            / 100 as {{ dbt.type_bigint() }}
        ) as lower_rank,
        mod((accounts_started - 1) * {{ percent }}, 100) as rank_remainder
    from cohorts
    {% endfor %}

),

-- A percentile is certain when both order statistics are TTVs of accounts
-- at value and no censored account can still come in below the upper one.
percentile_values as (

    select
        percentile_positions.cohort_month,
        percentile_positions.slice_dimension,
        percentile_positions.slice_value,
        percentile_positions.percentile_name,
        case
            when
                upper_ttv.ttv_days is not null
                and (
                    percentile_positions.min_censored_observed_days is null
                    or upper_ttv.ttv_days <= percentile_positions.min_censored_observed_days
                )
                then
                    cast(lower_ttv.ttv_days as decimal(38, 9))
                    + {{ divide_exact(
                        '(upper_ttv.ttv_days - lower_ttv.ttv_days)'
                        ~ ' * percentile_positions.rank_remainder',
                        '100'
                    ) }}
        end as ttv_days
    from percentile_positions
    left join ranked_ttv as lower_ttv
        on
            percentile_positions.cohort_month = lower_ttv.cohort_month
            and percentile_positions.slice_dimension = lower_ttv.slice_dimension
            and percentile_positions.slice_value = lower_ttv.slice_value
            and percentile_positions.lower_rank = lower_ttv.value_rank
    left join ranked_ttv as upper_ttv
        on
            percentile_positions.cohort_month = upper_ttv.cohort_month
            and percentile_positions.slice_dimension = upper_ttv.slice_dimension
            and percentile_positions.slice_value = upper_ttv.slice_value
            and percentile_positions.lower_rank
            + case when percentile_positions.rank_remainder > 0 then 1 else 0 end
            = upper_ttv.value_rank

),

percentiles_by_cohort as (

    select
        cohort_month,
        slice_dimension,
        slice_value,
        max(case when percentile_name = 'median' then ttv_days end) as ttv_days_median,
        max(case when percentile_name = 'p75' then ttv_days end) as ttv_days_p75
    from percentile_values
    group by cohort_month, slice_dimension, slice_value

),

interpolated as (

    select
        cohorts.*,
        percentiles_by_cohort.ttv_days_median,
        percentiles_by_cohort.ttv_days_p75
    from cohorts
    inner join percentiles_by_cohort
        on
            cohorts.cohort_month = percentiles_by_cohort.cohort_month
            and cohorts.slice_dimension = percentiles_by_cohort.slice_dimension
            and cohorts.slice_value = percentiles_by_cohort.slice_value

)

select
    cohort_month,
    cast(slice_dimension as {{ dbt.type_string() }}) as slice_dimension,
    cast(slice_value as {{ dbt.type_string() }}) as slice_value,
    cast(accounts_started as {{ dbt.type_bigint() }}) as accounts_started,
    cast(onboarding_completed_90d as {{ dbt.type_bigint() }}) as onboarding_completed_90d,
    {{ divide_exact('onboarding_completed_90d', 'nullif(accounts_started, 0)') }}
        as onboarding_completion_rate,
    cast(ttv_days_median as decimal(38, 9)) as ttv_days_median,
    cast(ttv_days_p75 as decimal(38, 9)) as ttv_days_p75,
    cast(onboarding_window_open as {{ dbt.type_bigint() }}) as onboarding_window_open,
    cast(accounts_reached_value as {{ dbt.type_bigint() }}) as accounts_reached_value,
    cast(accounts_censored as {{ dbt.type_bigint() }}) as accounts_censored,
    cast(min_censored_observed_days as {{ dbt.type_bigint() }}) as min_censored_observed_days,
    cast(paying_accounts as {{ dbt.type_bigint() }}) as paying_accounts,
    cast(adopted_accounts as {{ dbt.type_bigint() }}) as adopted_accounts,
    {{ divide_exact('adopted_accounts', 'nullif(paying_accounts, 0)') }} as adoption_rate,
    cast(adopted_accounts as {{ dbt.type_bigint() }}) as successful_accounts
from interpolated
