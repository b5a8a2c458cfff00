{#
    Core-feature usage per account × product × feature × local day: what
    time to value and adoption need (docs/metrics.md, Onboarding, adoption,
    time to value), distinct users included. One rendering of the usage
    rollup (macros/health/usage_rollups.sql, which says why this grain is
    its own): only events of core features (seed feature_catalog), by the
    local day of occurred_at, per surviving account. Events known at or
    after the as-of instant are already left out by
    int_accounts__usage_events_attributed; a full table each night, so a
    late event always counts.
#}

{{ usage_day_rollup(
    'account_id', ['product_id', 'feature'], core_features_only=true, distinct_users=true
) }}
