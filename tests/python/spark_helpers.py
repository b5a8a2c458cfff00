"""What the Spark test modules share: running dbt on each engine, and comparing relations.

dbt on Spark runs from .venv-spark (dbt-spark's session method, PySpark) with
a metastore and warehouse folder of the test's own; dbt on DuckDB from the
main environment. Spark's tables come back as Parquet (parquet_export.py) and
are compared with DuckDB's in DuckDB.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from cs_analytics.settings import PROJECT_DIR
from cs_analytics.sql import quote_identifier, quote_literal
from cs_devtools.demo_data import generate
from cs_devtools.demo_data.presets import PRESETS
from tests.python.ci_requirements import skip_or_fail_under_ci
from tests.python.conftest import DBT, dbt_env

SPARK_VENV = PROJECT_DIR / ".venv-spark"
SPARK_PYTHON = SPARK_VENV / "bin" / "python"
SPARK_DBT = SPARK_VENV / "bin" / "dbt"
# Float columns (none of the marts' today) may differ in the last bits between
# engines (another summation order); decimals, dates, texts and every other type
# must be equal.
FLOAT_TOLERANCE = 1e-9
FLOAT_TYPES = ("FLOAT", "DOUBLE", "REAL")

SMALL = PRESETS["small"]
# The night after the small demo's last day.
SMALL_AS_OF = (SMALL.end + timedelta(days=1)).isoformat()


def missing_spark_environment() -> str | None:
    """Why Spark cannot run here, or None."""
    if not (SPARK_VENV / ".installed").is_file() or not SPARK_DBT.is_file():
        return (
            "the Spark environment is not set up: run `make setup-spark` "
            "(.venv-spark with dbt-spark and PySpark, and Java 17)"
        )
    if shutil.which("java") is None:
        return "Spark needs Java 17 on PATH (`make setup-spark` installs or names it)"
    return None


def require_spark_environment() -> None:
    """The smoke in `make test`: skip where Spark cannot run, except on CI, which must run it."""
    missing = missing_spark_environment()
    if missing:
        skip_or_fail_under_ci(missing)


_MISSING_SPARK_ENVIRONMENT = missing_spark_environment()
# The whole project on Spark: opt-in, `make test-spark` (over an hour on two cores).
SPARK_MARKS = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("CS_SPARK_TESTS") != "1",
        reason="the Spark tests run with `make test-spark` (CS_SPARK_TESTS=1)",
    ),
    pytest.mark.skipif(
        _MISSING_SPARK_ENVIRONMENT is not None, reason=str(_MISSING_SPARK_ENVIRONMENT)
    ),
]


def run(command: list[str], env: dict[str, str], what: str) -> str:
    """The command's stdout; on failure an assertion with dbt's failing lines."""
    done = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    summary = "\n".join(
        line
        for line in done.stdout.splitlines()
        if " FAIL " in line or " ERROR " in line or "Error" in line or "Done." in line
    )
    assert done.returncode == 0, (
        f"{what} failed:\n{summary or done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done.stdout


def spark_env(folder: Path) -> dict[str, str]:
    return dbt_env(
        DBT_TARGET="spark",
        # A metastore and warehouse of this test's own, never the developer's .spark/.
        SPARK_SCRATCH_DIR=str(folder / "spark"),
        DBT_LOG_PATH=str(folder / "spark_logs"),
        PYTHONPATH=str(PROJECT_DIR),
    )


def spark_python(folder: Path, module: str, args: list[str]) -> str:
    """`python -m module args` in .venv-spark, on the test's Spark scratch."""
    return run([str(SPARK_PYTHON), "-m", module, *args], spark_env(folder), module)


def spark_dbt(folder: Path, args: list[str], vars_: dict[str, str], what: str) -> str:
    return run(
        [
            str(SPARK_DBT),
            *args,
            "--vars",
            json.dumps(vars_),
            "--target-path",
            str(folder / "spark_target"),
        ],
        spark_env(folder),
        what,
    )


def duckdb_dbt(folder: Path, database: Path, args: list[str], vars_: dict[str, str]) -> str:
    return run(
        [DBT, *args, "--vars", json.dumps(vars_), "--target-path", str(folder / "duck_target")],
        dbt_env(
            DBT_TARGET="duckdb",
            DBT_DUCKDB_PATH=str(database),
            DBT_LOG_PATH=str(folder / "duck_logs"),
            # One thread: the DuckDB side never competes with Spark for the cores.
            DBT_THREADS="1",
        ),
        f"dbt {args[0]} on DuckDB",
    )


