"""The nightly CS report: what was published and what the run had to set aside.

Plain Markdown, so it reads in a mail, a chat message or a repository. It is
written from the published warehouse and the run's audit relations only.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def _table(headers: list[str], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return lines


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
        bridge = con.execute(
            "select month, round(opening_mrr, 2), round(new_mrr, 2), round(reactivation_mrr, 2), "
            "round(expansion_mrr, 2), round(contraction_mrr, 2), round(churn_mrr, 2), "
            "round(fx_mrr, 2), round(closing_mrr, 2), closing_accounts, round(cmrr, 2) "
            "from marts.rpt_mrr_bridge order by month desc limit 4"
        ).fetchall()
        retention = con.execute(
            "select window_months, round(grr, 4), round(nrr, 4), round(logo_churn_rate, 4), "
            "round(quick_ratio, 2), round(arpa, 2) from marts.rpt_retention_kpis "
            "where slice_dimension = 'all' and month = "
            "(select last_complete_month from marts.dim_build) order by window_months"
        ).fetchall()
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
    as_of, timezone, currency, last_month = build if build else (None, None, None, None)
    lines = [
        f"# Nightly CS analytics build, as of {as_of}",
        "",
        f"Reporting timezone {timezone}, currency {currency}; last complete month {last_month}.",
        f"Published to `{warehouse_path}`.",
        "",
        "## MRR bridge (latest months; the first is partial)",
        "",
        *_table(
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
        "",
        f"## Retention, {last_month}",
        "",
        *_table(["window (months)", "GRR", "NRR", "logo churn", "quick ratio", "ARPA"], retention),
        "",
        "## Published marts",
        "",
        *_table(["mart", "rows"], sorted(rows_per_mart.items())),
        "",
        "## Landing: loaded, de-duplicated, quarantined",
        "",
        *_table(
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
        "",
        "## Account facts: attributed, after the as-of date, quarantined",
        "",
        *_table(["table", "attributed", "after as-of", "quarantined"], attribution),
        "",
    ]
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / f"nightly_{as_of}.md"
    path.write_text("\n".join(lines))
    return path
