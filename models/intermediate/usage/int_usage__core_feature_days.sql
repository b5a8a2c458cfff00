{#
    Core-feature usage per account × product × feature × local day: what
    time to value and adoption need (docs/metrics.md, Onboarding, adoption,
    time to value), distinct users included. One rendering of the usage
    rollup (macros/health/usage_rollups.sql, which says why this grain is
    its own): only events of core features (seed feature_catalog), by the
    local day of occurred_at, per surviving account. Events known at or
    after the as-of instant are already left out by
    int_accounts__usage_events_attributed.

    Incremental by activity day: a night recomputes whole every day that an
    event known since the recompute start fell on, and every day of a
    restated account, so a late event still counts on its own day, as in a
    full build.
#}

-- depends_on: {{ ref('int_health__account_composition') }}
-- depends_on: {{ ref('int_accounts__merge_map') }}
-- depends_on: {{ ref('int_health__built_compositions') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ config(
    materialized='incremental',
    incremental_strategy='append',
    partition_by=cs_analytics.partitioned_by(['activity_date']),
    on_schema_change='fail',
    pre_hook=["{{ usage_rollup_delete_touched_scope(health_build_fingerprint()) }}"],
    post_hook=["{{ record_built_compositions(health_build_fingerprint()) }}"],
) }}

{{ usage_day_rollup(
    'account_id', ['product_id', 'feature'], fingerprint=fingerprint,
    core_features_only=true, distinct_users=true, touched_days=true
) }}
