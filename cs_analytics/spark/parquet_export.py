"""Spark tables out as Parquet: how a test (or a publish step) reads what dbt built on Spark.

    .venv-spark/bin/python -m cs_analytics.spark.parquet_export \
        --relation marts.fct_mrr --out /tmp/fct_mrr

writes one folder per relation (`<out>/<schema>.<table>/part-*.parquet`), in
the table's own column types (decimals stay decimals), readable by DuckDB
with `read_parquet('<folder>/*.parquet')`.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING

from cs_analytics.spark.session import add_profile_arguments, spark_conf, spark_session

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_RELATION = re.compile(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*")


def export_relations(spark: SparkSession, relations: list[str], out: Path) -> list[Path]:
    """Each `schema.table` of `relations` as a Parquet folder under `out`, replaced whole."""
    folders = []
    for relation in relations:
        if not _RELATION.fullmatch(relation):
            raise ValueError(f"not a schema.table name: {relation!r}")
        folder = out / relation
        # One file: these are small marts, and one file reads back in one step.
        spark.table(relation).coalesce(1).write.mode("overwrite").parquet(str(folder))
        folders.append(folder)
    return folders


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relation", action="append", required=True, help="schema.table")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    add_profile_arguments(parser)
    args = parser.parse_args(argv)
    with spark_session(spark_conf(args.profiles_dir, args.target)) as spark:
        for folder in export_relations(spark, args.relation, args.out):
            print(folder)


if __name__ == "__main__":
    main()
