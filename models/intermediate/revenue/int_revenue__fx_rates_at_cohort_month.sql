{#
    FX rates for converting MRR at a chosen month's snapshot (docs/metrics.md,
    Currency), for constant-currency cohort retention: revenue of every
    month of a cohort is converted at the cohort month's rates.

    The rule is the revenue chain's: for each currency the latest fx_rates
    row on or before the month's snapshot date, crossed through USD (USD = 1
    whether listed or not); reporting_rate = usd_per_unit of the currency ÷
    usd_per_unit of the reporting currency, to 12 decimals. A singular test
    (assert_customer_fx_rates_reproduce_fct_mrr) checks that these rates
    reproduce fct_mrr.mrr from mrr_original in every month and currency.

    Every reporting month × plan currency is listed, missing or stale rates
    included (flagged): a month only needs the rates of the currencies its
    cohorts hold, so the mart that converts raises the error for the pairs
    it actually needs.
#}

{%- set reporting_currency = var('reporting_currency') | upper -%}

with

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

plans as (

    select * from {{ ref('stg_billing__plans') }}

),

fx_rates as (

    select * from {{ ref('stg_billing__fx_rates') }}

),

currencies as (

    select distinct currency
    from plans
    where currency is not null

    union

    select '{{ reporting_currency }}' as currency

),

-- USD is 1 by definition, whatever the landing says.
usd_rates as (

    select
        rate_date,
        currency,
        usd_per_unit
    from fx_rates
    where currency <> 'USD'

),

month_currencies as (

    select
        months.month,
        months.snapshot_date,
        currencies.currency
    from months
    cross join currencies

),

candidate_rates as (

    select
        month_currencies.month,
        month_currencies.currency,
        usd_rates.rate_date,
        usd_rates.usd_per_unit,
        row_number() over (
            partition by month_currencies.month, month_currencies.currency
            order by usd_rates.rate_date desc
        ) as recency
    from month_currencies
    inner join usd_rates
        on
            month_currencies.currency = usd_rates.currency
            and month_currencies.snapshot_date >= usd_rates.rate_date

),

latest_rates as (

    select
        month_currencies.month,
        month_currencies.snapshot_date,
        month_currencies.currency,
        case
            when month_currencies.currency = 'USD' then month_currencies.snapshot_date
            else candidate_rates.rate_date
        end as rate_date,
        case
            when month_currencies.currency = 'USD' then cast(1 as {{ type_rate() }})
            else candidate_rates.usd_per_unit
        end as usd_per_unit
    from month_currencies
    left join candidate_rates
        on
            month_currencies.month = candidate_rates.month
            and month_currencies.currency = candidate_rates.currency
            and candidate_rates.recency = 1

),

crossed as (

    select
        latest_rates.month,
        latest_rates.snapshot_date,
        latest_rates.currency,
        latest_rates.rate_date,
        latest_rates.usd_per_unit,
        reporting.usd_per_unit as reporting_usd_per_unit,
        {{ dbt.datediff('latest_rates.rate_date', 'latest_rates.snapshot_date', 'day') }}
            as rate_age_days,
        reporting.rate_date as reporting_rate_date,
        {{ dbt.datediff('reporting.rate_date', 'reporting.snapshot_date', 'day') }}
            as reporting_rate_age_days
    from latest_rates
    inner join latest_rates as reporting
        on
            latest_rates.month = reporting.month
            and reporting.currency = '{{ reporting_currency }}'

)

select
    month,
    currency,
    snapshot_date,
    rate_date,
    usd_per_unit,
    case
        when currency = '{{ reporting_currency }}' then cast(1 as {{ type_rate() }})
        else cast(
            {{ divide_exact('usd_per_unit', 'reporting_usd_per_unit', 12) }} as {{ type_rate() }}
        )
    end as reporting_rate,
    currency <> '{{ reporting_currency }}'
    and (usd_per_unit is null or reporting_usd_per_unit is null) as is_missing,
    currency <> '{{ reporting_currency }}'
    and coalesce(
        rate_age_days > {{ var('fx_max_staleness_days') }}
        or reporting_rate_age_days > {{ var('fx_max_staleness_days') }},
        false
    ) as is_stale
from crossed
