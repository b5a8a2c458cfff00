{#
    The FX rate at each reporting month's snapshot, for every currency of
    the subscription items and the reporting currency (docs/metrics.md,
    MRR: Currency). The one rule for "the rate at a month's snapshot":
    every conversion of the project reads it, the revenue chain at each
    month's own rates, cohort retention at the cohort month's.

    The rate is the latest `fx_rates` row on or before the snapshot date,
    via USD cross rates: reporting_rate = usd_per_unit(currency) ÷
    usd_per_unit(reporting currency), 12 decimals; USD is 1 whether listed
    or not. A rate that is missing, or older than `fx_max_staleness_days`
    (for the currency or for the reporting currency), gives a NULL
    reporting_rate and is flagged: it is never converted with.

    A pair the revenue chain needs (is_in_use) fails the run instead, with
    a message naming currency and date: never a NULL or a zero in a mart. A
    currency is in use in month m when it has MRR in m, m−1 (movements
    restate m−1 at m's rates) or m−12 (trailing-12 retention), read off the
    paid month ranges of the item versions, or when it is contracted there
    (CMRR counts a version up to one billing interval before it pays); the
    reporting currency is in use wherever another currency is, to cross
    through. Other pairs are only listed, so a reader that needs one (cohort
    retention, at a cohort month) raises the error itself and a rate
    nobody needs never stops the night.
#}

{% set reporting_currency = var('reporting_currency') | upper %}

with

rates as (

    select
        rate_date,
        currency,
        usd_per_unit
    from {{ ref('stg_billing__fx_rates') }}
    where
        currency <> 'USD'
        and usd_per_unit > 0

),

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

versions as (

    select
        currency,
        first_paid_month,
        last_paid_month,
        has_paid_months,
        -- CMRR counts a version up to one billing interval before it pays.
        {{ add_months(local_month('valid_from'), '-billing_interval_months') }}
            as first_contracted_month,
        least(coalesce({{ local_month('valid_to') }}, {{ as_of_month() }}), {{ as_of_month() }})
            as last_scheduled_month
    from {{ ref('int_revenue__subscription_item_mrr') }}
    where
        not is_test
        and mrr_original <> 0

),

-- Each distinct paid range once (few), spread over its months: the month
-- itself, the month after (movements restate m−1 at m's rates) and twelve
-- months later (trailing-12 retention restates m−12 at m's rates).
paid_ranges as (

    select distinct
        currency,
        first_paid_month,
        last_paid_month
    from versions
    where has_paid_months

),

contracted_ranges as (

    select distinct
        currency,
        first_contracted_month,
        case
            when has_paid_months then first_paid_month else last_scheduled_month
        end as last_contracted_month
    from versions

),

used as (

    select
        months.month,
        paid_ranges.currency
    from paid_ranges
    inner join months
        on
            paid_ranges.first_paid_month <= months.month
            and {{ add_months('paid_ranges.last_paid_month', 1) }} >= months.month

    union all

    select
        months.month,
        paid_ranges.currency
    from paid_ranges
    inner join months
        on
            {{ add_months('paid_ranges.first_paid_month', 12) }} <= months.month
            and {{ add_months('paid_ranges.last_paid_month', 12) }} >= months.month

    union all

    select
        months.month,
        contracted_ranges.currency
    from contracted_ranges
    inner join months
        on
            contracted_ranges.first_contracted_month <= months.month
            and contracted_ranges.last_contracted_month >= months.month

),

in_use as (

    select distinct
        month,
        currency
    from (
        select
            month,
            currency
        from used
        union all
        select
            month,
            '{{ reporting_currency }}' as currency
        from used
    ) as used_and_reporting

),

currencies as (

    select distinct currency
    from versions

    union

    select '{{ reporting_currency }}' as currency

),

month_currencies as (

    select
        months.month,
        months.snapshot_date,
        currencies.currency,
        in_use.month is not null as is_in_use
    from months
    cross join currencies
    left join in_use
        on
            months.month = in_use.month
            and currencies.currency = in_use.currency

),

candidates as (

    select
        month_currencies.month,
        month_currencies.currency,
        rates.rate_date,
        rates.usd_per_unit,
        row_number() over (
            partition by month_currencies.month, month_currencies.currency
            order by rates.rate_date desc
        ) as recency
    from month_currencies
    inner join rates
        on
            month_currencies.currency = rates.currency
            and month_currencies.snapshot_date >= rates.rate_date

),

latest as (

    select
        month_currencies.month,
        month_currencies.currency,
        month_currencies.snapshot_date,
        month_currencies.is_in_use,
        case
            when month_currencies.currency = 'USD' then month_currencies.snapshot_date
            else candidates.rate_date
        end as rate_date,
        case
            when month_currencies.currency = 'USD' then cast(1 as {{ type_rate() }})
            else candidates.usd_per_unit
        end as usd_per_unit
    from month_currencies
    left join candidates
        on
            month_currencies.month = candidates.month
            and month_currencies.currency = candidates.currency
            and candidates.recency = 1

),

checked as (

    select
        month,
        currency,
        snapshot_date,
        is_in_use,
        rate_date,
        rate_date is null as is_missing,
        coalesce(
            {{ dbt.datediff('rate_date', 'snapshot_date', 'day') }}
            > {{ var('fx_max_staleness_days') }},
            false
        ) as is_stale,
        case
            when
                is_in_use
                and (
                    rate_date is null
                    or {{ dbt.datediff('rate_date', 'snapshot_date', 'day') }}
                    > {{ var('fx_max_staleness_days') }}
                )
                then {{ raise_error(
                    "'FX rate missing: no ' || currency || ' rate on or within "
                    ~ var('fx_max_staleness_days')
                    ~ " days before ' || cast(snapshot_date as "
                    ~ dbt.type_string() ~ ") || ' (latest: ' || coalesce(cast(rate_date as "
                    ~ dbt.type_string() ~ "), 'none') || ')'"
                ) }}
            else usd_per_unit
        end as usd_per_unit
    from latest

),

reporting as (

    select
        month,
        usd_per_unit as reporting_usd_per_unit,
        is_missing as is_reporting_missing,
        is_stale as is_reporting_stale
    from checked
    where currency = '{{ reporting_currency }}'

),

flagged as (

    select
        checked.month,
        checked.currency,
        checked.snapshot_date,
        checked.rate_date,
        checked.usd_per_unit,
        reporting.reporting_usd_per_unit,
        checked.is_in_use,
        checked.is_missing or reporting.is_reporting_missing as is_missing,
        checked.is_stale or reporting.is_reporting_stale as is_stale
    from checked
    inner join reporting
        on checked.month = reporting.month

)

select
    month,
    currency,
    snapshot_date,
    rate_date,
    usd_per_unit,
    case
        when not is_missing and not is_stale
            then {{ divide_exact('usd_per_unit', 'reporting_usd_per_unit', 12) }}
    end as reporting_rate,
    is_in_use,
    is_missing,
    is_stale
from flagged