def ingest_small_demo(folder: Path) -> Path:
    """The small demo landing ingested into a DuckDB working database, its raw copied to Spark.

    The landing is CSV, the text raw the unit tests' fixtures are written
    for. Ingestion is the nightly's (cs_analytics/landing: the same contract
    checks); the raw schema it writes is what Spark copies
    (cs_analytics/spark/raw_copy.py), so DuckDB then builds on the same rows.
    Returns the working database.
    """
    landing = folder / "landing"
    generate(
        landing,
        accounts=SMALL.accounts,
        start=SMALL.start,
        end=SMALL.end,
        seed=SMALL.seed,
        fmt="csv",
    )
    database = folder / "work.duckdb"
    spark_python(
        folder,
        "cs_analytics.spark.raw_copy",
        ["--landing", str(landing), "--working-db", str(database)],
    )
    return database


def export_from_spark(folder: Path, relations: list[str], name: str = "spark_export") -> Path:
    """The Spark tables `relations` (schema.table) as Parquet folders under folder / name."""
    export = folder / name
    spark_python(
        folder,
        "cs_analytics.spark.parquet_export",
        [
            "--out",
            str(export),
            *(arg for relation in relations for arg in ("--relation", relation)),
        ],
    )
    return export


def done_counts(output: str) -> dict[str, int]:
    """dbt's closing `Done. PASS=n WARN=n ERROR=n SKIP=n ...` line as numbers."""
    line = next(line for line in reversed(output.splitlines()) if "Done. PASS=" in line)
    return {key: int(value) for key, value in re.findall(r"([A-Z-]+)=(\d+)", line)}


def spark_parquet(export: Path, relation: str) -> str:
    """DuckDB's name for the Parquet copy of a Spark relation made by export_from_spark."""
    return f"read_parquet({quote_literal(str(export / relation / '*.parquet'))})"


def column_types(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    described = con.execute(
        f"select column_name, column_type from (describe select * from {relation})"
    )
    return described.fetchall()


def _comparable_type(column_type: str) -> str:
    # Spark writes its `timestamp` (an instant) to Parquet as one adjusted to
    # UTC, which DuckDB reads as TIMESTAMPTZ: the same instants as DuckDB's UTC
    # TIMESTAMP columns, compared after the cast in relation_differences.
    return "TIMESTAMP" if column_type == "TIMESTAMP WITH TIME ZONE" else column_type


def relation_differences(
    con: duckdb.DuckDBPyConnection, duck: str, spark: str
) -> tuple[int, list[str]]:
    """DuckDB's relation `duck` against Spark's Parquet copy `spark`: (rows, differences).

    The same column names and types (decimals keep their precision and scale),
    then the same rows: every column equal, float columns within
    FLOAT_TOLERANCE. Rows that only one side holds are found on the exact
    columns (a multiset difference); the float columns are then compared
    pairwise, both sides sorted on every column, the exact ones first.
    """
    con.execute("set TimeZone = 'UTC'")
    duck_types = column_types(con, duck)
    spark_types = [(name, _comparable_type(kind)) for name, kind in column_types(con, spark)]
    if spark_types != duck_types:
        return 0, [f"columns differ: DuckDB {duck_types}, Spark {spark_types}"]
    rows = con.execute(f"select count(*) from {duck}").fetchone()[0]
    casts = ", ".join(
        f"cast({quote_identifier(n)} as {t}) as {quote_identifier(n)}" for n, t in duck_types
    )
    typed_spark = f"(select {casts} from {spark})"
    exact = [quote_identifier(name) for name, kind in duck_types if kind not in FLOAT_TYPES]
    floats = [quote_identifier(name) for name, kind in duck_types if kind in FLOAT_TYPES]
    differences = [
        *_only_one_side(con, exact, duck, typed_spark, "DuckDB"),
        *_only_one_side(con, exact, typed_spark, duck, "Spark"),
    ]
    if floats and not differences:
        differences += _floats_apart(con, exact, floats, duck, typed_spark)
    return rows, differences


def _only_one_side(
    con: duckdb.DuckDBPyConnection, columns: list[str], left: str, right: str, side: str
) -> list[str]:
    select = ", ".join(columns)
    only = con.execute(f"select {select} from {left} except all select {select} from {right}")
    rows = only.fetchall()
    return [f"{len(rows)} row(s) only on {side}, e.g. {rows[:3]}"] if rows else []


def _floats_apart(
    con: duckdb.DuckDBPyConnection, exact: list[str], floats: list[str], duck: str, spark: str
) -> list[str]:
    order = ", ".join([*exact, *floats])
    numbered = f"select *, row_number() over (order by {order} nulls first) as row_number_ from"
    close = " and ".join(
        f"(d.{name} is null and s.{name} is null or abs(d.{name} - s.{name}) <= {FLOAT_TOLERANCE})"
        for name in floats
    )
    apart = con.execute(
        f"with d as ({numbered} {duck}), s as ({numbered} {spark}) "
        f"select d, s from d join s using (row_number_) where not ({close})"
    ).fetchall()
    if not apart:
        return []
    return [
        f"{len(apart)} row(s) with floats more than {FLOAT_TOLERANCE} apart, "
        f"e.g. (DuckDB, Spark): {apart[:3]}"
    ]
