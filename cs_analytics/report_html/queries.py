"""What the report reads: one query per dataset, each a plain read of the published marts.

Rankings, filters and thresholds are the report marts' (models/marts/report/,
docs/metrics.md, The morning report): these queries only pick the rows a mart
marks (`is_listed`), the `all` slice or the build's month, and their order.
"""

from __future__ import annotations

BUILD = """
select as_of_date, reporting_timezone, reporting_currency, weights_version, last_complete_month
from marts.dim_build
"""

DATASETS: dict[str, str] = {
    "parameters": """
        select latest_score_date, list_rows, renewal_horizon_days, band_transition_days,
            recent_churn_months
        from marts.rpt_report_parameters
    """,
    "kpis": """
        select kpi_code, value_kind, month, previous_month, current_value, previous_value,
            change_value, is_improvement
        from marts.rpt_report_kpis order by kpi_order
    """,
    "mrr_trend": """
        select month, closing_mrr, is_partial_month from marts.rpt_mrr_bridge order by month
    """,
    "bridge_latest": """
        select month, opening_mrr, new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr,
            churn_mrr, fx_mrr, closing_mrr
        from marts.rpt_mrr_bridge
        where month = (select last_complete_month from marts.dim_build)
    """,
    "retention_trend": """
        select month, nrr, grr, nrr_trailing_12m, grr_trailing_12m, logo_churn_rate,
            gross_mrr_churn_rate, upsell_mrr, cross_sell_mrr
        from marts.rpt_retention_kpis
        where slice_dimension = 'all' and window_months = 1
            and month <= (select last_complete_month from marts.dim_build)
        order by month
    """,
    "cohorts": """
        select cohort_month, months_since_start, logo_retention, revenue_retention
        from marts.rpt_cohort_retention
        where slice_dimension = 'all'
        order by cohort_month, months_since_start
    """,
    "survival": """
        select slice_value as segment, cohort_year, months_since_start, survival
        from marts.rpt_survival
        where slice_dimension = 'segment'
        order by cohort_year, segment, months_since_start
    """,
    "churn_by_category": """
        select month, voluntary_category, avoidability_category, churned_accounts, churned_mrr
        from marts.rpt_churn_by_category
        where month <= (select last_complete_month from marts.dim_build)
        order by month, voluntary_category, avoidability_category
    """,
    "recent_churns": """
        select churn_rank, month, account_id, account_name, segment, churned_mrr, reason_code,
            reason_label, voluntary_category, avoidability_category, tenure_months,
            notice_comment, csms.full_name as csm_name, churns.csm_owner_id
        from marts.rpt_report_recent_churns as churns
        left join marts.dim_csms as csms on churns.csm_owner_id = csms.csm_owner_id
        order by churn_rank
    """,
    "health_bands": """
        select month, health_band, band_order, accounts, mrr
        from marts.rpt_report_health_bands order by month, band_order
    """,
    "band_transitions": """
        select window_start_date, window_end_date, from_band, to_band, from_band_order,
            to_band_order, accounts, mrr, is_into_at_risk
        from marts.rpt_report_band_transitions order by from_band_order, to_band_order
    """,
    "at_risk": """
        select at_risk_rank, score_date, account_id, account_name, segment, health_band,
            health_score, score_change_30d, primary_risk_driver, current_mrr,
            at_risk.csm_owner_id, csms.full_name as csm_name, is_listed
        from marts.rpt_report_at_risk_accounts as at_risk
        left join marts.dim_csms as csms on at_risk.csm_owner_id = csms.csm_owner_id
        order by at_risk_rank
    """,
    "renewals": """
        select renewal_rank, term_end_date, days_to_term_end, account_id, account_name,
            product_id, mrr_up_for_renewal, health_band, health_score, score_change_30d,
            is_at_risk, renewals.csm_owner_id, csms.full_name as csm_name, is_listed
        from marts.rpt_report_renewals_due as renewals
        left join marts.dim_csms as csms on renewals.csm_owner_id = csms.csm_owner_id
        order by renewal_rank
    """,
    "renewals_total": """
        select count(*) as renewals, coalesce(sum(mrr_up_for_renewal), 0) as mrr,
            count(*) filter (where is_at_risk) as at_risk_renewals,
            coalesce(sum(mrr_up_for_renewal) filter (where is_at_risk), 0) as at_risk_mrr
        from marts.rpt_report_renewals_due
    """,
    "into_at_risk": """
        select coalesce(sum(accounts), 0) as accounts, coalesce(sum(mrr), 0) as mrr
        from marts.rpt_report_band_transitions where is_into_at_risk
    """,
    "expansion_signals": """
        select signal_rank, signal_date, account_id, account_name, signal_code, signal_value,
            threshold, current_mrr, health_band, signals.csm_owner_id,
            csms.full_name as csm_name, precision_90d, lift_vs_base_rate, is_listed
        from marts.rpt_report_expansion_signals as signals
        left join marts.dim_csms as csms on signals.csm_owner_id = csms.csm_owner_id
        order by signal_rank
    """,
    "expansion_backtest": """
        select signal_code, precision_90d, base_expansion_rate, lift_vs_base_rate
        from marts.rpt_expansion_signal_backtest order by signal_code
    """,
    "onboarding": """
        select cohort_month, accounts_started, onboarding_completion_rate, ttv_days_median,
            ttv_days_p75, adoption_rate
        from marts.rpt_onboarding
        where slice_dimension = 'all'
        order by cohort_month
    """,
    "csm_portfolio": """
        select portfolio.csm_owner_id, csms.full_name as csm_name, accounts, mrr, at_risk_mrr,
            renewals_due_90d_mrr, touches_30d, renewal_rate
        from marts.rpt_csm_portfolio as portfolio
        left join marts.dim_csms as csms on portfolio.csm_owner_id = csms.csm_owner_id
        where month = (select last_complete_month from marts.dim_build)
        order by mrr desc, portfolio.csm_owner_id
    """,
    "alerts_tonight": """
        select alerts.alert_date, alerts.rule_id, alerts.claimed_outcome, alerts.account_id,
            accounts.account_name, alerts.trigger_value, alerts.threshold_value,
            alerts.health_band, alerts.mrr, coalesce(alerts.csm_owner_id, 'unassigned')
                as csm_owner_id,
            csms.full_name as csm_name
        from marts.fct_cs_alerts as alerts
        left join marts.dim_accounts as accounts on alerts.account_id = accounts.account_id
        left join marts.dim_csms as csms on alerts.csm_owner_id = csms.csm_owner_id
        where alerts.alert_date = (select latest_score_date from marts.rpt_report_parameters)
        order by alerts.rule_id, alerts.account_id
    """,
    "alert_backtest": """
        select rule_id, claimed_outcome, horizon_days, firings, precision_rate, base_rate,
            lift_vs_base_rate
        from marts.rpt_alert_backtest
        where slice_dimension = 'all'
        order by rule_id
    """,
    "backtest_summary": """
        select weights_version, account_months, auc, churn_rate_red, churn_rate_yellow,
            churn_rate_green, churn_rate_insufficient_data
        from marts.rpt_health_backtest_summary
        where slice_dimension = 'all'
            and weights_version = (select weights_version from marts.dim_build)
    """,
    "backtest_monthly": """
        select distinct month, auc
        from marts.rpt_health_backtest
        where slice_dimension = 'all'
            and weights_version = (select weights_version from marts.dim_build)
        order by month
    """,
}
