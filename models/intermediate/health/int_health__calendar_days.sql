{#
    Every local day (reporting timezone) from the day the first subscription
    item starts to the day before AS_OF_DATE: the days a health score can be
    computed for. The as-of day itself is not scored, its end is not over.
#}

{% set max_days = 36600 %}

with

first_item as (

    select min(valid_from) as first_valid_from
    from {{ ref('stg_billing__subscription_items') }}
    where valid_from < {{ as_of_instant() }}

),

day_numbers as (

    {{ dbt.generate_series(max_days) }}

),

days as (

    select
        cast(
            {{ dbt.dateadd('day', 'day_numbers.generated_number - 1',
                           local_date('first_item.first_valid_from')) }} as date
        ) as calendar_date
    from first_item
    cross join day_numbers

)

select calendar_date
from days
where calendar_date < {{ as_of_date_literal() }}
