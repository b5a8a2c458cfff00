{#
    Usage per paying account and day, from what was known by the end of the
    day: a user (or core feature) counts as active on day d when an event of
    it occurred on one of the N local days ending d and became known
    (received) by the end of d, N = the window of seed health_rules
    (usage.active_window_days for users, adoption.window_days for core
    features; 30 as shipped, the `_30d` of the column names). Each rollup
    row is an interval of days [max(activity day, knowledge day), activity
    day + N - 1]; the intervals of one user (one feature) are merged and
    counted with a running sum (macros/health/health_windows.sql), so no
    event is expanded into days.

    - active_users_30d: distinct users with an event, over the account's
      source accounts (merged CRM accounts roll up);
    - core_features_used_30d / core_features_available: distinct core
      features (feature_catalog.is_core_feature) of the products the account
      pays for that day, used in the window / in the catalog;
    - usage_feed_live: the usage export had delivered any event by that day;
      before that usage is "no data", not zero.

    Incremental by score_date from the recompute start, plus every day of
    restated accounts (macros/health/health_incremental.sql): a day d >=
    start only needs rollup rows with activity on or after start - (N - 1)
    (usage_rollup_rows_since, macros/health/usage_rollups.sql).
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

product_days as (

    select * from {{ ref('int_health__account_product_days') }}

),

user_days as (

    {{ usage_rollup_rows_since(
        ref('int_usage__user_days'),
        health_window_first_day(
            'score_date', fingerprint,
            'select active_window_days from (' ~ health_rules('usage') ~ ') as rules',
        ),
    ) }}

),

feature_days as (

    {{ usage_rollup_rows_since(
        ref('int_usage__feature_days'),
        health_window_first_day(
            'score_date', fingerprint,
            'select window_days from (' ~ health_rules('adoption') ~ ') as rules',
        ),
    ) }}

),

-- all of the rollup, read apart: a second reader of user_days would make
-- DuckDB materialize that CTE (14 s of a night at 300 M events)
usage_feed as (

    select min(known_date) as first_known_date
    from {{ ref('int_usage__user_days') }}

),

merge_map as (

    select * from {{ ref('int_accounts__merge_map') }}

),

feature_catalog as (

    select * from {{ ref('feature_catalog') }}

),

usage_rules as (

    {{ health_rules('usage') }}

),

adoption_rules as (

    {{ health_rules('adoption') }}

),

rules as (

    select
        usage_rules.active_window_days as users_window_days,
        adoption_rules.window_days as features_window_days
    from usage_rules
    cross join adoption_rules

),

spine as (

    select
        account_id,
        score_date,
        composition_hash
    from account_days
    where {{ health_in_scope(fingerprint) }}

),

product_spine as (

    select
        product_days.account_id,
        product_days.product_id,
        product_days.score_date
    from product_days
    inner join spine
        on
            product_days.account_id = spine.account_id
            and product_days.score_date = spine.score_date
    where product_days.is_paid

),

user_intervals as (

    select
        merge_map.surviving_account_id as account_id,
        user_days.user_id,
        case
            when user_days.known_date > user_days.activity_date then user_days.known_date
            else user_days.activity_date
        end as start_date,
        cast({{ dbt.dateadd(
            'day', 'rules.users_window_days - 1', 'user_days.activity_date'
        ) }} as date) as end_date
    from user_days
    inner join merge_map
        on user_days.source_account_id = merge_map.account_id
    cross join rules
    where
        user_days.user_id is not null
        and user_days.known_date
        <= {{ dbt.dateadd('day', 'rules.users_window_days - 1', 'user_days.activity_date') }}

),

{{ merged_intervals('user_islands', 'user_intervals', ['account_id', 'user_id']) }},

user_counts as (

    select
        account_id,
        start_date,
        end_date,
        1 as active_users
    from user_islands

),

{{ running_interval_sums(
    'active_users', 'spine', 'user_counts', ['account_id'], ['active_users']
) }},

core_features as (

    select distinct
        product_id,
        feature,
        event_name
    from feature_catalog
    where is_core_feature

),

core_feature_counts as (

    select
        product_id,
        count(distinct feature) as core_features
    from core_features
    group by product_id

),

feature_intervals as (

    select
        merge_map.surviving_account_id as account_id,
        core_features.product_id,
        core_features.feature,
        case
            when feature_days.known_date > feature_days.activity_date then feature_days.known_date
            else feature_days.activity_date
        end as start_date,
        cast({{ dbt.dateadd(
            'day', 'rules.features_window_days - 1', 'feature_days.activity_date'
        ) }} as date) as end_date
    from feature_days
    inner join core_features
        on feature_days.event_name = core_features.event_name
    inner join merge_map
        on feature_days.source_account_id = merge_map.account_id
    cross join rules
    where
        feature_days.known_date
        <= {{ dbt.dateadd('day', 'rules.features_window_days - 1', 'feature_days.activity_date') }}

),

{{ merged_intervals(
    'feature_islands', 'feature_intervals', ['account_id', 'product_id', 'feature']
) }},

feature_counts as (

    select
        account_id,
        product_id,
        start_date,
        end_date,
        1 as core_features_used
    from feature_islands

),

{{ running_interval_sums(
    'features_used', 'product_spine', 'feature_counts',
    ['account_id', 'product_id'], ['core_features_used']
) }},

adoption as (

    select
        product_spine.account_id,
        product_spine.score_date,
        sum(coalesce(features_used.core_features_used, 0)) as core_features_used,
        sum(coalesce(core_feature_counts.core_features, 0)) as core_features_available
    from product_spine
    left join features_used
        on
            product_spine.account_id = features_used.account_id
            and product_spine.product_id = features_used.product_id
            and product_spine.score_date = features_used.score_date
    left join core_feature_counts
        on product_spine.product_id = core_feature_counts.product_id
    group by product_spine.account_id, product_spine.score_date

)

select
    spine.account_id,
    spine.score_date,
    usage_feed.first_known_date is not null
    and usage_feed.first_known_date <= spine.score_date as usage_feed_live,
    cast(coalesce(active_users.active_users, 0) as {{ dbt.type_bigint() }}) as active_users_30d,
    cast(coalesce(adoption.core_features_used, 0) as {{ dbt.type_bigint() }})
        as core_features_used_30d,
    cast(coalesce(adoption.core_features_available, 0) as {{ dbt.type_bigint() }})
        as core_features_available,
    spine.composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from spine
cross join usage_feed
left join active_users
    on
        spine.account_id = active_users.account_id
        and spine.score_date = active_users.score_date
left join adoption
    on
        spine.account_id = adoption.account_id
        and spine.score_date = adoption.score_date
