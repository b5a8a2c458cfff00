"""The public interface of docs/marts_interface.md: every relation with its columns.

BI tools and acceptance tests outside the project read these names, so a
missing relation or a renamed column is a broken contract even when every
other test passes. Checked on a published demo warehouse, in schema `marts`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

REQUIRED: dict[str, tuple[str, ...]] = {
    "dim_accounts": (
        "account_id",
        "account_name",
        "segment",
        "touch_model",
        "region",
        "csm_owner_id",
        "first_paid_month",
        "is_active",
        "current_mrr",
    ),
    "dim_build": (
        "as_of_date",
        "reporting_timezone",
        "reporting_currency",
        "weights_version",
        "last_complete_month",
    ),
    "fct_mrr": (
        "month",
        "account_id",
        "product_id",
        "currency",
        "mrr",
        "mrr_original",
        "arr",
        "is_partial_month",
    ),
    "fct_mrr_product_movements": (
        "month",
        "account_id",
        "product_id",
        "movement_type",
        "amount",
        "previous_mrr",
        "current_mrr",
    ),
    "fct_mrr_movements": (
        "month",
        "account_id",
        "movement_type",
        "movement_subtype",
        "amount",
        "previous_mrr",
        "current_mrr",
    ),
    "rpt_mrr_bridge": (
        "month",
        "opening_mrr",
        "new_mrr",
        "reactivation_mrr",
        "expansion_mrr",
        "contraction_mrr",
        "churn_mrr",
        "fx_mrr",
        "closing_mrr",
        "opening_accounts",
        "new_accounts",
        "reactivated_accounts",
        "churned_accounts",
        "closing_accounts",
        "cmrr",
    ),
    "rpt_retention_kpis": (
        "month",
        "slice_dimension",
        "slice_value",
        "window_months",
        "base_mrr",
        "base_accounts",
        "churn_mrr",
        "contraction_mrr",
        "expansion_mrr",
        "upsell_mrr",
        "cross_sell_mrr",
        "upsell_accounts",
        "cross_sell_accounts",
        "churned_accounts",
        "grr",
        "nrr",
        "logo_churn_rate",
        "gross_mrr_churn_rate",
        "quick_ratio",
        "arpa",
        "ltv",
        "nrr_trailing_12m",
        "grr_trailing_12m",
    ),
    "rpt_cohort_retention": (
        "cohort_month",
        "months_since_start",
        "slice_dimension",
        "slice_value",
        "cohort_accounts",
        "active_accounts",
        "logo_retention",
        "cohort_mrr",
        "revenue_retention",
    ),
    "rpt_survival": (
        "slice_dimension",
        "slice_value",
        "cohort_year",
        "months_since_start",
        "at_risk",
        "churned",
        "censored",
        "survival",
    ),
    "fct_churn_events": (
        "month",
        "account_id",
        "churned_mrr",
        "reason_code",
        "voluntary_category",
        "avoidability_category",
        "notice_date",
        "tenure_months",
    ),
    "fct_account_health_daily": (
        "score_date",
        "account_id",
        "health_score",
        "health_band",
        "coverage",
        "usage_score",
        "adoption_score",
        "support_score",
        "sentiment_score",
        "engagement_score",
        "financial_score",
        "onboarding_score",
        "primary_risk_driver",
        "score_change_30d",
    ),
    "rpt_health_backtest": (
        "month",
        "slice_dimension",
        "slice_value",
        "weights_version",
        "health_band",
        "accounts",
        "churned_90d",
        "contracted_90d",
        "churn_rate_90d",
        "lift_vs_green",
        "auc",
    ),
    "rpt_health_backtest_summary": (
        "slice_dimension",
        "slice_value",
        "weights_version",
        "account_months",
        "auc",
        "churn_rate_red",
        "churn_rate_yellow",
        "churn_rate_green",
        "lift_red_vs_green",
    ),
    "rpt_onboarding": (
        "cohort_month",
        "slice_dimension",
        "slice_value",
        "accounts_started",
        "onboarding_completed_90d",
        "onboarding_completion_rate",
        "ttv_days_median",
        "ttv_days_p75",
    ),
    "fct_expansion_signals": (
        "signal_date",
        "account_id",
        "signal_code",
        "signal_value",
        "threshold",
    ),
    "rpt_csm_portfolio": (
        "month",
        "csm_owner_id",
        "accounts",
        "mrr",
        "at_risk_mrr",
        "renewals_due_90d_mrr",
        "touches_30d",
    ),
    "fct_renewals": (
        "term_end_date",
        "account_id",
        "product_id",
        "mrr_up_for_renewal",
        "outcome",
        "renewed_mrr",
        "health_score_90d_before",
    ),
    "dim_csms": ("csm_owner_id", "full_name", "team"),
}


@pytest.fixture(scope="module")
def published_columns(clean_warehouse: Path) -> dict[str, set[str]]:
    with duckdb.connect(str(clean_warehouse), read_only=True) as con:
        rows = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts'"
        ).fetchall()
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    return columns


@pytest.mark.parametrize("relation", sorted(REQUIRED))
def test_relation_is_published_with_its_columns(
    relation: str, published_columns: dict[str, set[str]]
) -> None:
    assert relation in published_columns, f"marts.{relation} is not published"
    missing = [c for c in REQUIRED[relation] if c not in published_columns[relation]]
    assert missing == [], f"marts.{relation} lacks {missing}"


def test_public_marts_enforce_contracts_on_every_required_column(manifest: dict) -> None:
    models = {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["name"] in REQUIRED
    }
    assert set(models) == set(REQUIRED)
    loose = [
        f"{name}.{column}"
        for name, node in models.items()
        for column in REQUIRED[name]
        if not node["config"]["contract"]["enforced"]
        or not node["columns"].get(column, {}).get("data_type")
    ]
    assert loose == []
