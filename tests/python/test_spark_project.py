"""The whole project on Spark (dbt-spark, session method) builds the same marts as on DuckDB.

The small demo landing is ingested once and its raw copied into a private
Spark metastore (spark_helpers.ingest_small_demo). `dbt build` without a
selection (every seed, model, snapshot, unit test and data test) runs on
Spark and on DuckDB from that raw, in Asia/Tokyo reporting EUR (the
local-time and FX-conversion paths); the unit tests run on Spark again with
the default settings. Every relation of schema `marts` must hold the same
rows on both engines: decimals (money, scores, ratios) exactly equal, float
columns within spark_helpers.FLOAT_TOLERANCE, dates and timestamps equal.

Needs the Spark environment (`make setup-spark`) and skips without it; part
of `make test-spark` (CS_SPARK_TESTS=1), not `make test`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.python.spark_helpers import (
    SMALL_AS_OF,
    SPARK_MARKS,
    done_counts,
    duckdb_dbt,
    export_from_spark,
    ingest_small_demo,
    relation_differences,
    spark_dbt,
    spark_parquet,
)

TOKYO_EUR = {
    "as_of_date": SMALL_AS_OF,
    "reporting_timezone": "Asia/Tokyo",
    "reporting_currency": "EUR",
}
DEFAULTS = {"as_of_date": SMALL_AS_OF}

pytestmark = SPARK_MARKS


@dataclass(frozen=True)
class Builds:
    duckdb_path: Path
    spark_export: Path
    marts: list[str]
    spark_build_output: str
    duckdb_build_output: str
    spark_unit_output: str
    unit_tests: int


def mart_relations(database: Path) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' order by table_name"
        ).fetchall()
    return [f"marts.{name}" for (name,) in rows]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    folder = tmp_path_factory.mktemp("spark_project")
    database = ingest_small_demo(folder)
    spark_build = spark_dbt(folder, ["build"], TOKYO_EUR, "dbt build on Spark")
    spark_units = spark_dbt(
        folder,
        ["test", "--select", "resource_type:unit_test"],
        DEFAULTS,
        "the unit tests on Spark with the default settings",
    )
    duckdb_build = duckdb_dbt(folder, database, ["build"], TOKYO_EUR)
    marts = mart_relations(database)
    export = export_from_spark(folder, marts)
    manifest = json.loads((folder / "spark_target" / "manifest.json").read_text())
    unit_tests = len(manifest["unit_tests"])
    yield Builds(database, export, marts, spark_build, duckdb_build, spark_units, unit_tests)
    shutil.rmtree(folder / "spark", ignore_errors=True)


def test_everything_builds_and_passes_on_spark(builds: Builds) -> None:
    spark = done_counts(builds.spark_build_output)
    duck = done_counts(builds.duckdb_build_output)
    assert spark["ERROR"] == 0 and spark["SKIP"] == 0, spark
    # The same nodes ran on both engines, and warned alike.
    assert spark == duck


def test_the_unit_tests_pass_on_spark_with_the_defaults(builds: Builds) -> None:
    counts = done_counts(builds.spark_unit_output)
    assert counts["PASS"] == builds.unit_tests > 0, counts


def test_every_mart_is_compared(builds: Builds) -> None:
    # The public marts (docs/marts_interface.md), not an empty schema.
    assert len(builds.marts) >= 30
    assert {"marts.fct_mrr", "marts.fct_account_health_daily", "marts.dim_build"} <= set(
        builds.marts
    )


def test_spark_builds_the_same_marts_as_duckdb(builds: Builds) -> None:
    found = {}
    with duckdb.connect(str(builds.duckdb_path), read_only=True) as con:
        for relation in builds.marts:
            rows, differences = relation_differences(
                con, relation, spark_parquet(builds.spark_export, relation)
            )
            if differences or rows == 0:
                found[relation] = differences or ["no rows on DuckDB"]
    assert found == {}
