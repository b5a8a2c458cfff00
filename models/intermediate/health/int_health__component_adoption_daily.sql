{#
    The adoption component per paying account-day (docs/metrics.md, Components).
    Rule in _health__models.yml:

        adoption = 100 x core features used / core features of the products paid for

    both from int_usage__account_activity_daily (used: in the last
    window_days of seed health_rules, component `adoption`, known by the end
    of the day). NULL before the usage feed is live, when the products have
    no core feature, and for stand-in accounts.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

account_usage as (

    select * from {{ ref('int_usage__account_activity_daily') }}

),

spine as (

    select
        account_id,
        score_date,
        coalesce(is_stand_in_account, false) as is_stand_in_account,
        composition_hash
    from account_days
    where {{ health_in_scope(fingerprint) }}

),

inputs as (

    select
        spine.account_id,
        spine.score_date,
        spine.composition_hash,
        -- a stand-in account (a billing customer the CRM does not know) has no usage attributed
        coalesce(account_usage.usage_feed_live and not spine.is_stand_in_account, false)
            as usage_feed_live,
        account_usage.core_features_used_30d,
        account_usage.core_features_available
    from spine
    left join account_usage
        on
            spine.account_id = account_usage.account_id
            and spine.score_date = account_usage.score_date

)

select
    account_id,
    score_date,
    case
        when usage_feed_live and core_features_available > 0
            then cast(
                {{ health_ratio('100 * core_features_used_30d', 'core_features_available') }}
                as decimal(9, 6)
            )
    end as adoption_score,
    usage_feed_live,
    cast(core_features_used_30d as {{ dbt.type_bigint() }}) as core_features_used_30d,
    cast(core_features_available as {{ dbt.type_bigint() }}) as core_features_available,
    composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from inputs
