{#
    Usage events rolled up once per source account x user x activity day x
    knowledge day (local days; the knowledge time of an event is received_at,
    or occurred_at when it has none). Everything the health score needs
    about active users is computed from this rollup, never from raw events.

    One rendering of the usage rollup (macros/health/usage_rollups.sql).
    Keyed by the account the event recorded (source_account_id), not the
    surviving one, so a CRM merge never invalidates it. Incremental: a night
    recomputes the knowledge days from its recompute start (see
    macros/health/health_incremental.sql); events that land later than that
    are left out until a full refresh and counted in
    audit_usage_rollup_late_events.
#}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('known_date', by_account=false) }}

{{ usage_day_rollup('source_account_id', ['user_id'], fingerprint=fingerprint) }}
