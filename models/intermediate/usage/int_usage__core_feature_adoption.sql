{#
    30-day core-feature adoption of every account paying at the as-of
    snapshot (docs/metrics.md, Onboarding, adoption, time to value): of the core
    features (seed feature_catalog) of the products the account pays for at
    the snapshot, the share it used in the 30 days before AS_OF_DATE (the
    local days AS_OF_DATE − 30 … AS_OF_DATE − 1). Adopted = share ≥ 50 %,
    compared in integers (no rounding at the threshold). An account whose
    products have no core feature in the catalog has no share and is not
    adopted.
#}

{%- set window_days = 30 -%}
{%- set adoption_threshold_percent = 50 -%}

with

items as (

    select * from {{ ref('int_revenue__subscription_item_mrr') }}

),

features as (

    select * from {{ ref('feature_catalog') }}

),

feature_usage as (

    select * from {{ ref('int_usage__core_feature_days') }}

),

paid_products as (

    select distinct
        account_id,
        product_id
    from items
    where
        not is_test
        and mrr_original > 0
        and has_paid_months
        and last_paid_month = {{ as_of_month() }}

),

core_features as (

    select distinct
        product_id,
        feature
    from features
    where is_core_feature

),

available as (

    select
        paid_products.account_id,
        count(*) as core_features_available
    from paid_products
    inner join core_features
        on paid_products.product_id = core_features.product_id
    group by paid_products.account_id

),

used_features as (

    select distinct
        feature_usage.account_id,
        feature_usage.product_id,
        feature_usage.feature
    from feature_usage
    inner join paid_products
        on
            feature_usage.account_id = paid_products.account_id
            and feature_usage.product_id = paid_products.product_id
    where
        feature_usage.activity_date
        >= cast({{ dbt.dateadd('day', -window_days, as_of_date_literal()) }} as date)
        and feature_usage.activity_date < {{ as_of_date_literal() }}

),

used as (

    select
        account_id,
        count(*) as core_features_used_30d
    from used_features
    group by account_id

),

paying_accounts as (

    select distinct account_id
    from paid_products

),

measured as (

    select
        paying_accounts.account_id,
        coalesce(available.core_features_available, 0) as core_features_available,
        coalesce(used.core_features_used_30d, 0) as core_features_used_30d
    from paying_accounts
    left join available
        on paying_accounts.account_id = available.account_id
    left join used
        on paying_accounts.account_id = used.account_id

)

select
    account_id,
    cast(core_features_available as {{ dbt.type_bigint() }}) as core_features_available,
    cast(core_features_used_30d as {{ dbt.type_bigint() }}) as core_features_used_30d,
    {{ divide_exact('core_features_used_30d', 'nullif(core_features_available, 0)') }}
        as core_feature_adoption_30d,
    core_features_available > 0
    and 100 * core_features_used_30d
    >= {{ adoption_threshold_percent }} * core_features_available as is_adopted
from measured
