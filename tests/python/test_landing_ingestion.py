"""Landing ingestion against docs/landing_contract.md: what is accepted, refused and kept."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cs_analytics.landing.contract import TABLES
from cs_analytics.landing.discovery import LandingError
from cs_analytics.landing.loader import ingest_landing, sha256_of
from tests.python.landing_builder import MINIMAL_ROWS, write_csv, write_minimal_landing

STARTED = datetime(2024, 6, 1, tzinfo=UTC)


def ingest(landing: Path, db: Path):
    return ingest_landing(db, landing, run_id="test-run", started_at=STARTED)


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_minimal_landing_loads_every_table(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    report = ingest(landing, tmp_path / "w.duckdb")
    assert report.rows_per_table["crm/accounts"] == 1
    assert report.rows_per_table["usage/events"] == 0
    tables = {
        name
        for (name,) in query(
            tmp_path / "w.duckdb",
            "select table_name from duckdb_tables() where schema_name = 'raw'",
        )
    }
    assert {t.raw_relation for t in TABLES} <= tables


def test_missing_required_table_is_an_error_naming_the_path(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    (landing / "billing" / "subscription_items.csv").unlink()
    with pytest.raises(LandingError, match="billing/subscription_items"):
        ingest(landing, tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists(), "nothing may be written before the check"


def test_missing_required_column_names_table_and_column(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    rows = [
        {k: v for k, v in row.items() if k != "plan_id"}
        for row in MINIMAL_ROWS["billing/subscription_items"]
    ]
    write_csv(landing / "billing" / "subscription_items.csv", rows)
    with pytest.raises(LandingError) as error:
        ingest(landing, tmp_path / "w.duckdb")
    assert "'plan_id'" in str(error.value)
    assert "billing/subscription_items" in str(error.value)


def test_missing_optional_column_is_null(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    rows = [
        {k: v for k, v in row.items() if k not in ("tier_rank", "included_seats")}
        for row in MINIMAL_ROWS["billing/plans"]
    ]
    write_csv(landing / "billing" / "plans.csv", rows)
    ingest(landing, tmp_path / "w.duckdb")
    assert query(
        tmp_path / "w.duckdb", "select tier_rank, included_seats from raw.billing__plans"
    ) == [(None, None)]


def test_absent_optional_table_is_empty_with_a_warning(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    report = ingest(landing, tmp_path / "w.duckdb")
    assert any("support/tickets" in w for w in report.warnings)
    assert query(tmp_path / "w.duckdb", "select count(*) from raw.support__tickets") == [(0,)]


def test_bom_extra_columns_and_column_order_are_tolerated(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    row = dict(reversed(list(MINIMAL_ROWS["crm/accounts"][0].items())))
    row["favourite_colour"] = "teal"
    write_csv(landing / "crm" / "accounts.csv", [row], bom=True)
    ingest(landing, tmp_path / "w.duckdb")
    assert query(
        tmp_path / "w.duckdb",
        "select account_id, account_name, employee_count from raw.crm__accounts",
    ) == [("acc_1", "Acme", "120")]


def test_malformed_line_is_quarantined_with_the_parsers_reason(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    path = landing / "crm" / "accounts.csv"
    good = path.read_text().splitlines()[1].replace("acc_1", "acc_2")
    path.write_text(path.read_text() + "acc_bad,too,few\n" + good + "\n")
    report = ingest(landing, tmp_path / "w.duckdb")
    assert report.rows_rejected == 1
    assert query(tmp_path / "w.duckdb", "select account_id from raw.crm__accounts order by 1") == [
        ("acc_1",),
        ("acc_2",),
    ]
    rejected = query(
        tmp_path / "w.duckdb", "select table_path, line, csv_line from raw.landing_rejected_lines"
    )
    assert rejected == [("crm/accounts", 3, "acc_bad,too,few")]


def test_duplicates_are_kept_in_raw_with_their_load_order(tmp_path: Path) -> None:
    """Raw keeps every row; staging de-duplicates and the audit counts (see the pipeline test)."""
    landing = write_minimal_landing(tmp_path / "landing")
    folder = landing / "crm" / "accounts"
    row = MINIMAL_ROWS["crm/accounts"][0]
    write_csv(folder / "part-2.csv", [row])  # a re-sent copy, loaded after accounts.csv
    (landing / "crm" / "accounts.csv").rename(folder / "part-1.csv")
    ingest(landing, tmp_path / "w.duckdb")
    rows = query(
        tmp_path / "w.duckdb",
        "select _source_file, _loaded_at from raw.crm__accounts order by _loaded_at",
    )
    assert [file for file, _ in rows] == ["crm/accounts/part-1.csv", "crm/accounts/part-2.csv"]
    assert rows[0][1] < rows[1][1]


def test_parquet_folder_and_manifest(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    events = pa.table(
        {
            "event_id": ["e1", "e2"],
            "account_id": ["acc_1", "acc_1"],
            "user_id": ["u1", "u1"],
            "event_name": ["cms.login", "cms.page_edited"],
            "occurred_at": pa.array(
                [datetime(2024, 2, 1, 9), datetime(2024, 2, 1, 10)], pa.timestamp("us", tz="UTC")
            ),
            "received_at": pa.array([None, None], pa.timestamp("us", tz="UTC")),
        }
    )
    target = landing / "usage" / "events" / "month=2024-02" / "part-0.parquet"
    target.parent.mkdir(parents=True)
    pq.write_table(events, target)
    ingest(landing, tmp_path / "w.duckdb")
    # Parquet keeps its types; a zoned timestamp is kept as its UTC instant.
    assert query(
        tmp_path / "w.duckdb", "select event_id, occurred_at from raw.usage__events order by 1"
    ) == [("e1", datetime(2024, 2, 1, 9)), ("e2", datetime(2024, 2, 1, 10))]
    assert query(
        tmp_path / "w.duckdb",
        "select column_name, data_type from duckdb_columns() where table_name = 'usage__events' "
        "and column_name in ('event_id', 'occurred_at') order by 1",
    ) == [("event_id", "VARCHAR"), ("occurred_at", "TIMESTAMP")]
    manifest = query(
        tmp_path / "w.duckdb",
        "select sha256, rows_loaded from raw.landing_files where table_path = 'usage/events'",
    )
    assert manifest == [(sha256_of(target), 2)]


def test_a_resent_file_is_visible_in_the_history(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    db = tmp_path / "w.duckdb"
    ingest(landing, db)
    ingest(landing, db)
    counts = query(
        db,
        "select count(distinct run_id), count(*), count(distinct sha256) "
        "from audit.landing_file_history where table_path = 'crm/accounts'",
    )
    assert counts == [(1, 2, 1)]
    actions = query(
        db,
        "select load_action from audit.landing_file_history "
        "where table_path = 'crm/accounts' order by loaded_at, load_action",
    )
    assert actions == [("new",), ("unchanged",)]
