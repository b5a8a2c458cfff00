{#
    Usage events rolled up once per source account x event x activity day x
    knowledge day (local days; the knowledge time of an event is received_at,
    or occurred_at when it has none). Everything the health score and the
    expansion signals need about features used is computed from this
    rollup, never from raw events.

    One rendering of the usage rollup (macros/health/usage_rollups.sql),
    with the same keys, days and incremental scope as int_usage__user_days.
#}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('known_date', by_account=false) }}

{{ usage_day_rollup('source_account_id', ['event_name'], fingerprint=fingerprint) }}
