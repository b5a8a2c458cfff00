"""The MRR chain on Spark (dbt-spark, session method) equals the one on DuckDB.

A smoke of the project on a distributed engine: the small demo landing (as
CSV, the text raw the unit tests' fixtures are written for) is ingested once
(cs_analytics/landing, the same contract checks), its raw schema copied into
a private Spark metastore (cs_analytics/spark/raw_copy.py), then seeds and
`+fct_mrr` are built on Spark with every unit and data test of the chain, in
Asia/Tokyo reporting EUR (the local-time and FX-conversion paths), and the
unit tests run again with the defaults. The same raw is built on DuckDB and
fct_mrr must hold the same rows, money exactly equal.

Part of `make test`, which sets up the Spark environment (.venv-spark, and
Java 17 where it can install it: root on Debian, as on CI). Where Java is
missing it skips, saying why; on CI it fails instead. About four minutes,
most of it Spark's start-up and per-query overhead; `make test-spark-smoke`
runs it alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.python.spark_helpers import (
    SMALL_AS_OF,
    done_counts,
    duckdb_dbt,
    export_from_spark,
    ingest_small_demo,
    relation_differences,
    require_spark_environment,
    spark_dbt,
    spark_parquet,
)

TOKYO_EUR = {
    "as_of_date": SMALL_AS_OF,
    "reporting_timezone": "Asia/Tokyo",
    "reporting_currency": "EUR",
}
DEFAULTS = {"as_of_date": SMALL_AS_OF}
# The chain, its seeds and each test whose parents are all in it.
BUILD_SELECTION = [
    "--select",
    "+fct_mrr",
    "resource_type:seed",
    "--indirect-selection",
    "buildable",
]
COMPARED = ["marts.fct_mrr", "reference.health_rules"]

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Builds:
    duckdb_path: Path
    spark_export: Path
    spark_build_output: str
    spark_unit_output: str


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    require_spark_environment()
    folder = tmp_path_factory.mktemp("spark_mrr")
    database = ingest_small_demo(folder)
    build_output = spark_dbt(folder, ["build", *BUILD_SELECTION], TOKYO_EUR, "dbt build on Spark")
    unit_output = spark_dbt(
        folder,
        ["test", "--select", "+fct_mrr,resource_type:unit_test"],
        DEFAULTS,
        "the unit tests on Spark with the default settings",
    )
    export = export_from_spark(folder, COMPARED)
    # The raw ingestion wrote is what Spark copied: DuckDB builds on the same rows.
    duckdb_dbt(folder, database, ["build", *BUILD_SELECTION], TOKYO_EUR)
    yield Builds(database, export, build_output, unit_output)
    shutil.rmtree(folder / "spark", ignore_errors=True)


def test_the_chain_and_its_tests_pass_on_spark(builds: Builds) -> None:
    counts = done_counts(builds.spark_build_output)
    assert counts["ERROR"] == 0 and counts["SKIP"] == 0, counts
    # Seeds, models, unit tests and data tests of the chain all ran.
    assert counts["PASS"] + counts["WARN"] >= 90, counts
    assert "OK created sql table model marts.fct_mrr" in builds.spark_build_output


def test_the_chains_unit_tests_pass_on_spark_with_the_defaults(builds: Builds) -> None:
    counts = done_counts(builds.spark_unit_output)
    assert counts["ERROR"] == 0 and counts["PASS"] >= 15, counts


@pytest.mark.parametrize("relation", COMPARED)
def test_spark_equals_duckdb(builds: Builds, relation: str) -> None:
    with duckdb.connect(str(builds.duckdb_path), read_only=True) as con:
        rows, differences = relation_differences(
            con, relation, spark_parquet(builds.spark_export, relation)
        )
    assert rows > 0
    assert differences == [], relation
