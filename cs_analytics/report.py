"""The nightly CS report: what was published and what the run had to set aside.

Plain Markdown, so it reads in a mail, a chat message or a repository. It is
written from the published warehouse and the run's audit relations only.
Besides revenue it answers what a CS lead asks first each morning: how
healthy the book is, which accounts are most at risk and why, what renews
soon, how each CSM's book stands, why last month's customers left, and
whether the health score has been predicting churn.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

BRIDGE_SQL = """
select month, round(opening_mrr, 2), round(new_mrr, 2), round(reactivation_mrr, 2),
    round(expansion_mrr, 2), round(contraction_mrr, 2), round(churn_mrr, 2),
    round(fx_mrr, 2), round(closing_mrr, 2), closing_accounts, round(cmrr, 2)
from marts.rpt_mrr_bridge order by month desc limit 4
"""

RETENTION_SQL = """
select window_months, round(grr, 4), round(nrr, 4), round(logo_churn_rate, 4),
    round(quick_ratio, 2), round(arpa, 2)
from marts.rpt_retention_kpis
where slice_dimension = 'all'
    and month = (select last_complete_month from marts.dim_build)
order by window_months
"""

# What counts as at risk, how many rows to list and the renewal horizon are the
# report marts' (models/marts/report/, docs/metrics.md, The morning report);
# this summary only reads them.
PARAMETERS_SQL = """
select list_rows, renewal_horizon_days, replace(at_risk_bands, ',', ' or ')
from marts.rpt_report_parameters
"""

# The latest month's snapshot day is the latest score day (the day before AS_OF_DATE);
# on the first of a month the month before has the same snapshot day.
HEALTH_BANDS_SQL = """
select health_band, accounts, round(mrr, 2)
from marts.rpt_report_health_bands
where month = (select max(month) from marts.rpt_report_health_bands)
order by band_order
"""

AT_RISK_SQL = """
select account_id, account_name, health_band, round(health_score, 1),
    primary_risk_driver, round(score_change_30d, 1), round(current_mrr, 2), csm_owner_id
from marts.rpt_report_at_risk_accounts
where is_listed
order by at_risk_rank
"""

RENEWALS_DUE_SQL = """
select term_end_date, account_id, product_id, round(mrr_up_for_renewal, 2), health_band,
    round(health_score, 1)
from marts.rpt_report_renewals_due
where is_listed
order by renewal_rank
"""

RENEWALS_DUE_TOTAL_SQL = """
select count(*), round(coalesce(sum(mrr_up_for_renewal), 0), 2)
from marts.rpt_report_renewals_due
"""

CSM_PORTFOLIO_SQL = """
select csm_owner_id, accounts, round(mrr, 2), round(at_risk_mrr, 2),
    round(renewals_due_90d_mrr, 2), touches_30d, round(renewal_rate, 4)
from marts.rpt_csm_portfolio
where month = (select last_complete_month from marts.dim_build)
order by mrr desc, csm_owner_id
"""

CHURN_REASONS_SQL = """
select voluntary_category, avoidability_category, churned_accounts, round(churned_mrr, 2)
from marts.rpt_churn_by_category
where month = (select last_complete_month from marts.dim_build) and churned_accounts > 0
order by churned_mrr desc, voluntary_category, avoidability_category
"""

BACKTEST_SQL = """
select weights_version, account_months, churned_90d, round(auc, 3),
    round(churn_rate_red, 4), round(churn_rate_yellow, 4), round(churn_rate_green, 4)
