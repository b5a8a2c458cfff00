"""`DBT_TARGET=spark make run`: the nightly job on Spark publishes the marts the DuckDB night does.

The small demo landing is run through the `nightly` job twice on the same
settings (UTC, USD): once on DuckDB and once on Spark, each as `make run`
starts it (`python -m orchestration.run`, a process of its own, since the
engine is chosen when the definitions load). Every mart of the Spark night's
published Parquet build must be in the DuckDB night's layout and hold the same
rows (spark_helpers.relation_differences: exact decimals, floats to 1e-9,
timestamps as instants). Then a second Spark night whose landing lost its EUR
rates fails a blocking check, and the published build must be untouched:
the same folder, the same pointer, the same bytes.

Part of `make test-spark` (CS_SPARK_TESTS=1), not `make test`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from cs_analytics.settings import PROJECT_DIR
from cs_analytics.spark.publish import live_build, parquet_root, pointer_file, staged_marts
from tests.python.pipeline_helpers import digest, generate_landing, nightly_env
from tests.python.spark_helpers import SPARK_MARKS, relation_differences

pytestmark = SPARK_MARKS


@dataclass(frozen=True)
class Night:
    returncode: int
    output: str
    seconds: float


def run_night(folder: Path, landing: Path, warehouse: Path, target: str) -> Night:
    env = dict(os.environ)
    env.update(nightly_env(landing, warehouse))
    env.update(
        DBT_TARGET=target,
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        DAGSTER_HOME=str(folder / f"dagster_{target}"),
        # A metastore and warehouse of this test's own, never the developer's .spark/.
        SPARK_SCRATCH_DIR=str(folder / "spark"),
        DBT_THREADS="1",
    )
    (folder / f"dagster_{target}").mkdir(exist_ok=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.run"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    print(f"{target} nightly: {seconds:.0f} s (exit {done.returncode})")
    return Night(done.returncode, done.stdout + done.stderr, seconds)


@dataclass(frozen=True)
class Nights:
    landing: Path
    folder: Path
    duckdb_warehouse: Path
    spark_warehouse: Path
    spark_output: str


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Nights:
    folder = tmp_path_factory.mktemp("spark_nightly")
    landing = generate_landing(folder / "landing")
    duck = folder / "duckdb" / "cs.duckdb"
    spark = folder / "spark_wh" / "cs.duckdb"
    for warehouse, target in ((duck, "duckdb"), (spark, "spark")):
        warehouse.parent.mkdir()
        night = run_night(folder, landing, warehouse, target)
        assert night.returncode == 0, f"the {target} nightly failed:\n{night.output[-4000:]}"
    return Nights(landing, folder, duck, spark, night.output)


def published_differences(
    duckdb_warehouse: Path, spark_warehouse: Path
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Rows per mart of the DuckDB night's Parquet, and how the live Spark build differs."""
    duck_root = parquet_root(duckdb_warehouse).resolve()
    spark_folder = live_build(spark_warehouse)
    assert spark_folder is not None, "the Spark night published nothing"
    assert pointer_file(spark_warehouse).read_text().strip() == spark_folder.name
    duck_marts, spark_marts = staged_marts(duck_root), staged_marts(spark_folder)
    assert sorted(spark_marts) == sorted(duck_marts)
    rows, failures = {}, {}
    with duckdb.connect() as con:
        for mart, duck_source in duck_marts.items():
            # The same layout: a file per mart, month folders for the daily marts.
            duck_parts = sorted(p.name for p in (duck_root / mart).glob("*=*"))
            spark_parts = sorted(p.name for p in (spark_folder / mart).glob("*=*"))
            rows[mart], differences = relation_differences(con, duck_source, spark_marts[mart])
            if spark_parts != duck_parts:
                differences.append(f"month folders: DuckDB {duck_parts}, Spark {spark_parts}")
            if differences:
                failures[mart] = differences
    return rows, failures


def test_the_spark_night_publishes_the_duckdb_nights_marts(nights: Nights) -> None:
    rows, failures = published_differences(nights.duckdb_warehouse, nights.spark_warehouse)
    assert failures == {}
    assert rows["fct_mrr"] > 0 and rows["fct_account_health_daily"] > 0


def test_the_spark_night_measures_source_freshness(nights: Nights) -> None:
    # orchestration/assets/dbt.py logs a stale source, or a freshness query
    # that failed, as "source <name> is stale"; the demo is fresh on its as-of date.
    assert "dbt source freshness produced no sources.json" not in nights.spark_output
    assert " is stale: " not in nights.spark_output


def test_a_failed_spark_night_leaves_the_published_build(nights: Nights) -> None:
    live = live_build(nights.spark_warehouse)
    assert live is not None
    before = {p.relative_to(live): digest(p) for p in live.rglob("*") if p.is_file()}
    pointer = pointer_file(nights.spark_warehouse).read_text()
    broken = nights.folder / "landing_without_eur"
    shutil.copytree(nights.landing, broken)
    rates = broken / "billing" / "fx_rates.csv"
    header, *lines = rates.read_text().splitlines()
    rates.write_text("\n".join([header, *(line for line in lines if "EUR" not in line)]) + "\n")

    night = run_night(nights.folder, broken, nights.spark_warehouse, "spark")

    assert night.returncode != 0, night.output[-4000:]
    assert "FX rate missing: no EUR rate" in night.output
    assert live_build(nights.spark_warehouse) == live
    assert pointer_file(nights.spark_warehouse).read_text() == pointer
    assert {p.relative_to(live): digest(p) for p in live.rglob("*") if p.is_file()} == before
