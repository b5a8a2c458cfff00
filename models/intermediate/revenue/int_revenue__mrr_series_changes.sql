{#
    The months in which an account's MRR changes, and every one of its
    account × product × currency series in those months (docs/metrics.md, MRR
    movements): previous and current MRR, in the plan currency and at the
    month's rates.

    MRR only changes where an item version starts or stops paying, so the
    chain works on those change points instead of every account-month: each
    paid version adds its MRR in its first paid month and takes it away in
    the month after its last one. Summed per series and month these are the
    series' changes; their running sum is its MRR. An account's movement in
    month m compares all of its series (products and currencies) at m's
    rates, so every series of the account gets a row in each of the
    account's change months, changed or not. That is a few rows per version
    rather than one per account-month, which keeps the chain linear in
    versions and well clear of the months × accounts spine.
#}

with

versions as (

    select * from {{ ref('int_revenue__subscription_item_mrr') }}
    where
        has_paid_months
        and not is_test
        and mrr_original <> 0

),

rates as (

    select * from {{ ref('int_revenue__fx_rates_by_month') }}

),

version_edges as (

    select
        account_id,
        product_id,
        currency,
        first_paid_month as month,
        mrr_original as change_original
    from versions

    union all

    select
        account_id,
        product_id,
        currency,
        {{ add_months('last_paid_month', 1) }} as month,
        -mrr_original as change_original
    from versions
    where last_paid_month < {{ as_of_month() }}

),

series_changes as (

    select
        account_id,
        product_id,
        currency,
        month,
        sum(change_original) as change_original
    from version_edges
    group by account_id, product_id, currency, month
    having sum(change_original) <> 0

),

account_change_months as (

    select distinct
        account_id,
        month
    from series_changes

),

account_series as (

    select distinct
        account_id,
        product_id,
        currency
    from series_changes

),

-- Each series of the account in each of the account's change months.
grid as (

    select
        account_change_months.month,
        account_series.account_id,
        account_series.product_id,
        account_series.currency,
        coalesce(series_changes.change_original, 0) as change_original,
        series_changes.account_id is not null as is_changed
    from account_change_months
    inner join account_series
        on account_change_months.account_id = account_series.account_id
    left join series_changes
        on
            account_change_months.month = series_changes.month
            and account_series.account_id = series_changes.account_id
            and account_series.product_id = series_changes.product_id
            and account_series.currency = series_changes.currency

),

levels as (

    select
        *,
        sum(change_original) over (
            partition by account_id, product_id, currency
            order by month
            rows between unbounded preceding and current row
        ) as current_original,
        lead(month) over (
            partition by account_id, product_id, currency
            order by month
        ) as next_change_month
    from grid

),

in_force as (

    select
        month,
        next_change_month,
        account_id,
        product_id,
        currency,
        is_changed,
        {{ to_money('current_original - change_original') }} as previous_original,
        {{ to_money('current_original') }} as current_original
    from levels
    where current_original <> 0 or change_original <> 0

)

select
    in_force.month,
    in_force.next_change_month,
    in_force.account_id,
    in_force.product_id,
    in_force.currency,
    in_force.is_changed,
    in_force.current_original,
    {{ convert_money('in_force.previous_original', 'rates.reporting_rate') }} as previous_mrr,
    {{ convert_money('in_force.current_original', 'rates.reporting_rate') }} as current_mrr
from in_force
inner join rates
    on
        in_force.month = rates.month
        and in_force.currency = rates.currency
