"""Incremental nights on Spark build what a full refresh on Spark builds.

Four months of the demo's Parquet landing (pipeline_helpers.landing_to; a
partition per day, fewer than a year's) are ingested and copied into a
private Spark metastore (cs_analytics.spark.raw_copy), and dbt builds the
incremental models with everything upstream of them, as the nightly does.
The next night the landing has one more day and the CRM has merged two
accounts with usage from the first day, so that night also restates the
survivor's whole history: on Spark, delete_rows
(macros/cross_db/incremental.sql) rewrites the day partitions that held the
rows it recomputes, and the night's tests read the rows it wrote. Then every
incremental model must hold the rows that a `--full-refresh` of the same
landing builds (`dbt_invocation_id` aside: it is each build's own), except
the landing reconciliation, which keeps each night's rows as history.

Part of `make test-spark` (CS_SPARK_TESTS=1), not `make test`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.python.pipeline_helpers import SURVIVOR, landing_to, merge_account
from tests.python.spark_helpers import (
    SPARK_MARKS,
    column_types,
    done_counts,
    export_from_spark,
    relation_differences,
    spark_dbt,
    spark_parquet,
    spark_python,
)

pytestmark = SPARK_MARKS

START = date(2024, 9, 1)
FIRST_END = date(2024, 12, 29)
LAST_END = FIRST_END + timedelta(days=1)
# The incremental models with everything upstream; tests only where every
# parent is built (cautious), and only on the night under test.
INCREMENTAL_BUILD = ["build", "--select", "+config.materialized:incremental"]
WITH_TESTS = ["--exclude", "resource_type:unit_test", "--indirect-selection", "cautious"]
WITHOUT_TESTS = ["--exclude", "resource_type:unit_test", "resource_type:test"]
# One row per night and file: history that a full refresh starts again.
NIGHT_HISTORY = "audit.audit_landing_file_reconciliation"
# Every composition each model was ever built from, the merged-away ones
# included: a full refresh records only the current ones.
BUILT_COMPOSITIONS = "intermediate.int_health__built_compositions"


@dataclass(frozen=True)
class Nights:
    folder: Path
    relations: list[str]
    incremental: Path
    full_refresh: Path
    incremental_night_output: str


def night(folder: Path, landing: Path, end: date, extra: list[str]) -> str:
    """Ingest the landing, copy its raw into Spark, and build as of the day after `end`."""
    spark_python(
        folder,
        "cs_analytics.spark.raw_copy",
        ["--landing", str(landing), "--working-db", str(folder / "work.duckdb")],
    )
    as_of = {"as_of_date": (end + timedelta(days=1)).isoformat()}
    return spark_dbt(folder, [*INCREMENTAL_BUILD, *extra], as_of, f"the night of {end} on Spark")


def incremental_relations(folder: Path) -> list[str]:
    manifest = json.loads((folder / "spark_target" / "manifest.json").read_text())
    return sorted(
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    )


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Nights:
    folder = tmp_path_factory.mktemp("spark_incremental")
    landing = folder / "landing"
    night(folder, landing_to(landing, FIRST_END, START), FIRST_END, WITHOUT_TESTS)
    landing_to(landing, LAST_END, START)
    merge_account(landing)
    output = night(folder, landing, LAST_END, WITH_TESTS)
    relations = incremental_relations(folder)
    incremental = export_from_spark(folder, relations, "incremental_export")
    night(folder, landing, LAST_END, [*WITHOUT_TESTS, "--full-refresh"])
    full_refresh = export_from_spark(folder, relations, "full_refresh_export")
    return Nights(folder, relations, incremental, full_refresh, output)


def comparable(con: duckdb.DuckDBPyConnection, export: Path, relation: str) -> str:
    """The exported relation without the column that names the build that wrote a row."""
    source = spark_parquet(export, relation)
    names = [name for name, _ in column_types(con, source)]
    if "dbt_invocation_id" not in names:
        return source
    return f"(select * exclude (dbt_invocation_id) from {source})"


def test_the_incremental_night_passes_its_tests(nights: Nights) -> None:
    counts = done_counts(nights.incremental_night_output)
    assert counts["ERROR"] == 0 and counts["SKIP"] == 0, counts


def test_the_health_and_usage_rollups_are_incremental_on_spark(nights: Nights) -> None:
    assert {
        "intermediate.int_health__scores_daily",
        "intermediate.int_usage__user_days",
        "intermediate.int_usage__core_feature_days",
        "audit.audit_landing_parse_failures_by_file",
    } <= set(nights.relations)


def test_incremental_nights_equal_a_full_refresh_on_spark(nights: Nights) -> None:
    found = {}
    with duckdb.connect() as con:
        for relation in nights.relations:
            if relation in (NIGHT_HISTORY, BUILT_COMPOSITIONS):
                continue
            rows, differences = relation_differences(
                con,
                comparable(con, nights.full_refresh, relation),
                comparable(con, nights.incremental, relation),
            )
            if differences or rows == 0:
                found[relation] = differences or ["no rows after the full refresh"]
    assert found == {}


def test_the_nights_recorded_every_composition_a_full_refresh_records(nights: Nights) -> None:
    """And the compositions the merge replaced besides (a full refresh starts the record again)."""
    recorded = {}
    with duckdb.connect() as con:
        for name, export in (("nights", nights.incremental), ("full", nights.full_refresh)):
            recorded[name] = set(
                con.execute(
                    "select model_name, composition_hash "
                    f"from {spark_parquet(export, BUILT_COMPOSITIONS)}"
                ).fetchall()
            )
    assert recorded["full"] and recorded["full"] < recorded["nights"]


def test_the_incremental_night_kept_the_earlier_days(nights: Nights) -> None:
    """Most rows are the first night's; the survivor's whole history is the second night's."""
    scores = spark_parquet(nights.incremental, "intermediate.int_health__scores_daily")
    with duckdb.connect() as con:
        last_night = con.execute(
            f"select any_value(dbt_invocation_id) from {scores} "
            f"where score_date = (select max(score_date) from {scores})"
        ).fetchone()[0]
        written = dict(
            con.execute(
                f"select dbt_invocation_id = $last, count(*) from {scores} group by 1",
                {"last": last_night},
            ).fetchall()
        )
        survivor = con.execute(
            f"select list(distinct dbt_invocation_id), min(score_date) from {scores} "
            "where account_id = $account",
            {"account": SURVIVOR},
        ).fetchone()
    assert 0 < written[True] < written[False], written
    assert survivor[0] == [last_night] and survivor[1] < START + timedelta(days=31), survivor
