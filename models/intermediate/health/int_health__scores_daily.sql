{#
    The health score of every paying account-day under every weights
    version of the seed (the mart keeps the current one; the backtest
    compares them all).

    Incremental like the components (macros/health/health_incremental.sql):
    a night weights only the days it recomputes. The weights and thresholds
    are seeds upstream, so a weight change changes the fingerprint and
    restates every day of this table without recomputing a component.

    score = sum(w x component) / sum(w) over the components with data
    (renormalised weights); coverage = sum(w with data) / sum(w of applicable
    components) (onboarding applies only in an account's first 120 days);
    band on the unrounded score (6 decimals), half-open: red below
    yellow_from, yellow below green_from, green from green_from up to 100,
    and insufficient_data when coverage is below the floor.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set components = health_components() %}
{%- set score_change_days = 30 %}
{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

components as (

    select * from {{ ref('int_health__components_daily') }}
    where {{ health_in_scope(fingerprint) }}

),

weights as (

    select * from {{ ref('health_weights') }}

),

thresholds as (

    select * from {{ ref('health_band_thresholds') }}

),

versions as (

    select distinct weights_version
    from weights

),

weight_columns as (

    select
        weights_version,
        segment,
        {% for component in components %}
        sum(case when component = '{{ component }}' then weight else 0 end)
            as {{ component }}_weight,
        {% endfor %}
        touch_model
    from weights
    group by weights_version, segment, touch_model

),

weighted as (

    select
        components.account_id,
        components.score_date,
        versions.weights_version,
        components.segment,
        components.touch_model,
        components.csm_owner_id,
        components.composition_hash,
        {% for component in components %}
        components.{{ component }}_score,
        -- weights and scores as integer micro-units: the score is one exact integer division
        coalesce(
            {{ health_micro_units('weight_columns.' ~ component ~ '_weight') }}
            * {{ health_micro_units('components.' ~ component ~ '_score') }},
            0
        ) as {{ component }}_points_micro,
        case
            when components.{{ component }}_score is not null
                then {{ health_micro_units('weight_columns.' ~ component ~ '_weight') }}
            else 0
        end as {{ component }}_weight_with_data_micro,
        {% if component == 'onboarding' %}
        case
            when components.is_onboarding_applicable
                then {{ health_micro_units('weight_columns.' ~ component ~ '_weight') }}
            else 0
        end as {{ component }}_weight_applicable_micro,
        {% else %}
        {{ health_micro_units('weight_columns.' ~ component ~ '_weight') }}
            as {{ component }}_weight_applicable_micro,
        {% endif %}
        case
            when components.{{ component }}_score is not null
                then
                    weight_columns.{{ component }}_weight
                    * (100 - components.{{ component }}_score)
        end as {{ component }}_gap,
        {% endfor %}
        weight_columns.segment is not null as has_weights,
        thresholds.yellow_from,
        thresholds.green_from,
        coalesce(
            thresholds.coverage_floor, cast({{ var('health_coverage_floor') }} as decimal(9, 4))
        ) as coverage_floor
    from components
    cross join versions
    left join weight_columns
        on
            versions.weights_version = weight_columns.weights_version
            and components.segment = weight_columns.segment
            and components.touch_model = weight_columns.touch_model
    left join thresholds
        on
            versions.weights_version = thresholds.weights_version
            and components.segment = thresholds.segment
            and components.touch_model = thresholds.touch_model

),

summed as (

    select
        weighted.*,
        {{ health_sum_columns(components, '_points_micro') }} as points_micro,
        {{ health_sum_columns(components, '_weight_with_data_micro') }} as weight_with_data_micro,
        {{ health_sum_columns(components, '_weight_applicable_micro') }} as weight_applicable_micro,
        greatest({{ health_sum_columns(components, '_gap', ', ', 'coalesce(', ', -1)') }})
            as largest_gap
    from weighted

),

scored as (

    select
        summed.*,
        case
            when summed.weight_with_data_micro > 0
                then cast(
                    {{ health_ratio('summed.points_micro', 'summed.weight_with_data_micro', 6, 6) }}
                    as decimal(9, 6)
                )
        end as health_score,
        case
            when summed.weight_applicable_micro > 0
                then cast(
                    {{ health_ratio(
                        'summed.weight_with_data_micro', 'summed.weight_applicable_micro'
                    ) }} as decimal(9, 6)
                )
            else cast(0 as decimal(9, 6))
        end as coverage
    from summed

),

banded as (

    select
        account_id,
        score_date,
        weights_version,
        segment,
        touch_model,
        csm_owner_id,
        health_score,
        case
            when health_score is null or coverage < coverage_floor or not has_weights
                then 'insufficient_data'
            when health_score >= green_from then 'green'
            when health_score >= yellow_from then 'yellow'
            else 'red'
        end as health_band,
        coverage,
        {% for component in components %}
        {{ component }}_score,
        {% endfor %}
        case
            when largest_gap <= 0 then null
            {% for component in components %}
            when {{ component }}_gap = largest_gap then '{{ component }}'
            {% endfor %}
        end as primary_risk_driver,
        yellow_from,
        green_from,
        coverage_floor,
        composition_hash
    from scored

),

-- each recomputed day's score 30 days earlier: recomputed tonight too, or
-- kept (the pre-hook deleted what this run recomputes, so the two never overlap)
earlier_scores as (

    select
        account_id,
        score_date,
        weights_version,
        health_score
    from banded
    {%- if is_incremental() %}

    union all

    select
        built.account_id,
        built.score_date,
        built.weights_version,
        built.health_score
    from {{ this }} as built
    where
        built.score_date >= cast({{ dbt.dateadd(
            'day', -score_change_days, "cast('" ~ health_scope_start('score_date', fingerprint) ~ "' as date)"
        ) }} as date)
    {%- endif %}

)

select
    banded.account_id,
    banded.score_date,
    banded.weights_version,
    banded.segment,
    banded.touch_model,
    banded.csm_owner_id,
    banded.health_score,
    banded.health_band,
    banded.coverage,
    {% for component in components %}
    banded.{{ component }}_score,
    {% endfor %}
    banded.primary_risk_driver,
    cast(banded.health_score - earlier.health_score as decimal(9, 6)) as score_change_30d,
    banded.yellow_from,
    banded.green_from,
    banded.coverage_floor,
    banded.composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from banded
left join earlier_scores as earlier
    on
        banded.account_id = earlier.account_id
        and banded.weights_version = earlier.weights_version
        and earlier.score_date
        = cast({{ dbt.dateadd('day', -score_change_days, 'banded.score_date') }} as date)
