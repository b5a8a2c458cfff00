"""Fixture tables into Spark: Parquet files written as Spark tables, for a test's dbt run.

Runs in .venv-spark (PySpark), with the Spark session of the profile's
`spark` output, so the tables land in the metastore dbt then reads:

    .venv-spark/bin/python -m tests.python.spark_tables \
        --table intermediate.int_accounts__surviving=/tmp/accounts.parquet

Each table is replaced whole, as a Parquet table (the project's file format).
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from cs_analytics.spark.session import spark_conf, spark_session

_RELATION = re.compile(r"([a-z_][a-z0-9_]*)\.[a-z_][a-z0-9_]*")


def table_argument(value: str) -> tuple[str, Path]:
    relation, _, path = value.partition("=")
    if not _RELATION.fullmatch(relation) or not path:
        raise argparse.ArgumentTypeError(f"expected schema.table=file.parquet, got {value!r}")
    return relation, Path(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--table", type=table_argument, action="append", required=True, help="schema.table=file"
    )
    parser.add_argument(
        "--profiles-dir", type=Path, default=Path(os.environ.get("DBT_PROFILES_DIR", "."))
    )
    args = parser.parse_args(argv)
    with spark_session(spark_conf(args.profiles_dir, "spark")) as spark:
        for relation, path in args.table:
            spark.sql(f"create database if not exists {relation.split('.')[0]}")
            frame = spark.read.parquet(str(path))
            frame.write.mode("overwrite").format("parquet").saveAsTable(relation)


if __name__ == "__main__":
    main()