from marts.rpt_health_backtest_summary
where slice_dimension = 'all'
order by weights_version
"""


def _table(headers: list[str], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return lines


def _section(title: str, headers: list[str], rows: list[tuple], note: str = "") -> list[str]:
    """A heading, an optional line of context and the table (or a line saying it is empty)."""
    lines = [f"## {title}", ""]
    if note:
        lines += [note, ""]
    lines += _table(headers, rows) if rows else ["None."]
    return [*lines, ""]


def _customer_sections(con: duckdb.DuckDBPyConnection, last_month: object) -> list[str]:
    due_count, due_mrr = con.execute(RENEWALS_DUE_TOTAL_SQL).fetchone()
    list_rows, horizon_days, at_risk_bands = con.execute(PARAMETERS_SQL).fetchone()
    return [
        *_section(
            "Health of the book (latest score day)",
            ["band", "accounts", "MRR"],
            con.execute(HEALTH_BANDS_SQL).fetchall(),
        ),
        *_section(
            f"Accounts most at risk ({at_risk_bands}, the {list_rows} largest by MRR)",
            [
                "account",
                "name",
                "band",
                "score",
                "main risk driver",
                "score change 30 d",
                "MRR",
                "CSM",
            ],
            con.execute(AT_RISK_SQL).fetchall(),
        ),
        *_section(
            f"Renewals due in the next {horizon_days} days",
            ["term end", "account", "product", "MRR up for renewal", "band", "score"],
            con.execute(RENEWALS_DUE_SQL).fetchall(),
            f"{due_count} pending renewals, {due_mrr} MRR in all; the {list_rows} largest:",
        ),
        *_section(
            f"CSM portfolios, {last_month}",
            [
                "CSM",
                "accounts",
                "MRR",
                "at-risk MRR",
                "renewals due 90 d",
                "touches 30 d",
                "renewal rate",
            ],
            con.execute(CSM_PORTFOLIO_SQL).fetchall(),
        ),
        *_section(
            f"Churn in {last_month} by reason",
            ["voluntary", "avoidable", "accounts", "churned MRR"],
            con.execute(CHURN_REASONS_SQL).fetchall(),
        ),
        *_section(
            "Does the health score predict churn? (backtest, all accounts)",
            [
                "weights version",
                "account-months",
                "churned in 90 d",
                "AUC",
                "churn rate red",
                "churn rate yellow",
                "churn rate green",
            ],
            con.execute(BACKTEST_SQL).fetchall(),
            "AUC 0.5 is a coin toss, 1.0 ranks every churner below every account that stayed.",
        ),
    ]


def write_nightly_report(warehouse_path: Path, working_db: Path, report_dir: Path) -> Path:
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        marts = con.execute(
            "select table_name, estimated_size from duckdb_tables() "
            "where schema_name = 'marts' order by table_name"
        ).fetchall()
        rows_per_mart = {
            # Names come from the published catalog, not from user input.
            name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0]
            for name, _ in marts
        }
        build = con.execute(
            "select as_of_date, reporting_timezone, reporting_currency, last_complete_month "
            "from marts.dim_build"
        ).fetchone()
        as_of, timezone, currency, last_month = build if build else (None, None, None, None)
        bridge = con.execute(BRIDGE_SQL).fetchall()
        retention = con.execute(RETENTION_SQL).fetchall()
        customer = _customer_sections(con, last_month)
    with duckdb.connect(str(working_db), read_only=True) as con:
        landing = con.execute(
            "select table_path, rows_landed, exact_duplicate_rows, conflicting_duplicate_rows, "
            "rows_rejected, rows_staged from audit.audit_landing_reconciliation "
            "where rows_landed > 0 order by table_path"
        ).fetchall()
        attribution = con.execute(
            "select table_path, rows_attributed, rows_after_as_of, rows_quarantined "
            "from audit.audit_account_fact_attribution order by table_path"
        ).fetchall()
    lines = [
        f"# Nightly CS analytics build, as of {as_of}",
        "",
        f"Reporting timezone {timezone}, currency {currency}; last complete month {last_month}.",
        f"Published to `{warehouse_path}`.",
        "",
        *_section(
            "MRR bridge (latest months; the first is partial)",
            [
                "month",
                "opening",
                "new",
                "reactivation",
                "expansion",
                "contraction",
                "churn",
                "fx",
                "closing",
                "accounts",
                "CMRR",
            ],
            bridge,
        ),
        *_section(
            f"Retention, {last_month}",
            ["window (months)", "GRR", "NRR", "logo churn", "quick ratio", "ARPA"],
            retention,
        ),
        *customer,
        *_section("Published marts", ["mart", "rows"], sorted(rows_per_mart.items())),
        *_section(
            "Landing: loaded, de-duplicated, quarantined",
            [
                "table",
                "rows landed",
                "exact duplicates",
                "conflicting duplicates",
                "malformed lines",
                "rows staged",
            ],
            landing,
        ),
        *_section(
            "Account facts: attributed, after the as-of date, quarantined",
            ["table", "attributed", "after as-of", "quarantined"],
            attribution,
        ),
    ]
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / f"nightly_{as_of}.md"
    path.write_text("\n".join(lines))
    return path
