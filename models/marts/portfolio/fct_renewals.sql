{#
    One row per term end of a subscription item on a multi-month billing
    interval (docs/metrics.md, CSM portfolio and renewals): the item's term ends
    fall every `billing_interval_months` months after it first paid
    (the start of its first paid version, after any trial), for as long as
    the item is in force just before the term end. Term ends up to 90 days
    after AS_OF_DATE are listed too (renewals due), with outcome `pending`.

    Outcome, from the item's MRR just before and at the term end instant
    (local midnight of term_end_date):
    - churned     nothing of the item in force at the term end, and no
                  successor item of the same account and product starting
                  within a day of it;
    - expanded / contracted / renewed   MRR after above / below / equal to
                  MRR before. An item replaced by a new item of the same
                  account and product at the term end (a re-signed
                  contract) counts with its successor's MRR.
    renewed_mrr is the part of the MRR up for renewal that was kept:
    least(after, before), so Σ renewed_mrr ÷ Σ mrr_up_for_renewal is a gross
    renewal rate (≤ 1); mrr_after_renewal carries the full new amount.
    Both sides are converted at the same rate (the term end month's, or
    the as-of month's for term ends still ahead), so a currency move is not
    an outcome. health_score_90d_before is the account's health score on
    term_end_date − 90 days (NULL when it was not scored that day).
#}

{% set max_terms = 400 %}

with

versions as (

    select * from {{ ref('int_revenue__subscription_item_mrr') }}
    where not is_test

),

rates as (

    select * from {{ ref('int_revenue__fx_rates_by_month') }}

),

health as (

    select * from {{ ref('fct_account_health_daily') }}

),

term_numbers as (

    {{ dbt.generate_series(max_terms) }}

),

multi_month_items as (

    select
        subscription_item_id,
        account_id,
        product_id,
        currency,
        billing_interval_months,
        min(case when mrr_original > 0 then paid_from end) as first_paid_at,
        max(coalesce(valid_to, cast('9999-12-31' as timestamp))) as last_valid_to
    from versions
    where billing_interval_months > 1
    group by subscription_item_id, account_id, product_id, currency, billing_interval_months

),

-- How many terms can end while the item runs, up to 90 days after AS_OF_DATE.
term_counts as (

    select
        *,
        {{ local_date('first_paid_at') }} as first_paid_date,
        {{ dbt.datediff(
            local_date('first_paid_at'),
            'least(' ~ local_date('last_valid_to') ~ ', cast('
            ~ dbt.dateadd('day', 90, as_of_date_literal()) ~ ' as date))',
            'month'
        ) }} / billing_interval_months + 1 as possible_terms
    from multi_month_items
    where first_paid_at is not null

),

term_ends as (

    select
        items.subscription_item_id,
        items.account_id,
        items.product_id,
        items.currency,
        cast({{ dbt.dateadd(
            'month',
            'term_numbers.generated_number * items.billing_interval_months',
            'items.first_paid_date'
        ) }} as date) as term_end_date
    from term_counts as items
    inner join term_numbers
        on items.possible_terms >= term_numbers.generated_number

),

term_instants as (

    select
        *,
        {{ local_to_utc('cast(term_end_date as timestamp)') }} as term_end_at
    from term_ends
    where term_end_date <= cast({{ dbt.dateadd('day', 90, as_of_date_literal()) }} as date)

),

before_and_after as (

    select
        term_instants.subscription_item_id,
        term_instants.account_id,
        term_instants.product_id,
        term_instants.currency,
        term_instants.term_end_date,
        term_instants.term_end_at,
        sum(
            case
                when
                    versions.valid_from < term_instants.term_end_at
                    and coalesce(versions.valid_to, term_instants.term_end_at)
                    >= term_instants.term_end_at
                    and (
                        versions.trial_end_at is null
                        or versions.trial_end_at < term_instants.term_end_at
                    )
                    then versions.mrr_original
                else 0
            end
        ) as before_original,
        sum(
            case
                when
                    versions.valid_from <= term_instants.term_end_at
                    and (
                        versions.valid_to is null
                        or versions.valid_to > term_instants.term_end_at
                    )
                    then versions.mrr_original
                else 0
            end
        ) as after_original
    from term_instants
    inner join versions
        on term_instants.subscription_item_id = versions.subscription_item_id
    group by
        term_instants.subscription_item_id,
        term_instants.account_id,
        term_instants.product_id,
        term_instants.currency,
        term_instants.term_end_date,
        term_instants.term_end_at

),

-- Items of the same account and product that start within a day of a term
-- end and were not in force before it: a contract re-signed as a new item.
successors as (

    select
        ends.subscription_item_id,
        ends.term_end_date,
        sum(versions.mrr_original) as successor_original
    from before_and_after as ends
    inner join versions
        on
            ends.account_id = versions.account_id
            and ends.product_id = versions.product_id
            and ends.currency = versions.currency
            and ends.subscription_item_id <> versions.subscription_item_id
            and versions.valid_from
            between {{ dbt.dateadd('day', -1, 'ends.term_end_at') }}
            and {{ dbt.dateadd('day', 1, 'ends.term_end_at') }}
    where ends.after_original = 0
    group by ends.subscription_item_id, ends.term_end_date

),

outcomes as (

    select
        ends.*,
        ends.term_end_date >= {{ as_of_date_literal() }} as is_pending,
        ends.after_original + coalesce(successors.successor_original, 0) as renewal_original,
        case
            when ends.term_end_date >= {{ as_of_date_literal() }} then {{ as_of_month() }}
            else cast({{ dbt.date_trunc('month', 'ends.term_end_date') }} as date)
        end as rate_month
    from before_and_after as ends
    left join successors
        on
            ends.subscription_item_id = successors.subscription_item_id
            and ends.term_end_date = successors.term_end_date
    where ends.before_original > 0

),

converted as (

    select
        outcomes.*,
        case
            when rates.reporting_rate is null
                then {{ raise_error(
                    "'FX rate missing for renewals: int_revenue__fx_rates_by_month has no '"
                    ~ " || outcomes.currency || ' rate for ' || cast(outcomes.rate_month as "
                    ~ dbt.type_string() ~ ")"
                ) }}
            else {{ convert_money('outcomes.before_original', 'rates.reporting_rate') }}
        end as mrr_up_for_renewal,
        {{ convert_money('outcomes.renewal_original', 'rates.reporting_rate') }}
            as mrr_after_renewal
    from outcomes
    left join rates
        on
            outcomes.rate_month = rates.month
            and outcomes.currency = rates.currency

)

select
    converted.term_end_date,
    converted.account_id,
    converted.product_id,
    cast(converted.subscription_item_id as {{ dbt.type_string() }}) as subscription_item_id,
    {{ to_money('converted.mrr_up_for_renewal') }} as mrr_up_for_renewal,
    cast(
        case
            when converted.is_pending then 'pending'
            when converted.renewal_original = 0 then 'churned'
            when converted.renewal_original > converted.before_original then 'expanded'
            when converted.renewal_original < converted.before_original then 'contracted'
            else 'renewed'
        end as {{ dbt.type_string() }}
    ) as outcome,
    case
        when not converted.is_pending
            then {{ to_money(
                'case when converted.mrr_after_renewal < converted.mrr_up_for_renewal'
                ~ ' then converted.mrr_after_renewal else converted.mrr_up_for_renewal end'
            ) }}
    end as renewed_mrr,
    case
        when not converted.is_pending then {{ to_money('converted.mrr_after_renewal') }}
    end as mrr_after_renewal,
    health.health_score as health_score_90d_before,
    converted.is_pending
from converted
left join health
    on
        converted.account_id = health.account_id
        and cast({{ dbt.dateadd('day', -90, 'converted.term_end_date') }} as date)
        = health.score_date
