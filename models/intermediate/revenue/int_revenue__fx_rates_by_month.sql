{#
    The FX rate of each month's snapshot, for every currency that month's
    movements need (docs/metrics.md, MRR: Currency).

    A currency needs month m's rate when it has MRR in m, m−1 (movements
    restate m−1 at m's rates) or m−12 (trailing-12 retention), read off the
    paid month ranges of the item versions, or when it is contracted there
    (CMRR counts a version up to one billing interval before it pays). The
    rate is the latest `fx_rates` row on or before the snapshot date, via
    USD cross rates: reporting_rate = usd_per_unit(currency) ÷
    usd_per_unit(reporting currency); USD is 1 whether listed or not. No rate, or one older than `fx_max_staleness_days`,
    fails the run with a message naming currency and date: never a NULL or
    a zero in a mart.
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

-- Every currency in use, and the reporting currency to cross through.
needed as (

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
    where month <= {{ as_of_month() }}

),

candidates as (

    select
        needed.month,
        needed.currency,
        months.snapshot_date,
        rates.rate_date,
        rates.usd_per_unit,
        row_number() over (
            partition by needed.month, needed.currency
            order by rates.rate_date desc
        ) as recency
    from needed
    inner join months
        on needed.month = months.month
    left join rates
        on
            needed.currency = rates.currency
            and months.snapshot_date >= rates.rate_date

),

latest as (

    select
        month,
        currency,
        snapshot_date,
        case when currency = 'USD' then snapshot_date else rate_date end as rate_date,
        case
            when currency = 'USD' then cast(1 as {{ type_rate() }})
            else usd_per_unit
        end as usd_per_unit
    from candidates
    where recency = 1

),

checked as (

    select
        month,
        currency,
        snapshot_date,
        rate_date,
        case
            when
                rate_date is null
                or {{ dbt.datediff('rate_date', 'snapshot_date', 'day') }}
                > {{ var('fx_max_staleness_days') }}
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
        usd_per_unit as reporting_usd_per_unit
    from checked
    where currency = '{{ reporting_currency }}'

)

select
    checked.month,
    checked.currency,
    checked.snapshot_date,
    checked.rate_date,
    checked.usd_per_unit,
    {{ divide_exact('checked.usd_per_unit', 'reporting.reporting_usd_per_unit', 12) }}
        as reporting_rate
from checked
inner join reporting
    on checked.month = reporting.month
