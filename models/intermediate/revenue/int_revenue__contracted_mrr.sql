{#
    Contracted MRR (CMRR) per month (docs/metrics.md, MRR: CMRR): MRR(m) plus the
    signed changes that take effect after the snapshot, plus won
    opportunities not yet in billing, minus accounts that gave notice.

    Reading chosen where the spec leaves two open (item versions carry no
    signing date): a version that starts after the snapshot counts as signed
    at the snapshot when its subscription existed then and it starts within
    one billing interval of the snapshot (a price change or cancellation for
    the next term). For the as-of month this is every scheduled change of the
    coming term; for past months it keeps later renegotiations out of what
    was contracted then. Per item, the contracted amount is the MRR of the
    latest such version, or 0 when the schedule ends (valid_to) within that
    horizon, or while the subscription is in trial. An account whose churn
    notice was given on or before the snapshot with a later effective date
    contributes 0. Opportunities count only when no item version of the
    account and product starts in the opportunity's contract start month
    (billing already reflects it).

    Each version is therefore contracted, at its MRR, over one range of
    complete months. The model adds the ranges up per currency with a
    running sum of their starts and ends (no version × month expansion),
    converts each currency's total at the month's rate, and only expands
    the versions of accounts with a pending notice, which are few.
#}

with

items as (

    select * from {{ ref('int_revenue__subscription_item_mrr') }}
    where not is_test

),

months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

rates as (

    select * from {{ ref('int_revenue__fx_rates_by_month') }}

),

merge_map as (

    select * from {{ ref('int_accounts__merge_map') }}

),

version_months as (

    select
        *,
        {{ local_month('valid_from') }} as valid_from_month,
        {{ local_month('valid_to') }} as valid_to_month,
        {{ local_month('trial_end_at') }} as trial_end_month,
        {{ local_month('subscription_created_at') }} as created_month,
        {{ local_to_utc('cast(' ~ local_month('subscription_created_at') ~ ' as timestamp)') }}
        = subscription_created_at as is_created_at_month_start,
        {{ local_to_utc(
            'cast(' ~ add_months(as_of_date_literal(), 'billing_interval_months')
            ~ ' as timestamp)'
        ) }} as as_of_horizon_at
    from items

),

-- A version is the item's schedule at snapshot S when the subscription
-- existed (created <= S), the version still runs (valid_to >= S), it starts
-- within the horizon (valid_from < S + interval) and the next version does
-- not (next_valid_from >= S + interval). Versions of an item never overlap
-- (assert_subscription_item_versions_do_not_overlap blocks the run), so the
-- next one starts at or after valid_to and the last condition follows from
-- the others wherever the version is contracted at its MRR: no window over
-- the items is needed. For the complete month m,
-- S = start(m+1) and S + interval = start(m+1+interval), so each condition
-- bounds m from one side: the months form one range. Within it the item is
-- contracted at 0 while in trial (trial_end_at >= S) and once its schedule
-- ends inside the horizon (valid_to <= S + interval), which cuts the range
-- to where it is contracted at its MRR.
version_ranges as (

    select
        *,
        greatest(
            {{ add_months('valid_from_month', '-billing_interval_months') }},
            case
                when is_created_at_month_start then {{ add_months('created_month', -1) }}
                else created_month
            end,
            coalesce(
                trial_end_month,
                {{ add_months('valid_from_month', '-billing_interval_months') }}
            )
        ) as first_contracted_month,
        least(
            coalesce(
                {{ add_months('valid_to_month', '-(billing_interval_months + 1)') }},
                {{ add_months(as_of_month(), -1) }}
            ),
            {{ add_months(as_of_month(), -1) }}
        ) as last_contracted_month,
        -- The partial as-of month's snapshot is the as-of instant itself.
        subscription_created_at <= {{ as_of_instant() }}
        and (valid_to is null or valid_to >= as_of_horizon_at)
        and valid_from < as_of_horizon_at
        and (trial_end_at is null or trial_end_at < {{ as_of_instant() }})
            as is_contracted_at_as_of
    from version_months
    where mrr_original <> 0

),

contracted_ranges as (

    select * from version_ranges
    where first_contracted_month <= last_contracted_month

),

range_edges as (

    select
        currency,
        first_contracted_month as month,
        mrr_original as change_original
    from contracted_ranges

    union all

    select
        currency,
        {{ add_months('last_contracted_month', 1) }} as month,
        -mrr_original as change_original
    from contracted_ranges

),

calendar as (

    select min(month) as first_month
    from months

),

-- A range may open before the first reporting month (up to one interval
-- before its version starts): its start counts from that first month.
edges_by_month as (

    select
        range_edges.currency,
        greatest(range_edges.month, calendar.first_month) as month,
        sum(range_edges.change_original) as change_original
    from range_edges
    cross join calendar
    group by range_edges.currency, greatest(range_edges.month, calendar.first_month)

),

contracted_currencies as (

    select distinct currency
    from contracted_ranges

),

currency_months as (

    select
        months.month,
        contracted_currencies.currency
    from months
    cross join contracted_currencies
    where not months.is_partial_month

),

complete_month_items as (

    select
        currency_months.month,
        currency_months.currency,
        sum(coalesce(edges_by_month.change_original, 0)) over (
            partition by currency_months.currency
            order by currency_months.month
            rows between unbounded preceding and current row
        ) as contracted_original
    from currency_months
    left join edges_by_month
        on
            currency_months.month = edges_by_month.month
            and currency_months.currency = edges_by_month.currency

),

as_of_month_items as (

    select
        {{ as_of_month() }} as month,
        currency,
        sum(mrr_original) as contracted_original
    from version_ranges
    where is_contracted_at_as_of
    group by currency

),

item_totals as (

    select
        month,
        currency,
        contracted_original
    from complete_month_items
    where contracted_original <> 0

    union all

    select
        month,
        currency,
        contracted_original
    from as_of_month_items

),

pending_churn as (

    select distinct
        months.month,
        months.is_partial_month,
        merge_map.surviving_account_id as account_id
    from {{ ref('stg_crm__churn_reasons') }} as notices
    inner join merge_map
        on notices.account_id = merge_map.account_id
    inner join months
        on
            notices.notice_at <= months.snapshot_at
            and notices.effective_at > months.snapshot_at

),

-- What the accounts with a pending notice would otherwise contribute.
pending_items as (

    select
        pending_churn.month,
        version_ranges.currency,
        sum(version_ranges.mrr_original) as contracted_original
    from pending_churn
    inner join version_ranges
        on
            pending_churn.account_id = version_ranges.account_id
            and (
                (
                    not pending_churn.is_partial_month
                    and pending_churn.month
                    between version_ranges.first_contracted_month
                    and version_ranges.last_contracted_month
                )
                or (pending_churn.is_partial_month and version_ranges.is_contracted_at_as_of)
            )
    group by pending_churn.month, version_ranges.currency

),

opportunities as (

    select
        merge_map.surviving_account_id as account_id,
        opportunities.product_id,
        opportunities.currency,
        opportunities.amount,
        opportunities.close_date,
        opportunities.contract_start_date
    from {{ ref('stg_crm__opportunities') }} as opportunities
    inner join merge_map
        on opportunities.account_id = merge_map.account_id
    where
        opportunities.is_won
        and opportunities.opportunity_type in ('new_business', 'expansion', 'cross_sell')
        and opportunities.amount > 0

),

reflected_starts as (

    select distinct
        account_id,
        product_id,
        {{ local_month('valid_from') }} as start_month
    from items

),

open_opportunities as (

    select
        months.month,
        opportunities.account_id,
        opportunities.currency,
        {{ divide_exact('opportunities.amount', 12) }} as opportunity_original
    from opportunities
    inner join months
        on
            opportunities.close_date <= months.snapshot_date
            and opportunities.contract_start_date > months.snapshot_date
    left join reflected_starts
        on
            opportunities.account_id = reflected_starts.account_id
            and opportunities.product_id = reflected_starts.product_id
            and cast({{ dbt.date_trunc('month', 'opportunities.contract_start_date') }} as date)
            = reflected_starts.start_month
    where reflected_starts.account_id is null

),

opportunity_totals as (

    select
        open_opportunities.month,
        open_opportunities.currency,
        sum(open_opportunities.opportunity_original) as opportunity_original,
        sum(
            case
                when pending_churn.account_id is not null
                    then open_opportunities.opportunity_original
                else 0
            end
        ) as pending_opportunity_original
    from open_opportunities
    left join pending_churn
        on
            open_opportunities.month = pending_churn.month
            and open_opportunities.account_id = pending_churn.account_id
    group by open_opportunities.month, open_opportunities.currency

),

parts as (

    select
        month,
        currency,
        contracted_original as item_original,
        {{ to_money(0) }} as opportunity_original,
        {{ to_money(0) }} as pending_original
    from item_totals

    union all

    select
        month,
        currency,
        {{ to_money(0) }} as item_original,
        opportunity_original,
        pending_opportunity_original as pending_original
    from opportunity_totals

    union all

    select
        month,
        currency,
        {{ to_money(0) }} as item_original,
        {{ to_money(0) }} as opportunity_original,
        contracted_original as pending_original
    from pending_items

),

by_currency as (

    select
        month,
        currency,
        sum(item_original) as item_original,
        sum(opportunity_original) as opportunity_original,
        sum(pending_original) as pending_original
    from parts
    group by month, currency

),

-- Each currency's totals converted once, at the month's rate. Contracted
-- revenue in a currency the month has no rate for stops the run: never a
-- silently smaller CMRR.
converted as (

    select
        by_currency.month,
        case
            when rates.reporting_rate is null
                then {{ raise_error(
                    "'FX rate missing for contracted MRR: int_revenue__fx_rates_by_month has no '"
                    ~ " || by_currency.currency || ' rate for ' || cast(by_currency.month as "
                    ~ dbt.type_string() ~ ")"
                ) }}
            else {{ convert_money('by_currency.item_original', 'rates.reporting_rate') }}
        end as scheduled_item_mrr,
        {{ convert_money('by_currency.opportunity_original', 'rates.reporting_rate') }}
            as opportunity_mrr,
        {{ convert_money('by_currency.pending_original', 'rates.reporting_rate') }}
            as pending_churn_mrr
    from by_currency
    left join rates
        on
            by_currency.month = rates.month
            and by_currency.currency = rates.currency

),

by_month as (

    select
        month,
        sum(scheduled_item_mrr) as scheduled_item_mrr,
        sum(opportunity_mrr) as opportunity_mrr,
        sum(pending_churn_mrr) as pending_churn_mrr
    from converted
    group by month

)

select
    months.month,
    {{ to_money(
        'coalesce(by_month.scheduled_item_mrr, 0) + coalesce(by_month.opportunity_mrr, 0)'
        ~ ' - coalesce(by_month.pending_churn_mrr, 0)'
    ) }} as cmrr,
    {{ to_money('coalesce(by_month.scheduled_item_mrr, 0)') }} as scheduled_item_mrr,
    {{ to_money('coalesce(by_month.opportunity_mrr, 0)') }} as opportunity_mrr,
    {{ to_money('coalesce(by_month.pending_churn_mrr, 0)') }} as pending_churn_mrr
from months
left join by_month
    on months.month = by_month.month
