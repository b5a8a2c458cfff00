{#
    The reporting calendar: every month from the first month any subscription
    item starts to the month containing AS_OF_DATE (docs/metrics.md, Time).

    `snapshot_at` is the instant whose state a month reports: the start of the
    next month in the reporting timezone, or, for the partial as-of month,
    the start of AS_OF_DATE (the end of the day before). `snapshot_date` is
    the last local day the snapshot covers, the day FX rates are taken for.
#}

{% set max_months = 1200 %}

with

first_item as (

    select min(valid_from) as first_valid_from
    from {{ ref('int_revenue__subscription_item_mrr') }}
    where valid_from < {{ as_of_instant() }}

),

month_numbers as (

    {{ dbt.generate_series(max_months) }}

),

months as (

    select
        {{ add_months(local_month('first_item.first_valid_from'),
                      'month_numbers.generated_number - 1') }} as month
    from first_item
    cross join month_numbers

),

calendar as (

    select
        month,
        month = {{ as_of_month() }} as is_partial_month,
        {{ local_to_utc('cast(month as timestamp)') }} as month_start_at,
        case
            when month = {{ as_of_month() }} then {{ as_of_instant() }}
            else {{ local_to_utc('cast(' ~ add_months('month', 1) ~ ' as timestamp)') }}
        end as snapshot_at,
        case
            when month = {{ as_of_month() }}
                then cast({{ dbt.dateadd('day', -1, as_of_date_literal()) }} as date)
            else cast({{ dbt.dateadd('day', -1, add_months('month', 1)) }} as date)
        end as snapshot_date
    from months
    where month <= {{ as_of_month() }}

)

select
    month,
    {{ add_months('month', -1) }} as previous_month,
    is_partial_month,
    month_start_at,
    snapshot_at,
    snapshot_date
from calendar
