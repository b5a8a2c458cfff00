{#
    Contracted MRR (CMRR) per account × month (metrics.md, MRR: CMRR):
    MRR(m) plus the signed changes that take effect after the snapshot, plus
    won opportunities not yet in billing, minus accounts that gave notice.

    Reading chosen where the spec leaves two open (item versions carry no
    signing date): a version that starts after the snapshot counts as signed
    at the snapshot when its subscription existed then and it starts within
    one billing interval of the snapshot (a price change or cancellation for
    the next term). For the as-of month this is every scheduled change of the
    coming term; for past months it keeps later renegotiations out of what
    was contracted then. Per item, the contracted amount is the MRR of the
    latest such version, or 0 when the schedule ends (valid_to) within that
    horizon. An account whose churn notice was given on or before the
    snapshot with a later effective date contributes 0. Opportunities count
    only when no item version of the account and product starts in the
    opportunity's contract start month (billing already reflects it).
#}

with

items as (

    select * from {{ ref('int_subscription_item_mrr') }}
    where not is_test

),

months as (

    select * from {{ ref('int_reporting_months') }}

),

rates as (

    select * from {{ ref('int_fx_rates_by_month') }}

),

merge_map as (

    select * from {{ ref('int_account_merge_map') }}

),

-- Each version with the next version of its item and its local months.
versions as (

    select
        *,
        lead(valid_from) over (
            partition by subscription_item_id
            order by valid_from
        ) as next_valid_from
    from items

),

version_months as (

    select
        *,
        {{ local_month('valid_from') }} as valid_from_month,
        {{ local_month('valid_to') }} as valid_to_month,
        {{ local_month('next_valid_from') }} as next_valid_from_month,
        {{ local_month('trial_end_at') }} as trial_end_month,
        {{ local_month('subscription_created_at') }} as created_month,
        {{ local_to_utc('cast(' ~ local_month('subscription_created_at') ~ ' as timestamp)') }}
        = subscription_created_at as is_created_at_month_start,
        {{ local_to_utc(
            'cast(' ~ add_months(as_of_date_literal(), 'billing_interval_months')
            ~ ' as timestamp)'
        ) }} as as_of_horizon_at
    from versions

),

-- A version is the item's schedule at snapshot S when the subscription
-- existed (created <= S), the version still runs (valid_to >= S), it starts
-- within the horizon (valid_from < S + interval) and the next version does
-- not (next_valid_from >= S + interval). For the complete month m,
-- S = start(m+1) and S + interval = start(m+1+interval), so each condition
-- bounds m from one side: the months form one range, found without joining
-- every version to every month.
version_ranges as (

    select
        *,
        greatest(
            {{ add_months('valid_from_month', '-billing_interval_months') }},
            case
                when is_created_at_month_start then {{ add_months('created_month', -1) }}
                else created_month
            end
        ) as first_scheduled_month,
        least(
            coalesce({{ add_months('valid_to_month', -1) }}, {{ add_months(as_of_month(), -1) }}),
            coalesce(
                {{ add_months('next_valid_from_month', '-(billing_interval_months + 1)') }},
                {{ add_months(as_of_month(), -1) }}
            ),
            {{ add_months(as_of_month(), -1) }}
        ) as last_scheduled_month,
        -- The partial as-of month's snapshot is the as-of instant itself.
        subscription_created_at <= {{ as_of_instant() }}
        and (valid_to is null or valid_to >= {{ as_of_instant() }})
        and valid_from < as_of_horizon_at
        and (next_valid_from is null or next_valid_from >= as_of_horizon_at)
            as is_scheduled_at_as_of
    from version_months

),

item_contracted as (

    select
        months.month,
        version_ranges.account_id,
        version_ranges.currency,
        case
            -- The schedule ends inside the horizon: a signed cancellation.
            when
                version_ranges.valid_to_month
                <= {{ add_months('months.month', 'version_ranges.billing_interval_months') }}
                then 0
            -- A trial is not a signed contract until it converts.
            when version_ranges.trial_end_month >= {{ add_months('months.month', 1) }} then 0
            else version_ranges.mrr_original
        end as contracted_original
    from version_ranges
    inner join months
        on
            months.month between version_ranges.first_scheduled_month
            and version_ranges.last_scheduled_month

    union all

    select
        {{ as_of_month() }} as month,
        account_id,
        currency,
        case
            when valid_to < as_of_horizon_at then 0
            when trial_end_at >= {{ as_of_instant() }} then 0
            else mrr_original
        end as contracted_original
    from version_ranges
    where is_scheduled_at_as_of

),

item_contracted_by_account as (

    select
        item_contracted.month,
        item_contracted.account_id,
        sum(
            {{ convert_money('item_contracted.contracted_original', 'rates.reporting_rate') }}
        ) as contracted_mrr
    from item_contracted
    inner join rates
        on
            item_contracted.month = rates.month
            and item_contracted.currency = rates.currency
    group by item_contracted.month, item_contracted.account_id

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
        sum(
            {{ convert_money(divide_exact('opportunities.amount', 12), 'rates.reporting_rate') }}
        ) as opportunity_mrr
    from opportunities
    inner join months
        on
            opportunities.close_date <= months.snapshot_date
            and opportunities.contract_start_date > months.snapshot_date
    inner join rates
        on
            months.month = rates.month
            and opportunities.currency = rates.currency
    left join reflected_starts
        on
            opportunities.account_id = reflected_starts.account_id
            and opportunities.product_id = reflected_starts.product_id
            and cast({{ dbt.date_trunc('month', 'opportunities.contract_start_date') }} as date)
            = reflected_starts.start_month
    where reflected_starts.account_id is null
    group by months.month, opportunities.account_id

),

pending_churn as (

    select distinct
        months.month,
        merge_map.surviving_account_id as account_id
    from {{ ref('stg_crm__churn_reasons') }} as notices
    inner join merge_map
        on notices.account_id = merge_map.account_id
    inner join months
        on
            notices.notice_at <= months.snapshot_at
            and notices.effective_at > months.snapshot_at

),

accounts as (

    select
        month,
        account_id
    from item_contracted_by_account
    union
    select
        month,
        account_id
    from open_opportunities

)

select
    accounts.month,
    accounts.account_id,
    case
        when pending_churn.account_id is not null then {{ to_money(0) }}
        else {{ to_money(
            'coalesce(item_contracted_by_account.contracted_mrr, 0)'
            ~ ' + coalesce(open_opportunities.opportunity_mrr, 0)'
        ) }}
    end as cmrr,
    coalesce(item_contracted_by_account.contracted_mrr, 0) as scheduled_item_mrr,
    coalesce(open_opportunities.opportunity_mrr, 0) as opportunity_mrr,
    pending_churn.account_id is not null as has_pending_churn_notice
from accounts
left join item_contracted_by_account
    on
        accounts.month = item_contracted_by_account.month
        and accounts.account_id = item_contracted_by_account.account_id
left join open_opportunities
    on
        accounts.month = open_opportunities.month
        and accounts.account_id = open_opportunities.account_id
left join pending_churn
    on
        accounts.month = pending_churn.month
        and accounts.account_id = pending_churn.account_id
