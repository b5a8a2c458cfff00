{#
    The published health score: one row per paying account and local day
    under the current weights version (the highest `weights_version` of the
    seed, as dim_build says), from what was known by the end of that day.
    See _health__models.yml for every rule.

    Incremental like the scores it copies (macros/health/health_incremental.sql):
    a night rewrites the days it recomputes and every day of a restated
    account, not years of scores. Its rows carry no build columns (a public
    mart): its fingerprint and compositions are in its record,
    int_health__built_compositions, and a changed fingerprint (its code,
    the weights, anything upstream) rebuilds it whole.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date', rows_carry_build=false) }}

with

scores as (

    select * from {{ ref('int_health__scores_daily') }}
    where {{ health_in_scope(fingerprint, rows_carry_build=false) }}

),

current_version as (

    select max(weights_version) as weights_version
    from {{ ref('health_weights') }}

),

current_scores as (

    select scores.*
    from scores
    inner join current_version
        on scores.weights_version = current_version.weights_version

)

select
    current_scores.score_date,
    current_scores.account_id,
    current_scores.health_score,
    cast(current_scores.health_band as {{ dbt.type_string() }}) as health_band,
    current_scores.coverage,
    current_scores.usage_score,
    current_scores.adoption_score,
    current_scores.support_score,
    current_scores.sentiment_score,
    current_scores.engagement_score,
    current_scores.financial_score,
    current_scores.onboarding_score,
    cast(current_scores.primary_risk_driver as {{ dbt.type_string() }}) as primary_risk_driver,
    current_scores.score_change_30d,
    cast(current_scores.weights_version as {{ dbt.type_string() }}) as weights_version,
    current_scores.segment,
    current_scores.touch_model,
    current_scores.csm_owner_id
from current_scores
