"""The nightly's Spark steps, called from the Dagster process (.venv) in .venv-spark.

Dagster and dbt-duckdb live in .venv, PySpark and dbt-spark in .venv-spark
(`make setup-spark`): the steps that need a Spark session (the raw copy, the
staging of the marts' Parquet) run as `python -m` of .venv-spark, one at a
time, since the session method's Derby metastore admits one process.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from cs_analytics.settings import PROJECT_DIR, SPARK_BIN


class SparkStepError(RuntimeError):
    """A Spark step failed; the message ends with the step's own error output."""


def spark_executable(name: str) -> str:
    path = SPARK_BIN / name
    if not path.exists():
        raise SparkStepError(
            f"{path} is missing: DBT_TARGET=spark needs the Spark environment (make setup-spark)"
        )
    return str(path)


def run_spark_module(module: str, args: list[str], log: Callable[[str], None] = print) -> list[str]:
    """`python -m module args` in .venv-spark; its stdout lines, or SparkStepError."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [spark_executable("python"), "-m", module, *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.splitlines()
    for line in lines:
        log(f"{module}: {line}")
    if done.returncode != 0:
        raise SparkStepError(f"{module} failed ({done.returncode}): {done.stderr[-2000:].strip()}")
    return lines


def copy_raw_to_spark(working_db: Path, log: Callable[[str], None] = print) -> None:
    """The raw schema ingestion just loaded, copied into Spark's `raw` database."""
    run_spark_module(
        "cs_analytics.spark.raw_copy", ["--copy-only", "--working-db", str(working_db)], log
    )


def stage_marts(
    warehouse_path: Path, build_id: str, marts: list[str], log: Callable[[str], None] = print
) -> None:
    """The Spark marts written into the unpublished build folder of `build_id`."""
    args = ["--warehouse-path", str(warehouse_path), "--build-id", build_id]
    for mart in marts:
        args += ["--mart", mart]
    run_spark_module("cs_analytics.spark.publish", args, log)
