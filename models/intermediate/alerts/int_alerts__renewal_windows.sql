{#
    The days on which a renewal is due soon, for the alert rule
    `renewal_due_at_risk` (docs/metrics.md, Alerts): per subscription item
    on a multi-month interval and term end, the local days d, before
    AS_OF_DATE, with the term end at most N days ahead (d in [T − N, T − 1],
    N the largest threshold of such rules in seed cs_alert_rules) on which
    the item is paid at the end of the day. fct_cs_alerts applies each
    rule's own threshold to the days left.

    Term ends as fct_renewals schedules them: every billing_interval_months
    after the item first paid (the start of its first paid version, after
    any trial). Point in time: a term end is known from the item's
    schedule, and the item counts on day d only while a paid version is in
    force at the end of d (billing validity is known when it takes effect,
    docs/metrics.md). So an item cancelled mid-term still raised its
    renewal on the days it ran, as a CSM would have seen it then;
    fct_renewals, which lists only the term ends an item reached, is not
    read here for that reason.
#}

{% set max_terms = 400 %}

with

versions as (

    select * from {{ ref('int_revenue__subscription_item_mrr') }}
    where
        not is_test
        and billing_interval_months > 1
        and mrr_original > 0

),

rules as (

    select * from {{ ref('cs_alert_rules') }}

),

term_numbers as (

    {{ dbt.generate_series(max_terms) }}

),

horizon as (

    select cast(max(threshold) as {{ dbt.type_int() }}) as days_ahead
    from rules
    where metric = 'renewal_due_at_risk'

),

paid_stretches as (

    select
        account_id,
        subscription_item_id,
        billing_interval_months,
        {{ local_date('paid_from') }} as paid_from_date,
        least(
            coalesce(
                cast({{ dbt.dateadd('day', -1, local_date('valid_to')) }} as date),
                cast({{ dbt.dateadd('day', -1, as_of_date_literal()) }} as date)
            ),
            cast({{ dbt.dateadd('day', -1, as_of_date_literal()) }} as date)
        ) as paid_to_date
    from versions

),

items as (

    select
        account_id,
        subscription_item_id,
        billing_interval_months,
        min(paid_from_date) as first_paid_date,
        max(paid_to_date) as last_paid_date
    from paid_stretches
    group by account_id, subscription_item_id, billing_interval_months

),

term_ends as (

    select
        items.account_id,
        items.subscription_item_id,
        horizon.days_ahead,
        cast({{ dbt.dateadd(
            'month',
            'term_numbers.generated_number * items.billing_interval_months',
            'items.first_paid_date'
        ) }} as date) as term_end_date,
        items.last_paid_date
    from items
    cross join horizon
    inner join term_numbers
        on
            term_numbers.generated_number
            <= {{ dbt.datediff(
                'items.first_paid_date',
                dbt.dateadd('day', 'horizon.days_ahead', 'items.last_paid_date'),
                'month'
            ) }} / items.billing_interval_months + 1

),

windows as (

    select
        term_ends.account_id,
        term_ends.subscription_item_id,
        term_ends.term_end_date,
        greatest(
            cast({{ dbt.dateadd(
                'day', '-term_ends.days_ahead', 'term_ends.term_end_date'
            ) }} as date),
            paid_stretches.paid_from_date
        ) as window_from_date,
        least(
            cast({{ dbt.dateadd('day', -1, 'term_ends.term_end_date') }} as date),
            paid_stretches.paid_to_date
        ) as window_to_date
    from term_ends
    inner join paid_stretches
        on term_ends.subscription_item_id = paid_stretches.subscription_item_id

)

select
    account_id,
    cast(subscription_item_id as {{ dbt.type_string() }}) as subscription_item_id,
    term_end_date,
    window_from_date,
    window_to_date
from windows
where window_from_date <= window_to_date
