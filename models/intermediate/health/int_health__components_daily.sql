{#
    The seven health components per paying account-day, side by side, each
    0-100 or NULL for "no data", from what was known by the end of the day
    (docs/metrics.md, Customer health score). Each component's inputs and
    rule live in its own model, int_health__component_<name>_daily, with
    its constants in seed health_rules; weighting them into the score (and
    renormalising over the components with data) is int_health__scores_daily.

    Incremental like the components (macros/health/health_incremental.sql):
    a night joins only the days it recomputes, and reads each component in
    that scope too (a join with a whole component costs DuckDB a hash table
    of its history: 5.0 s against 1.7 s at the medium preset). Its
    fingerprint covers the component models' code and the seeds they read,
    so a changed rule rebuilds the components and this table together.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

usage_component as (

    select * from {{ ref('int_health__component_usage_daily') }}
    where {{ health_in_scope(fingerprint) }}

),

adoption_component as (

    select * from {{ ref('int_health__component_adoption_daily') }}
    where {{ health_in_scope(fingerprint) }}

),

support_component as (

    select * from {{ ref('int_health__component_support_daily') }}
    where {{ health_in_scope(fingerprint) }}

),

sentiment_component as (

    select * from {{ ref('int_health__component_sentiment_daily') }}
    where {{ health_in_scope(fingerprint) }}

),

engagement_component as (

    select * from {{ ref('int_health__component_engagement_daily') }}
    where {{ health_in_scope(fingerprint) }}

),

financial_component as (

    select * from {{ ref('int_health__component_financial_daily') }}
    where {{ health_in_scope(fingerprint) }}

),

onboarding_component as (

    select * from {{ ref('int_health__component_onboarding_daily') }}
    where {{ health_in_scope(fingerprint) }}

),

spine as (

    select
        account_id,
        score_date,
        segment,
        touch_model,
        csm_owner_id,
        licensed_seats,
        composition_hash
    from account_days
    where {{ health_in_scope(fingerprint) }}

)

select
    spine.account_id,
    spine.score_date,
    spine.segment,
    spine.touch_model,
    spine.csm_owner_id,
    ---------- component scores (0-100, NULL = no data)
    usage_component.usage_score,
    adoption_component.adoption_score,
    support_component.support_score,
    sentiment_component.sentiment_score,
    engagement_component.engagement_score,
    financial_component.financial_score,
    onboarding_component.onboarding_score,
    onboarding_component.is_onboarding_applicable,
    ---------- inputs
    cast(spine.licensed_seats as {{ dbt.type_bigint() }}) as licensed_seats,
    usage_component.active_users_30d,
    usage_component.active_users_30d_prior,
    usage_component.seat_utilisation,
    usage_component.active_users_change_30d,
    adoption_component.core_features_used_30d,
    adoption_component.core_features_available,
    support_component.open_urgent_tickets,
    support_component.open_high_tickets,
    support_component.tickets_90d,
    support_component.tickets_per_10_seats_90d,
    support_component.csat_average_180d,
    sentiment_component.nps_respondents_180d,
    sentiment_component.nps_promoters_180d,
    sentiment_component.nps_detractors_180d,
    engagement_component.days_since_last_touch,
    engagement_component.touch_cadence_ratio,
    engagement_component.expected_days_between_touches,
    engagement_component.has_recent_qbr,
    engagement_component.has_executive_sponsor,
    financial_component.failed_payments_60d,
    financial_component.overdue_invoices_60d,
    financial_component.has_contraction_90d,
    onboarding_component.onboarding_milestones_due,
    onboarding_component.onboarding_milestones_completed,
    ---------- bookkeeping of the incremental build
    spine.composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from spine
left join usage_component
    on
        spine.account_id = usage_component.account_id
        and spine.score_date = usage_component.score_date
left join adoption_component
    on
        spine.account_id = adoption_component.account_id
        and spine.score_date = adoption_component.score_date
left join support_component
    on
        spine.account_id = support_component.account_id
        and spine.score_date = support_component.score_date
left join sentiment_component
    on
        spine.account_id = sentiment_component.account_id
        and spine.score_date = sentiment_component.score_date
left join engagement_component
    on
        spine.account_id = engagement_component.account_id
        and spine.score_date = engagement_component.score_date
left join financial_component
    on
        spine.account_id = financial_component.account_id
        and spine.score_date = financial_component.score_date
left join onboarding_component
    on
        spine.account_id = onboarding_component.account_id
        and spine.score_date = onboarding_component.score_date
