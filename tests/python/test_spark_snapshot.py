"""The CRM attribute snapshot on Spark's Parquet tables keeps the same history as on DuckDB.

dbt-spark snapshots only Delta, Iceberg and Hudi tables (MERGE); the project's
own materialization (macros/materializations/spark_snapshot.sql) rewrites a
Parquet snapshot whole instead. Three nights of a small fixture in place of
int_accounts__surviving, in Asia/Tokyo (as-of instants at 15:00 UTC the day
before), run through `dbt build --select snap_crm_account_attributes` (the
snapshot and its data tests) on both engines:

- night 1 records every account;
- night 2 closes and reopens versions (an owner changed, set, cleared), keeps
  a vanished account's version open (hard_deletes ignore) and adds a new one;
- a rerun of night 1 records nothing (the snapshot only moves forward);
- night 4 changes a segment and brings the vanished account back changed.

The tables must hold the same rows on both engines, and the expected history.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.python.spark_helpers import (
    SPARK_MARKS,
    duckdb_dbt,
    export_from_spark,
    relation_differences,
    spark_dbt,
    spark_parquet,
    spark_python,
)

pytestmark = SPARK_MARKS

SNAPSHOT = "snapshots.snap_crm_account_attributes"
FIXTURE = "intermediate.int_accounts__surviving"
BUILD = ["build", "--select", "snap_crm_account_attributes"]
Account = tuple[str, str, str, str | None]
NIGHT_1 = [
    ("acc_1", "smb", "low_touch", "emp_1"),
    ("acc_2", "mid_market", "high_touch", None),
    ("acc_3", "enterprise", "high_touch", "emp_3"),
    ("acc_4", "smb", "tech_touch", "emp_4"),
    ("acc_5", "smb", "low_touch", "emp_5"),
]
NIGHT_2 = [
    ("acc_1", "smb", "low_touch", "emp_9"),
    ("acc_2", "mid_market", "high_touch", "emp_2"),
    ("acc_3", "enterprise", "high_touch", None),
    ("acc_5", "smb", "low_touch", "emp_5"),
    ("acc_6", "enterprise", "high_touch", "emp_6"),
]
NIGHT_4 = [
    ("acc_1", "mid_market", "low_touch", "emp_9"),
    ("acc_2", "mid_market", "high_touch", "emp_2"),
    ("acc_3", "enterprise", "high_touch", None),
    ("acc_4", "smb", "low_touch", "emp_4"),
    ("acc_5", "smb", "low_touch", "emp_5"),
    ("acc_6", "enterprise", "high_touch", "emp_6"),
]
# (as_of_date, the accounts that night): the third run repeats night 1 on night 4's CRM.
RUNS: list[tuple[str, list[Account]]] = [
    ("2026-06-10", NIGHT_1),
    ("2026-06-12", NIGHT_2),
    ("2026-06-10", NIGHT_4),
    ("2026-06-14", NIGHT_4),
]
# The as-of instants (UTC) of nights 1, 2 and 4 in Asia/Tokyo.
AT_1, AT_2, AT_4 = (datetime(2026, 6, day, 15) for day in (9, 11, 13))
HISTORY = [
    ("acc_1", "smb", "low_touch", "emp_1", AT_1, AT_2),
    ("acc_1", "smb", "low_touch", "emp_9", AT_2, AT_4),
    ("acc_1", "mid_market", "low_touch", "emp_9", AT_4, None),
    ("acc_2", "mid_market", "high_touch", None, AT_1, AT_2),
    ("acc_2", "mid_market", "high_touch", "emp_2", AT_2, None),
    ("acc_3", "enterprise", "high_touch", "emp_3", AT_1, AT_2),
    ("acc_3", "enterprise", "high_touch", None, AT_2, None),
    ("acc_4", "smb", "tech_touch", "emp_4", AT_1, AT_4),
    ("acc_4", "smb", "low_touch", "emp_4", AT_4, None),
    ("acc_5", "smb", "low_touch", "emp_5", AT_1, None),
    ("acc_6", "enterprise", "high_touch", "emp_6", AT_2, None),
]


@dataclass(frozen=True)
class Snapshots:
    duckdb_path: Path
    spark_export: Path


def write_accounts(con: duckdb.DuckDBPyConnection, accounts: list[Account]) -> None:
    con.execute("create schema if not exists intermediate")
    con.execute(
        f"create or replace table {FIXTURE} "
        "(account_id varchar, segment varchar, touch_model varchar, csm_owner_id varchar)"
    )
    con.executemany(f"insert into {FIXTURE} values (?, ?, ?, ?)", accounts)


def write_spark_accounts(folder: Path, accounts: list[Account]) -> None:
    """The accounts as the one Parquet file of the Spark fixture table's folder."""
    folder.mkdir(exist_ok=True)
    with duckdb.connect() as con:
        write_accounts(con, accounts)
        con.execute(f"copy {FIXTURE} to '{folder / 'accounts.parquet'}' (format parquet)")


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snapshots]:
    folder = tmp_path_factory.mktemp("spark_snapshot")
    database = folder / "work.duckdb"
    spark_accounts = folder / "spark_accounts"
    for night, (as_of, accounts) in enumerate(RUNS):
        vars_ = {"as_of_date": as_of, "reporting_timezone": "Asia/Tokyo"}
        with duckdb.connect(str(database)) as con:
            write_accounts(con, accounts)
        duckdb_dbt(folder, database, BUILD, vars_)
        write_spark_accounts(spark_accounts, accounts)
        if night == 0:
            spark_python(
                folder, "tests.python.spark_tables", ["--table", f"{FIXTURE}={spark_accounts}"]
            )
        spark_dbt(folder, BUILD, vars_, f"the snapshot of {as_of} on Spark")
    yield Snapshots(database, export_from_spark(folder, [SNAPSHOT]))


def test_the_snapshot_history_is_the_expected_one(snapshots: Snapshots) -> None:
    with duckdb.connect(str(snapshots.duckdb_path), read_only=True) as con:
        history = con.execute(
            "select account_id, segment, touch_model, csm_owner_id, dbt_valid_from, "
            f"dbt_valid_to from {SNAPSHOT} order by account_id, dbt_valid_from"
        ).fetchall()
        stamps = con.execute(
            f"select count(*) from {SNAPSHOT} "
            "where dbt_updated_at <> dbt_valid_from or observed_at <> dbt_valid_from"
        ).fetchone()
    assert history == HISTORY
    assert stamps == (0,)


def test_spark_keeps_the_same_snapshot_as_duckdb(snapshots: Snapshots) -> None:
    with duckdb.connect(str(snapshots.duckdb_path), read_only=True) as con:
        rows, differences = relation_differences(
            con, SNAPSHOT, spark_parquet(snapshots.spark_export, SNAPSHOT)
        )
    assert rows == len(HISTORY)
    assert differences == []
