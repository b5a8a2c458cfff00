"""The nightly job end to end on a small generated company, as `make run` runs it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.python.pipeline_helpers import (
    AS_OF,
    assert_night_fails_keeping_marts,
    build_warehouse,
    generate_landing,
    query,
    working_db,
)


@pytest.fixture(scope="module")
def landing(clean_landing: Path) -> Path:
    return clean_landing


@pytest.fixture(scope="module")
def warehouse(clean_warehouse: Path) -> Path:
    return clean_warehouse


def test_published_file_holds_only_the_marts(warehouse: Path) -> None:
    schemas = query(warehouse, "select distinct schema_name from duckdb_tables() order by 1")
    # Besides the marts, only the publishing run's record (never in `marts`).
    assert schemas == [("marts",), ("run_metadata",)]
    assert query(warehouse, "select as_of_date, reporting_timezone from marts.dim_build") == [
        (AS_OF, "UTC")
    ]


def test_published_marts_carry_their_descriptions(warehouse: Path) -> None:
    """BI tools show the YAML docs: dbt persists them, publish copies them."""
    [(table_comment,)] = query(
        warehouse,
        "select comment from duckdb_tables() "
        "where schema_name = 'marts' and table_name = 'fct_mrr'",
    )
    assert table_comment and "account" in table_comment.lower()
    undocumented = query(
        warehouse,
        "select table_name, column_name from duckdb_columns() "
        "where schema_name = 'marts' and (comment is null or comment = '')",
    )
    assert undocumented == []


def _storage_version(path: Path) -> tuple[int, ...]:
    [(tag,)] = query(
        path,
        "select tags['storage_version'] from duckdb_databases() "
        "where database_name = current_database()",
    )
    return tuple(int(part) for part in tag.strip("v+").split("."))


def test_only_the_private_working_database_uses_the_current_storage_format(
    warehouse: Path,
) -> None:
    """BI clients on an older DuckDB must still open the warehouse; the working
    database, which only the pinned DuckDB opens, takes the faster format."""
    assert _storage_version(warehouse) <= (1, 0, 0)
    assert _storage_version(working_db(warehouse)) > _storage_version(warehouse)


def test_parquet_copies_and_report_are_published(warehouse: Path) -> None:
    parquet = warehouse.with_name("cs_parquet")
    assert (parquet / "dim_build.parquet").is_file()
    # The daily marts are one folder per month (docs/marts_interface.md).
    months = query(
        warehouse,
        "select distinct strftime(score_date, 'score_month=%Y-%m') "
        "from marts.fct_account_health_daily",
    )
    assert sorted(p.name for p in (parquet / "fct_account_health_daily").iterdir()) == sorted(
        month for (month,) in months
    )
    marts = query(warehouse, "select table_name from duckdb_tables() where schema_name = 'marts'")
    for (name,) in marts:
        [(rows,)] = query(warehouse, f"select count(*) from marts.{name}")
        files = parquet / f"{name}.parquet"
        if not files.is_file():
            files = parquet / name / "*" / "*.parquet"
        [(copied,)] = duckdb.sql(f"select count(*) from read_parquet('{files}')").fetchall()
        assert copied == rows, name
    report = (warehouse.parent / "reports" / f"nightly_{AS_OF}.md").read_text()
    assert "dim_build" in report and "usage/events" in report


def _report_section(report: str, heading: str) -> list[list[str]]:
    """The data rows of the Markdown table under `## heading` (cells stripped)."""
    section = report.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def test_report_tells_cs_how_the_book_stands(warehouse: Path) -> None:
    """Health bands, risk, renewals, CSM books, churn reasons and the backtest, from the marts."""
    report = (warehouse.parent / "reports" / f"nightly_{AS_OF}.md").read_text()
    bands = _report_section(report, "Health of the book (latest score day)")
    scored = query(
        warehouse,
        "select count(*) from marts.fct_account_health_daily "
        "where score_date = (select max(score_date) from marts.fct_account_health_daily)",
    )[0][0]
    assert scored > 0 and sum(int(row[1]) for row in bands) == scored
    at_risk = _report_section(report, "Accounts most at risk")
    assert all(row[2] in ("red", "yellow") for row in at_risk)
    mrr = [float(row[6] or 0) for row in at_risk]
    assert mrr == sorted(mrr, reverse=True)
    due = query(
        warehouse,
        "select count(*) from marts.fct_renewals where is_pending "
        "and term_end_date >= $as_of and term_end_date < $as_of + interval 90 day",
        {"as_of": AS_OF},
    )[0][0]
    assert f"{due} pending renewals" in report
    books = _report_section(report, "CSM portfolios")
    assert books and all(int(row[1]) > 0 for row in books)
    churned = query(
        warehouse,
        "select count(*) from marts.fct_churn_events "
        "where month = (select last_complete_month from marts.dim_build)",
    )[0][0]
    reasons = _report_section(report, "Churn in")
    assert sum(int(row[2]) for row in reasons) == churned
    backtest = _report_section(report, "Does the health score predict churn?")
    # A version with no churn inside its horizon has no AUC (an empty cell).
    assert backtest and all(0 <= float(row[3]) <= 1 for row in backtest if row[3])


def test_every_landing_table_reconciles(warehouse: Path) -> None:
    working = warehouse.with_name("cs.work.duckdb")
    rows = query(
        working, "select table_path, is_reconciled from audit.audit_landing_reconciliation"
    )
    assert len(rows) == 21
    assert all(ok for _, ok in rows), rows
    facts = query(
        working, "select table_path, is_reconciled from audit.audit_account_fact_attribution"
    )
    assert all(ok for _, ok in facts), facts


def test_every_generated_row_reaches_staging(landing: Path, warehouse: Path) -> None:
    """The clean demo has no duplicates: every landed row is staged."""
    working = warehouse.with_name("cs.work.duckdb")
    rows = query(
        working,
        "select table_path, rows_landed, rows_staged from audit.audit_landing_reconciliation",
    )
    assert [r for r in rows if r[1] != r[2]] == []
    assert dict((t, landed) for t, landed, _ in rows)["usage/events"] > 1000


@pytest.fixture
def broken_landing(landing: Path, tmp_path: Path) -> Path:
    """A copy of the clean landing for a test to damage."""
    broken = tmp_path / "landing"
    shutil.copytree(landing, broken)
    return broken


def test_missing_required_table_fails_and_leaves_the_published_marts(
    broken_landing: Path,
    warehouse: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (broken_landing / "billing" / "subscription_items.csv").unlink()
    assert_night_fails_keeping_marts(
        monkeypatch, capsys, broken_landing, warehouse, "billing/subscription_items"
    )


@pytest.fixture(scope="module")
def dirty_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_landing(tmp_path_factory.mktemp("dirty") / "landing", dirty=True)


@pytest.fixture(scope="module")
def dirty_warehouse(
    dirty_landing: Path, manifest: dict, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    # Planted defects are warnings or quarantine rows, never a failed night.
    return build_warehouse(dirty_landing, tmp_path_factory, "dirty_warehouse")


def test_every_planted_defect_is_detected_and_counted(
    dirty_landing: Path, dirty_warehouse: Path
) -> None:
    planted = json.loads((dirty_landing / "_truth" / "defects.json").read_text())
    working = dirty_warehouse.with_name("cs.work.duckdb")
    audit = {
        table: (exact, conflicting, rejected, reconciled)
        for table, exact, conflicting, rejected, reconciled in query(
            working,
            "select table_path, exact_duplicate_rows, conflicting_duplicate_rows, "
            "rows_rejected, is_reconciled from audit.audit_landing_reconciliation",
        )
    }
    assert all(reconciled for *_, reconciled in audit.values())
    assert {t: v[0] for t, v in audit.items() if v[0]} == planted["exact_duplicate_rows"]
    assert {t: v[1] for t, v in audit.items() if v[1]} == planted["conflicting_duplicate_rows"]
    assert {t: v[2] for t, v in audit.items() if v[2]} == planted["malformed_csv_lines"]
    quarantined = query(
        working,
        "select reason, count(*) from audit.quarantine_unattributed_rows "
        "where table_path = 'usage/events' group by reason",
    )
    assert quarantined == [("unknown_account", planted["orphan_usage_events"])]
    # Late arrivals are kept (a full build includes them), and detectable as late.
    late = query(
        working,
        "select count(*) from staging.stg_usage__events "
        "where received_at > occurred_at + interval 3 day",
    )
    assert late == [(planted["late_events"],)]
    # The one-day FX gap is shorter than fx_max_staleness_days: no error, the night published.
    assert planted["missing_fx_days"]
    for gap in planted["missing_fx_days"]:
        assert query(
            working,
            "select count(*) from staging.stg_billing__fx_rates "
            "where currency = $currency and rate_date = cast($date as date)",
            gap,
        ) == [(0,)]
    assert query(dirty_warehouse, "select count(*) from marts.dim_build") == [(1,)]
    # Every typed value parsed: nothing became NULL silently.
    assert query(
        working, "select sum(values_unparsable) from audit.audit_landing_parse_failures"
    ) == [(0,)]


def test_fct_mrr_equals_the_generators_truth(landing: Path, warehouse: Path) -> None:
    """Every account × product × currency × month the generator planted, to 6 decimals."""
    truth = landing / "_truth" / "mrr.parquet"
    differences = query(
        warehouse,
        f"""
        with truth as (
            select month, account_id, product_id, currency, mrr_original
            from read_parquet('{truth}')
        ),
        mart as (
            select month, account_id, product_id, currency, mrr_original
            from marts.fct_mrr
            where month between (select min(month) from truth) and (select max(month) from truth)
        )
        select
            coalesce(truth.month, mart.month) as month,
            coalesce(truth.account_id, mart.account_id) as account_id,
            truth.mrr_original as expected,
            mart.mrr_original as actual
        from truth
        full outer join mart using (month, account_id, product_id, currency)
        where truth.mrr_original is null or mart.mrr_original is null
            or round(truth.mrr_original, 6) <> round(mart.mrr_original, 6)
        """,
    )
    assert differences == []
    assert query(warehouse, f"select count(*) > 100 from read_parquet('{truth}')") == [(True,)]


def test_a_missing_fx_rate_fails_naming_currency_and_date(
    broken_landing: Path,
    warehouse: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rates = broken_landing / "billing" / "fx_rates.csv"
    lines = rates.read_text().splitlines()
    rates.write_text("\n".join([lines[0], *(line for line in lines[1:] if "EUR" not in line)]))
    assert_night_fails_keeping_marts(
        monkeypatch, capsys, broken_landing, warehouse, "FX rate missing: no EUR rate"
    )


def test_a_stale_fx_rate_fails_naming_currency_and_dates(
    broken_landing: Path,
    warehouse: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The latest EUR rate before the June snapshot is 11 days old (limit 7): the night stops."""
    rates = broken_landing / "billing" / "fx_rates.csv"
    header, *lines = rates.read_text().splitlines()
    gap = {f'"2024-06-{day}","EUR"' for day in range(20, 31)}
    kept = [line for line in lines if not any(line.startswith(g) for g in gap)]
    assert len(lines) - len(kept) == 11
    rates.write_text("\n".join([header, *kept]) + "\n")
    assert_night_fails_keeping_marts(
        monkeypatch,
        capsys,
        broken_landing,
        warehouse,
        "FX rate missing: no EUR rate on or within 7 days before 2024-06-30 (latest: 2024-06-19)",
    )
