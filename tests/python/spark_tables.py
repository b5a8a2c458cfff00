"""Fixture tables in Spark: external Parquet tables over folders a test writes between dbt runs.

Runs in .venv-spark (PySpark), with the Spark session of the profile's
`spark` output, so the tables land in the metastore dbt then reads:

    .venv-spark/bin/python -m tests.python.spark_tables \
        --table intermediate.int_accounts__surviving=/tmp/accounts

Spark reads an external table's files when a query runs, so a test changes
the table by rewriting the Parquet files in its folder (with DuckDB, no Spark
start) before its next dbt run. The folder must hold a file when the table is
created: Spark takes the columns from it.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from cs_analytics.spark.session import spark_conf, spark_session
from cs_analytics.sql import quote_literal

_RELATION = re.compile(r"([a-z_][a-z0-9_]*)\.[a-z_][a-z0-9_]*")


def table_argument(value: str) -> tuple[str, Path]:
    relation, _, folder = value.partition("=")
    if not _RELATION.fullmatch(relation) or not folder:
        raise argparse.ArgumentTypeError(f"expected schema.table=folder, got {value!r}")
    return relation, Path(folder).resolve()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--table", type=table_argument, action="append", required=True, help="schema.table=folder"
    )
    parser.add_argument(
        "--profiles-dir", type=Path, default=Path(os.environ.get("DBT_PROFILES_DIR", "."))
    )
    args = parser.parse_args(argv)
    with spark_session(spark_conf(args.profiles_dir, "spark")) as spark:
        for relation, folder in args.table:
            spark.sql(f"create database if not exists {relation.split('.')[0]}")
            spark.sql(f"drop table if exists {relation}")
            spark.sql(
                f"create table {relation} using parquet location {quote_literal(str(folder))}"
            )


if __name__ == "__main__":
    main()
