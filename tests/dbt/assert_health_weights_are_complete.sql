-- Every weights version gives every segment x touch model the accounts can
-- have weights summing to 1 over known components, and band thresholds with
-- 0 <= yellow_from <= green_from <= 100 and a floor in [0, 1]; otherwise an
-- account could silently fall to insufficient_data or to a wrong score.
{%- set components = health_components() %}
{%- set known_components = "'" ~ components | join("', '") ~ "'" %}

with

weights as (

    select * from {{ ref('health_weights') }}

),

thresholds as (

    select * from {{ ref('health_band_thresholds') }}

),

versions as (

    select distinct weights_version from weights

),

combinations as (

    select distinct
        segment,
        touch_model
    from {{ ref('int_accounts__surviving') }}

    union

    select distinct
        segment,
        touch_model
    from thresholds

),

expected as (

    select
        versions.weights_version,
        combinations.segment,
        combinations.touch_model
    from versions
    cross join combinations

),

weight_sums as (

    select
        weights_version,
        segment,
        touch_model,
        sum(weight) as total_weight,
        sum(
            case when component in ({{ known_components }}) then 0 else 1 end
        ) as unknown_components,
        sum(case when weight < 0 then 1 else 0 end) as negative_weights
    from weights
    group by weights_version, segment, touch_model

)

select
    expected.weights_version,
    expected.segment,
    expected.touch_model,
    weight_sums.total_weight,
    weight_sums.unknown_components,
    thresholds.yellow_from,
    thresholds.green_from,
    thresholds.coverage_floor
from expected
left join weight_sums
    on
        expected.weights_version = weight_sums.weights_version
        and expected.segment = weight_sums.segment
        and expected.touch_model = weight_sums.touch_model
left join thresholds
    on
        expected.weights_version = thresholds.weights_version
        and expected.segment = thresholds.segment
        and expected.touch_model = thresholds.touch_model
where
    weight_sums.total_weight is null
    or weight_sums.total_weight <> 1
    or weight_sums.unknown_components > 0
    or weight_sums.negative_weights > 0
    or thresholds.yellow_from is null
    or thresholds.green_from is null
    or thresholds.yellow_from < 0
    or thresholds.yellow_from > thresholds.green_from
    or thresholds.green_from > 100
    or thresholds.coverage_floor < 0
    or thresholds.coverage_floor > 1
