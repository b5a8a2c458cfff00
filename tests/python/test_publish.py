"""Publishing writes what changed since the published build and reuses the rest.

A small working database of three marts, published with publish_marts
directly: the daily mart spans three months, so one old row changed is one
month of three to write again. Whatever was reused, the published file and
the Parquet copies must hold exactly the working database's marts.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from cs_analytics.publish import PublishResult, publish_marts
from cs_analytics.publish.fingerprint import PARTITIONED_MARTS
from cs_analytics.publish.manifest import MANIFEST_NAME
from cs_analytics.run_metadata import RunRecord
from tests.python.pipeline_helpers import digest, query

DAILY = "fct_account_health_daily"
MARTS = ("dim_build", DAILY, "fct_mrr")


@pytest.fixture
def working(tmp_path: Path) -> Path:
    path = tmp_path / "cs.work.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            f"""
            create table marts.{DAILY} as
            select day::date as score_date, 'acc_' || account as account_id,
                   (account * 10 + 0.5)::decimal(9, 6) as health_score
            from range(date '2024-01-01', date '2024-04-01', interval 1 day) as days(day),
                 range(3) as accounts(account)
            """
        )
        con.execute(f"comment on table marts.{DAILY} is 'One row per account and day.'")
        con.execute(f"comment on column marts.{DAILY}.health_score is 'The health score.'")
        con.execute("create table marts.dim_build as select date '2024-04-01' as as_of_date")
        con.execute(
            "create table marts.fct_mrr as select 'acc_' || i as account_id, i * 100 as mrr "
            "from range(5) as t(i)"
        )
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "cs.duckdb"


def change(working: Path, sql: str) -> None:
    with duckdb.connect(str(working)) as con:
        con.execute(sql)


def publish(
    working: Path, warehouse: Path, build_id: str, **options: object
) -> tuple[PublishResult, list[str]]:
    lines: list[str] = []
    result = publish_marts(working, warehouse, build_id, progress=lines.append, **options)
    return result, lines


def line_of(lines: list[str], mart: str) -> str:
    [line] = [line for line in lines if line.startswith(f"publish {mart}:")]
    return line


def parquet_glob(warehouse: Path, mart: str) -> str:
    root = warehouse.with_name("cs_parquet")
    if mart in PARTITIONED_MARTS:
        return str(root / mart / "*" / "*.parquet")
    return str(root / f"{mart}.parquet")


def assert_published_as_working(warehouse: Path, working: Path) -> None:
    """Every mart of the working database, row for row, in the file and the Parquet copies."""
    with duckdb.connect(str(working), read_only=True) as con:
        names = [n for (n,) in con.execute("select table_name from duckdb_tables()").fetchall()]
        expected = {
            n: con.execute(f"select * from marts.{n} order by all").fetchall() for n in names
        }
    published = query(
        warehouse, "select table_name from duckdb_tables() where schema_name = 'marts'"
    )
    assert sorted(n for (n,) in published) == sorted(names)
    for name, rows in expected.items():
        assert query(warehouse, f"select * from marts.{name} order by all") == rows, name
        copy = parquet_glob(warehouse, name)
        in_parquet = query(
            warehouse.with_name("probe.duckdb"),
            f"select * from read_parquet('{copy}', hive_partitioning = false) order by all",
        )
        assert in_parquet == rows, name


def inodes(warehouse: Path) -> dict[str, int]:
    root = warehouse.with_name("cs_parquet").resolve()
    return {
        p.relative_to(root).as_posix(): p.stat().st_ino
        for p in root.rglob("*.parquet")
        if p.is_file()
    }


@pytest.fixture(autouse=True)
def probe(warehouse: Path) -> None:
    """An empty database to read Parquet files through (query() opens read-only)."""
    warehouse.parent.mkdir(parents=True)
    duckdb.connect(str(warehouse.with_name("probe.duckdb"))).close()


def test_the_first_publish_writes_every_mart_and_the_daily_mart_by_month(
    working: Path, warehouse: Path
) -> None:
    result, lines = publish(working, warehouse, "night-1")
    assert lines[0] == "publish: no earlier build to compare with, every mart is written"
    assert "DuckDB file all 3 months rewritten; Parquet all 3 months rewritten" in line_of(
        lines, DAILY
    )
    assert result.rows_per_mart == {"dim_build": 1, DAILY: 273, "fct_mrr": 5}
    parquet = warehouse.with_name("cs_parquet")
    assert (parquet / "dim_build.parquet").is_file()
    months = sorted(p.name for p in (parquet / DAILY).iterdir())
    assert months == ["score_month=2024-01", "score_month=2024-02", "score_month=2024-03"]
    assert_published_as_working(warehouse, working)


def test_one_changed_old_row_is_published_by_rewriting_its_month_only(
    working: Path, warehouse: Path
) -> None:
    publish(working, warehouse, "night-1")
    before = inodes(warehouse)
    change(
        working,
        f"update marts.{DAILY} set health_score = 99 "
        "where account_id = 'acc_1' and score_date = date '2024-01-15'",
    )
    _, lines = publish(working, warehouse, "night-2")
    assert lines[0] == "publish: writing what changed since build night-1"
    assert line_of(lines, DAILY).startswith(
        f"publish {DAILY}: 273 rows; "
        "DuckDB file 1 of 3 months rewritten (93 rows), the rest reused; "
        "Parquet 1 of 3 months rewritten (93 rows), the rest reused; "
    )
    assert "DuckDB file reused; Parquet reused" in line_of(lines, "dim_build")
    assert query(
        warehouse,
        f"select health_score from marts.{DAILY} "
        "where account_id = 'acc_1' and score_date = date '2024-01-15'",
    ) == [(99,)]
    assert_published_as_working(warehouse, working)
    after = inodes(warehouse)
    rewritten = {path for path in after if after[path] != before.get(path)}
    assert {path.split("/")[1] for path in rewritten} == {"score_month=2024-01"}
    assert after["dim_build.parquet"] == before["dim_build.parquet"]


def test_a_new_day_and_a_month_gone_are_published(working: Path, warehouse: Path) -> None:
    publish(working, warehouse, "night-1")
    change(
        working,
        f"insert into marts.{DAILY} values (date '2024-04-01', 'acc_0', 1.5); "
        f"delete from marts.{DAILY} where score_date < date '2024-02-01'",
    )
    _, lines = publish(working, warehouse, "night-2")
    assert "DuckDB file 1 of 3 months rewritten (1 row), the rest reused" in line_of(lines, DAILY)
    months = sorted(p.name for p in (warehouse.with_name("cs_parquet") / DAILY).iterdir())
    assert months == ["score_month=2024-02", "score_month=2024-03", "score_month=2024-04"]
    assert_published_as_working(warehouse, working)


def test_a_change_to_most_rows_rewrites_the_whole_mart(working: Path, warehouse: Path) -> None:
    publish(working, warehouse, "night-1")
    # A new weights version restates every past day.
    change(working, f"update marts.{DAILY} set health_score = health_score + 1")
    _, lines = publish(working, warehouse, "night-2")
    assert "DuckDB file all 3 months rewritten; Parquet all 3 months rewritten" in line_of(
        lines, DAILY
    )
    assert_published_as_working(warehouse, working)


def test_an_unchanged_night_reuses_every_mart_and_publishes_only_its_own_run_record(
    working: Path, warehouse: Path
) -> None:
    def record(run_id: str) -> RunRecord:
        return RunRecord(
            run_id, date(2024, 4, 1), "UTC", "USD", datetime(2024, 4, 1, tzinfo=UTC), "published"
        )

    publish(working, warehouse, "night-1", run_record=record("night-1"))
    before = inodes(warehouse)
    result, lines = publish(working, warehouse, "night-2", run_record=record("night-2"))
    assert all("DuckDB file reused; Parquet reused" in line_of(lines, m) for m in MARTS)
    assert result.rows_written == 0
    assert inodes(warehouse) == before
    assert query(warehouse, "select run_id, status from run_metadata.runs") == [
        ("night-2", "published")
    ]
    assert dict(query(warehouse, "select mart, row_count from run_metadata.mart_row_counts")) == (
        result.rows_per_mart
    )
    assert_published_as_working(warehouse, working)


def test_marts_added_and_dropped_and_a_changed_description_are_published(
    working: Path, warehouse: Path
) -> None:
    publish(working, warehouse, "night-1")
    change(
        working,
        "drop table marts.fct_mrr; create table marts.dim_csms as select 'csm_1' as csm_owner_id; "
        f"comment on column marts.{DAILY}.health_score is 'The health score, 0 to 100.'",
    )
    _, lines = publish(working, warehouse, "night-2")
    assert "DuckDB file all 3 months rewritten" in line_of(lines, DAILY)
    assert not (warehouse.with_name("cs_parquet") / "fct_mrr.parquet").exists()
    assert query(
        warehouse,
        "select comment from duckdb_columns() where table_name = $t and column_name = $c",
        {"t": DAILY, "c": "health_score"},
    ) == [("The health score, 0 to 100.",)]
    assert_published_as_working(warehouse, working)


def test_a_published_file_the_manifest_does_not_vouch_for_is_written_again(
    working: Path, warehouse: Path, tmp_path: Path
) -> None:
    """A night died after renaming its file and before swapping the Parquet folder:
    the file is newer than the manifest, so nothing of it may be trusted."""
    publish(working, warehouse, "night-1")
    other = tmp_path / "other" / "cs.duckdb"
    other_working = tmp_path / "other.work.duckdb"
    with duckdb.connect(str(other_working)) as con:
        con.execute(f"attach '{working}' as w (read_only)")
        con.execute("create schema marts")
        for mart in MARTS:
            con.execute(f"create table marts.{mart} as select * from w.marts.{mart}")
        con.execute(f"update marts.{DAILY} set health_score = 0 where score_date = '2024-03-31'")
    publish_marts(other_working, other, "night-2")
    os.replace(other, warehouse)
    _, lines = publish(working, warehouse, "night-3")
    assert lines[0].startswith("publish: the published DuckDB file is not the one build night-1")
    assert "DuckDB file all 3 months rewritten; Parquet reused" in line_of(lines, DAILY)
    assert_published_as_working(warehouse, working)


def test_a_full_refresh_or_a_touched_parquet_file_is_written_again(
    working: Path, warehouse: Path
) -> None:
    publish(working, warehouse, "night-1")
    _, lines = publish(working, warehouse, "night-2", full_refresh=True)
    assert lines[0] == "publish: full refresh, every mart is written"
    assert "DuckDB file rewritten; Parquet rewritten" in line_of(lines, "fct_mrr")
    march = next((warehouse.with_name("cs_parquet") / DAILY / "score_month=2024-03").iterdir())
    os.utime(march, ns=(0, 0))
    _, lines = publish(working, warehouse, "night-3")
    assert "DuckDB file reused; Parquet 1 of 3 months rewritten" in line_of(lines, DAILY)
    assert_published_as_working(warehouse, working)


def test_a_manifest_of_another_duckdb_is_not_compared(working: Path, warehouse: Path) -> None:
    """Row hashes may differ between DuckDB versions."""
    publish(working, warehouse, "night-1")
    path = warehouse.with_name("cs_parquet") / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "duckdb_version": "0.0.1"}))
    _, lines = publish(working, warehouse, "night-2")
    assert lines[0] == "publish: no earlier build to compare with, every mart is written"


def test_a_failed_publish_leaves_the_published_build_byte_for_byte_and_a_retry_publishes(
    working: Path, warehouse: Path
) -> None:
    publish(working, warehouse, "night-1")
    published = {p: digest(p) for p in warehouse.parent.rglob("*") if p.is_file()}
    entries = sorted(p.name for p in warehouse.parent.iterdir())
    change(working, f"update marts.{DAILY} set health_score = 1 where score_date = '2024-02-02'")

    def fail_midway(line: str) -> None:
        if line.startswith(f"publish {DAILY}"):
            raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"):
        publish_marts(working, warehouse, "night-2", progress=fail_midway)
    assert {p: digest(p) for p in warehouse.parent.rglob("*") if p.is_file()} == published
    assert sorted(p.name for p in warehouse.parent.iterdir()) == entries
    # The retry (same run id) publishes, and so does a retry after it succeeded.
    for _ in range(2):
        _, lines = publish(working, warehouse, "night-2")
        assert_published_as_working(warehouse, working)
    assert "DuckDB file reused; Parquet reused" in line_of(lines, DAILY)
    builds = [p.name for p in warehouse.parent.iterdir() if p.name.startswith(".cs_parquet.")]
    assert builds == [warehouse.with_name("cs_parquet").resolve().name]


def test_partitioned_marts_name_a_date_column_of_their_model(manifest: dict) -> None:
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    for mart, partitions in PARTITIONED_MARTS.items():
        column = models[mart]["columns"][partitions.date_column]
        assert column["data_type"] == "date", mart
        assert set(partitions.cluster_by) <= set(models[mart]["columns"]), mart


def test_the_daily_mart_is_published_by_account_and_day_however_the_working_table_is_ordered(
    working: Path, warehouse: Path
) -> None:
    """Whole and rewritten months alike, in the file and the Parquet copy (compression needs it)."""
    assert PARTITIONED_MARTS[DAILY].cluster_by == ("account_id", "score_date")
    change(
        working,
        f"create or replace table marts.{DAILY} as "
        f"select * from marts.{DAILY} order by score_date desc, account_id desc",
    )
    publish(working, warehouse, "night-1")
    change(
        working,
        f"update marts.{DAILY} set health_score = 99 "
        "where account_id = 'acc_1' and score_date = date '2024-01-15'",
    )
    publish(working, warehouse, "night-2")
    parquet = warehouse.with_name("cs_parquet") / DAILY
    for month, days in (("2024-01", 31), ("2024-02", 29)):
        in_file = query(
            warehouse,
            f"select account_id, score_date from marts.{DAILY} "
            f"where strftime(score_date, '%Y-%m') = '{month}'",
        )
        [copy] = (parquet / f"score_month={month}").glob("*.parquet")
        in_copy = query(
            warehouse.with_name("probe.duckdb"),
            f"select account_id, score_date from read_parquet('{copy}')",
        )
        assert len(in_file) == 3 * days
        assert in_file == sorted(in_file), month
        assert in_copy == sorted(in_copy), month


def test_without_hard_links_unchanged_parquet_files_are_copied_and_still_reused(
    working: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some network shares have no hard links: a copy keeping the modification time."""
    publish(working, warehouse, "night-1")

    def no_links(source: object, target: object) -> None:
        raise PermissionError("Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    for night in ("night-2", "night-3"):
        before = inodes(warehouse)
        _, lines = publish(working, warehouse, night)
        assert "DuckDB file reused; Parquet reused" in line_of(lines, DAILY)
        after = inodes(warehouse)
        assert after.keys() == before.keys()
        assert all(after[path] != before[path] for path in after)
    assert_published_as_working(warehouse, working)
