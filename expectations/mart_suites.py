"""Mart suites: what dbt's tests do not already assert on the small public marts, before publish.

Keys (unique, not null), accepted values and not-null columns are dbt tests and
enforced contracts on every mart (models/marts/**/_*__models.yml), and the
bridge's identities are singular dbt tests (tests/dbt/): a failing one already
stops the night. These suites add the rules that read a whole mart or compare
it with another: row counts, ranges, sign conventions, sums reconciling with
another mart, and the build being this night's. A test keeps them from
repeating a dbt test. Adding rules for a mart is one `mart_suite(...)` call.

Only marts whose size does not grow with accounts × time: the dimensions and
the reports. The facts (`fct_*`: one row per account and day or month, per
item and term, ...) grow with both, and a night that reads all of one into
pandas costs what its history does; their row rules (ranges, signs, the
as-of date) are dbt tests in their YAML (macros/mart_row_rules.sql), run
inside the database at any size, which stop the night before publish too.
"""

from __future__ import annotations

from collections.abc import Sequence

import great_expectations.expectations as gxe

from cs_analytics.sql import quote_identifier
from expectations.definitions import (
    CRITICAL,
    ExpectationFactory,
    SuiteDefinition,
    accepted,
    between,
    non_negative,
    zero,
)


def mart_suite(
    mart: str,
    key: Sequence[str],
    expectations: ExpectationFactory,
    derived: Sequence[str] = (),
    joins: str = "",
    description: str = "",
    min_rows: int = 0,
) -> SuiteDefinition:
    """A suite on `marts.<mart>` in the working database.

    `key` names a failing row in the check's sample (dbt tests that it is
    unique). `derived` adds computed columns (fixed SQL over alias `mart`, with
    `joins`) for cross-column and cross-table rules; `min_rows` is the fewest
    rows a good night has (0 where a landing may legitimately give none).
    """
    selected = ", ".join(["mart.*", *derived])
    query = f"select {selected} from marts.{quote_identifier(mart)} as mart {joins}"

    def all_expectations() -> list[gxe.Expectation]:
        counted: list[gxe.Expectation] = []
        if min_rows:
            counted.append(
                gxe.ExpectTableRowCountToBeBetween(min_value=min_rows, severity=CRITICAL)
            )
        return counted + expectations()

    return SuiteDefinition(
        name=f"mart_{mart}",
        kind="mart",
        target=mart,
        relation=f"marts.{mart}",
        query=query,
        expectations=all_expectations,
        row_id_columns=tuple(key),
        description=description or f"Mart {mart}: ranges and cross-table rules.",
    )


def _share(*columns: str) -> list[gxe.Expectation]:
    return [between(c, CRITICAL, min_value=0, max_value=1) for c in columns]


HEALTH_BANDS = ["red", "yellow", "green", "insufficient_data"]

MART_SUITES: tuple[SuiteDefinition, ...] = (
    mart_suite(
        "dim_build",
        key=["as_of_date"],
        expectations=lambda: [
            gxe.ExpectTableRowCountToEqual(value=1, severity=CRITICAL),
            accepted("is_this_run", [True], CRITICAL),
            gxe.ExpectColumnValueLengthsToEqual(
                column="reporting_currency", value=3, severity=CRITICAL
            ),
        ],
        derived=["mart.as_of_date = $as_of_date as is_this_run"],
        description="One row, built for this run's AS_OF_DATE.",
    ),
    mart_suite(
        "dim_accounts",
        key=["account_id"],
        # crm/accounts is a required table with at least one row.
        min_rows=1,
        expectations=lambda: [
            accepted("segment", ["smb", "mid_market", "enterprise", "unknown"], CRITICAL),
            gxe.ExpectColumnValuesToNotBeNull(column="touch_model", severity=CRITICAL),
            *non_negative("current_mrr"),
        ],
    ),
    mart_suite(
        "rpt_mrr_bridge",
        key=["month"],
        expectations=lambda: [
            *non_negative(
                "opening_mrr",
                "new_mrr",
                "reactivation_mrr",
                "expansion_mrr",
                "contraction_mrr",
                "churn_mrr",
                "closing_mrr",
                "opening_accounts",
                "closing_accounts",
            ),
            zero("movements_minus_fct_mrr_movements"),
        ],
        derived=[
            """mart.new_mrr + mart.reactivation_mrr + mart.expansion_mrr - mart.contraction_mrr
                - mart.churn_mrr + mart.fx_mrr - coalesce(movements.amount, 0)
                as movements_minus_fct_mrr_movements""",
        ],
        joins="""
            left join (
                select month, sum(amount) as amount from marts.fct_mrr_movements group by month
            ) as movements on mart.month = movements.month
        """,
        description="The bridge's movements are the sum of fct_mrr_movements every month.",
    ),
    mart_suite(
        "rpt_retention_kpis",
        key=["month", "slice_dimension", "slice_value", "window_months"],
        expectations=lambda: [
            *_share("grr", "logo_churn_rate"),
            *non_negative("base_mrr", "base_accounts", "nrr", "churn_mrr", "contraction_mrr"),
        ],
    ),
    mart_suite(
        "rpt_cohort_retention",
        key=["cohort_month", "months_since_start", "slice_dimension", "slice_value"],
        expectations=lambda: [
            *_share("logo_retention"),
            *non_negative(
                "months_since_start", "cohort_accounts", "active_accounts", "revenue_retention"
            ),
            zero("active_beyond_cohort"),
        ],
        derived=[
            "greatest(mart.active_accounts - mart.cohort_accounts, 0) as active_beyond_cohort"
        ],
    ),
    mart_suite(
        "rpt_survival",
        key=["slice_dimension", "slice_value", "cohort_year", "months_since_start"],
        expectations=lambda: [
            *_share("survival"),
            *non_negative("at_risk", "churned", "censored"),
        ],
    ),
    mart_suite(
        "rpt_onboarding",
        key=["cohort_month", "slice_dimension", "slice_value"],
        expectations=lambda: [
            *_share("onboarding_completion_rate"),
            *non_negative("accounts_started", "onboarding_completed_90d"),
        ],
    ),
    mart_suite(
        "rpt_health_backtest",
        key=["month", "slice_dimension", "slice_value", "weights_version", "health_band"],
        expectations=lambda: [
            accepted("health_band", HEALTH_BANDS, CRITICAL),
            *_share("churn_rate_90d", "auc"),
            *non_negative("accounts", "churned_90d", "contracted_90d"),
        ],
    ),
    mart_suite(
        "rpt_health_backtest_summary",
        key=["slice_dimension", "slice_value", "weights_version"],
        expectations=lambda: [*_share("auc"), *non_negative("account_months")],
    ),
    mart_suite(
        "rpt_csm_portfolio",
        key=["month", "csm_owner_id"],
        expectations=lambda: [
            *non_negative("accounts", "mrr", "at_risk_mrr", "renewals_due_90d_mrr", "touches_30d"),
            zero("at_risk_beyond_mrr"),
        ],
        derived=["greatest(mart.at_risk_mrr - mart.mrr, 0) as at_risk_beyond_mrr"],
    ),
)
