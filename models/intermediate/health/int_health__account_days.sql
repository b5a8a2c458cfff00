{#
    The days a health score is computed for: one row per surviving account
    and local day on which it pays (an item with MRR > 0 out of trial in
    force at the end of the day), up to the day before AS_OF_DATE.

    Attributes are those in force that day (docs/metrics.md: "account attributes
    as they were that day"): the snapshot version valid at the end of the day
    (snap_crm_account_attributes, stamped with each night's as-of instant;
    the end of day d is the as-of instant of the night that first scores d),
    the earliest recorded version before the first snapshot, and the current
    int_accounts__surviving values for an account the snapshot has not seen yet.

    Licensed seats: an account's end users are one pool shared by its
    products (usage/users has no product), so the licence that bounds them
    is the largest one: the maximum over the products it pays for of the
    product's seats; unknown (NULL) when any paid product's seats are.

    Incremental like the components (macros/health/health_incremental.sql):
    a night builds the days it recomputes and keeps the others.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

product_days as (

    select * from {{ ref('int_health__account_product_days') }}

),

accounts as (

    select * from {{ ref('int_accounts__surviving') }}

),

attribute_versions as (

    select * from {{ ref('snap_crm_account_attributes') }}

),

composition as (

    select * from {{ ref('int_health__account_composition') }}

),

product_families as (

    select count(distinct product_family) as family_count
    from {{ ref('stg_billing__products') }}

),

account_starts as (

    select
        account_id,
        min(score_date) as customer_since_date,
        min(case when is_paid then score_date end) as first_paid_date
    from product_days
    group by account_id

),

paying_days as (

    select
        account_id,
        score_date,
        count(*) as paid_products,
        count(distinct product_family) as paid_product_families,
        case
            when count(licensed_seats) = count(*) then max(licensed_seats)
        end as licensed_seats
    from product_days
    where
        is_paid
        and {{ health_in_scope(fingerprint) }}
    group by account_id, score_date

),

versions_in_order as (

    select
        account_id,
        segment,
        touch_model,
        csm_owner_id,
        dbt_valid_from,
        dbt_valid_to,
        row_number() over (
            partition by account_id order by dbt_valid_from
        ) as version_number
    from attribute_versions

),

versions as (

    select
        account_id,
        segment,
        touch_model,
        csm_owner_id,
        -- The earliest known values stand for every day before the first
        -- snapshot. Open ends as far-away instants, not NULL: a join condition
        -- with an OR is a nested loop over every account's versions (quadratic
        -- in accounts), while plain ranges keep it a hash join on the account.
        case
            when version_number = 1 then cast('0001-01-01' as timestamp) else dbt_valid_from
        end as effective_from,
        coalesce(dbt_valid_to, cast('9999-12-31' as timestamp)) as effective_to
    from versions_in_order

),

days_with_attributes as (

    select
        paying_days.*,
        {{ local_to_utc(
            'cast(' ~ dbt.dateadd('day', 1, 'paying_days.score_date') ~ ' as timestamp)'
        ) }} as day_end_at
    from paying_days

),

attributed as (

    select
        days_with_attributes.account_id,
        days_with_attributes.score_date,
        days_with_attributes.paid_products,
        days_with_attributes.paid_product_families,
        days_with_attributes.licensed_seats,
        versions.account_id is not null as has_snapshot_attributes,
        coalesce(accounts.is_stand_in_account, false) as is_stand_in_account,
        coalesce(versions.segment, accounts.segment, 'unknown') as segment,
        coalesce(versions.touch_model, accounts.touch_model, 'tech') as touch_model,
        case
            when versions.account_id is not null then versions.csm_owner_id
            else accounts.csm_owner_id
        end as csm_owner_id
    from days_with_attributes
    left join versions
        on
            days_with_attributes.account_id = versions.account_id
            and days_with_attributes.day_end_at >= versions.effective_from
            and days_with_attributes.day_end_at < versions.effective_to
    left join accounts
        on days_with_attributes.account_id = accounts.account_id

)

select
    attributed.account_id,
    attributed.score_date,
    attributed.segment,
    attributed.touch_model,
    attributed.csm_owner_id,
    attributed.has_snapshot_attributes,
    attributed.is_stand_in_account,
    cast(attributed.paid_products as {{ dbt.type_bigint() }}) as paid_products,
    cast(attributed.paid_product_families as {{ dbt.type_bigint() }}) as paid_product_families,
    cast(
        product_families.family_count - attributed.paid_product_families
        as {{ dbt.type_bigint() }}
    ) as unowned_product_families,
    cast(attributed.licensed_seats as {{ dbt.type_bigint() }}) as licensed_seats,
    account_starts.customer_since_date,
    account_starts.first_paid_date,
    cast(
        {{ dbt.datediff('account_starts.customer_since_date', 'attributed.score_date', 'day') }}
        as {{ dbt.type_bigint() }}
    ) as days_since_customer_start,
    composition.composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from attributed
inner join account_starts
    on attributed.account_id = account_starts.account_id
cross join product_families
left join composition
    on attributed.account_id = composition.account_id
