-- Scores and components lie in [0, 100], coverage in [0, 1], every score day
-- is before AS_OF_DATE (its end is the knowledge cut-off), the band agrees
-- with the score and thresholds, and a NULL score is insufficient_data.
{%- set components = health_components() %}

select
    account_id,
    score_date,
    weights_version,
    health_score,
    health_band,
    coverage
from {{ ref('int_health__scores_daily') }}
where
    score_date >= {{ as_of_date_literal() }}
    or health_score < 0
    or health_score > 100
    or coverage < 0
    or coverage > 1
    {%- for component in components %}
    or {{ component }}_score < 0
    or {{ component }}_score > 100
    {%- endfor %}
    or (health_score is null and health_band <> 'insufficient_data')
    or (
        health_band = 'red'
        and (health_score >= yellow_from or coverage < coverage_floor)
    )
    or (
        health_band = 'yellow'
        and (health_score < yellow_from or health_score >= green_from or coverage < coverage_floor)
    )
    or (health_band = 'green' and (health_score < green_from or coverage < coverage_floor))
