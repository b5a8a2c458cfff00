{#
    The sentiment component per paying account-day (docs/metrics.md, Components).
    Rule in _health__models.yml; window in seed health_rules,
    component `sentiment`:

        sentiment = 100 x (promoters + 1/2 passives) / respondents
                  = (NPS + 100) / 2

    over the latest answer of each contact in the last window_days (an
    answer stops counting when the same contact answers again). Promoter
    (9-10), passive (7-8) and detractor (0-6) are the NPS definition, not a
    tunable rule. Knowledge time: responded_at.
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

nps_responses as (

    select * from {{ ref('int_accounts__nps_responses_attributed') }}

),

rules as (

    {{ health_rules('sentiment') }}

),

spine as (

    select
        account_id,
        score_date,
        composition_hash
    from account_days
    where {{ health_in_scope(fingerprint) }}

),

nps_in_order as (

    select
        account_id,
        score,
        {{ local_date('responded_at') }} as responded_date,
        lead({{ local_date('responded_at') }}) over (
            partition by account_id, coalesce(contact_id, response_id)
            order by responded_at, response_id
        ) as next_responded_date
    from nps_responses
    where responded_at is not null and score is not null

),

nps_intervals as (

    select
        nps_in_order.account_id,
        nps_in_order.responded_date as start_date,
        case
            when
                nps_in_order.next_responded_date is not null
                and nps_in_order.next_responded_date
                <= {{ dbt.dateadd('day', 'rules.window_days - 1', 'nps_in_order.responded_date') }}
                then cast({{ dbt.dateadd('day', -1, 'nps_in_order.next_responded_date') }} as date)
            else cast({{
                dbt.dateadd('day', 'rules.window_days - 1', 'nps_in_order.responded_date')
            }} as date)
        end as end_date,
        1 as nps_respondents,
        case when nps_in_order.score >= 9 then 1 else 0 end as nps_promoters,
        case when nps_in_order.score <= 6 then 1 else 0 end as nps_detractors
    from nps_in_order
    cross join rules
    where
        nps_in_order.next_responded_date is null
        or nps_in_order.next_responded_date > nps_in_order.responded_date

),

{{ running_interval_sums(
    'nps_counts', 'spine', 'nps_intervals', ['account_id'],
    ['nps_respondents', 'nps_promoters', 'nps_detractors']
) }},

inputs as (

    select
        spine.account_id,
        spine.score_date,
        spine.composition_hash,
        coalesce(nps_counts.nps_respondents, 0) as nps_respondents_180d,
        coalesce(nps_counts.nps_promoters, 0) as nps_promoters_180d,
        coalesce(nps_counts.nps_detractors, 0) as nps_detractors_180d
    from spine
    left join nps_counts
        on spine.account_id = nps_counts.account_id and spine.score_date = nps_counts.score_date

)

select
    account_id,
    score_date,
    case
        when nps_respondents_180d > 0
            then cast(
                {{ health_ratio(
                    '100 * nps_promoters_180d'
                    ~ ' + 50 * (nps_respondents_180d - nps_promoters_180d - nps_detractors_180d)',
                    'nps_respondents_180d'
                ) }} as decimal(9, 6)
            )
    end as sentiment_score,
    cast(nps_respondents_180d as {{ dbt.type_bigint() }}) as nps_respondents_180d,
    cast(nps_promoters_180d as {{ dbt.type_bigint() }}) as nps_promoters_180d,
    cast(nps_detractors_180d as {{ dbt.type_bigint() }}) as nps_detractors_180d,
    composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from inputs
