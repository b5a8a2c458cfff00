{#
    The population of the health backtest (docs/metrics.md, Backtest): every
    account-month whose month-end score exists (the account pays at the end
    of the month's last local day), whose following 90 days are fully
    observed before AS_OF_DATE, and that had no churn notice pending at
    scoring time; with its score under every weights version and what
    happened next.

    "Within 90 days" is read on the monthly snapshots the churn and
    contraction definitions use: a churn (contraction, expansion) movement
    in int_revenue__mrr_account_movements in one of the three months after the scoring month;
    "fully observed" means the third of them is complete (at most
    last_complete_month). A churn notice is pending when it was given before
    the end of the scoring day and takes effect after it (or has no
    effective date).
#}

with

scores as (

    select * from {{ ref('int_health__scores_daily') }}

),

reporting_months as (

    select * from {{ ref('int_revenue__reporting_months') }}

),

mrr_movements as (

    select * from {{ ref('int_revenue__mrr_account_movements') }}

),

churn_notices as (

    select * from {{ ref('int_accounts__churn_reasons_attributed') }}

),

scoring_months as (

    select
        month,
        snapshot_date as score_date,
        snapshot_at as scored_at
    from reporting_months
    where
        not is_partial_month
        and {{ add_months('month', 3) }}
        < cast({{ dbt.date_trunc('month', as_of_date_literal()) }} as date)

),

month_end_scores as (

    select
        scoring_months.month,
        scoring_months.scored_at,
        scores.*
    from scores
    inner join scoring_months
        on scores.score_date = scoring_months.score_date

),

pending_notices as (

    select distinct
        month_end_scores.account_id,
        month_end_scores.month
    from month_end_scores
    inner join churn_notices
        on month_end_scores.account_id = churn_notices.account_id
    where
        churn_notices.notice_at < month_end_scores.scored_at
        and (
            churn_notices.effective_at is null
            or churn_notices.effective_at >= month_end_scores.scored_at
        )

),

outcomes as (

    select
        account_id,
        month,
        {{ dbt.bool_or("movement_type = 'churn'") }} as has_churn,
        {{ dbt.bool_or("movement_type = 'contraction'") }} as has_contraction,
        {{ dbt.bool_or("movement_type = 'expansion'") }} as has_expansion
    from mrr_movements
    where movement_type in ('churn', 'contraction', 'expansion')
    group by account_id, month

),

scored_account_months as (

    select distinct
        account_id,
        month
    from month_end_scores

),

next_90_days as (

    select
        scored_account_months.account_id,
        scored_account_months.month,
        {{ dbt.bool_or('coalesce(outcomes.has_churn, false)') }} as is_churned_90d,
        {{ dbt.bool_or('coalesce(outcomes.has_contraction, false)') }} as is_contracted_90d,
        {{ dbt.bool_or('coalesce(outcomes.has_expansion, false)') }} as is_expanded_90d
    from scored_account_months
    left join outcomes
        on
            scored_account_months.account_id = outcomes.account_id
            and scored_account_months.month < outcomes.month
            and outcomes.month <= {{ add_months('scored_account_months.month', 3) }}
    group by scored_account_months.account_id, scored_account_months.month

)

select
    month_end_scores.month,
    month_end_scores.account_id,
    month_end_scores.weights_version,
    month_end_scores.score_date,
    month_end_scores.segment,
    month_end_scores.touch_model,
    month_end_scores.health_score,
    month_end_scores.health_band,
    month_end_scores.coverage,
    {%- for component in health_components() %}
    month_end_scores.{{ component }}_score,
    {%- endfor %}
    next_90_days.is_churned_90d,
    next_90_days.is_contracted_90d,
    next_90_days.is_expanded_90d
from month_end_scores
inner join next_90_days
    on
        month_end_scores.account_id = next_90_days.account_id
        and month_end_scores.month = next_90_days.month
left join pending_notices
    on
        month_end_scores.account_id = pending_notices.account_id
        and month_end_scores.month = pending_notices.month
where pending_notices.account_id is null
