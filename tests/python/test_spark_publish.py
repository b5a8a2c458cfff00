"""The Spark night's write-audit-publish without Spark: build folders, the audit's views, the swap.

The folders are written here by DuckDB in the layout Spark's stage step
writes (cs_analytics/spark/publish.py); the Spark nightly itself is
test_spark_nightly.py (`make test-spark`).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from cs_analytics.spark.publish import (
    PUBLISHED_MARK,
    RETAINED_BUILDS,
    build_folder,
    live_build,
    parquet_root,
    pointer_file,
    publish_staged,
    remove_abandoned,
    staged_views,
)
from cs_analytics.sql import quote_literal


def write_build(warehouse: Path, build_id: str, mrr: int) -> Path:
    """A build folder as the stage step leaves it: one whole mart, one mart in month folders."""
    folder = build_folder(warehouse, build_id)
    folder.mkdir(parents=True)
    with duckdb.connect() as con:
        target = quote_literal(str(folder / "fct_mrr.parquet"))
        con.execute(
            f"copy (select 'a1' as account_id, {mrr}::decimal(18,2) as mrr) "
            f"to {target} (format parquet)"
        )
        daily = quote_literal(str(folder / "fct_account_health_daily"))
        con.execute(
            "copy (select 'a1' as account_id, d::date as score_date, "
            "strftime(d, '%Y-%m') as score_month "
            "from range(date '2024-12-30', date '2025-01-02', interval 1 day) t(d)) "
            f"to {daily} (format parquet, partition_by (score_month))"
        )
    return folder


def marts_of(folder: Path) -> dict[str, list[tuple]]:
    with duckdb.connect() as con:
        names = staged_views(con, folder)
        return {n: con.execute(f"select * from marts.{n} order by all").fetchall() for n in names}


def test_the_audit_reads_each_mart_of_a_staged_build_in_its_own_columns(tmp_path: Path) -> None:
    folder = write_build(tmp_path / "cs.duckdb", "night1", 100)
    marts = marts_of(folder)
    assert marts["fct_mrr"] == [("a1", 100)]
    # The month key is the folder's name only, not a column of the mart.
    assert [row[0] for row in marts["fct_account_health_daily"]] == ["a1"] * 3
    assert len(marts["fct_account_health_daily"][0]) == 2


def test_publish_swaps_both_pointers_and_a_failed_night_leaves_the_live_build(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "cs.duckdb"
    first = write_build(warehouse, "night1", 100)
    assert live_build(warehouse) is None
    publish_staged(warehouse, "night1")
    assert live_build(warehouse) == first
    assert pointer_file(warehouse).read_text().strip() == first.name
    assert marts_of(parquet_root(warehouse))["fct_mrr"] == [("a1", 100)]

    # Night 2 staged its build, then a blocking check failed: publish never ran.
    failed = write_build(warehouse, "night2", 999)
    assert live_build(warehouse) == first
    assert marts_of(parquet_root(warehouse))["fct_mrr"] == [("a1", 100)]
    # Night 3 starts by dropping the abandoned folder, never the live one.
    remove_abandoned(warehouse)
    assert not failed.exists() and first.exists()


def test_publish_keeps_the_newest_builds_for_readers_still_on_them(tmp_path: Path) -> None:
    warehouse = tmp_path / "cs.duckdb"
    folders = []
    for night in range(RETAINED_BUILDS + 2):
        folders.append(write_build(warehouse, f"night{night}", night))
        publish_staged(warehouse, f"night{night}")
        # Distinct publish times on filesystems with coarse timestamps.
        mark = folders[-1] / PUBLISHED_MARK
        os.utime(mark, ns=(night * 10**9, night * 10**9))
    kept = [folder for folder in folders if folder.exists()]
    assert kept == folders[-RETAINED_BUILDS:]
    assert live_build(warehouse) == folders[-1]


def test_publishing_a_build_never_staged_fails(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no staged build"):
        publish_staged(tmp_path / "cs.duckdb", "missing")
