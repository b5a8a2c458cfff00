"""Landing into Spark: the DuckDB ingestion, then its `raw` schema copied into Spark tables.

Ingestion stays one piece of code (cs_analytics/landing/): the same contract
checks with the same error messages, the same manifest and load metadata. On
Spark the sources (`schema: raw` in models/staging/**/_*__sources.yml and
models/audit/_landing__sources.yml) then resolve to the Spark database `raw`,
so every table of DuckDB's `raw` schema is exported to Parquet and written
into a Spark table of the same name, with the same column types.

Runs in .venv-spark (duckdb, pyarrow and PySpark beside dbt-spark), with the
Spark session configured by the `spark` output of profiles.yml, so the tables
land in the metastore and warehouse folder that dbt then reads:

    .venv-spark/bin/python -m cs_analytics.spark.raw_copy \
        --landing data/landing --working-db .spark/cs_analytics.work.duckdb

Every run rewrites every raw table in Spark whole (a demo-sized landing); the
nightly's incremental load of only the new files is not carried over yet.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from cs_analytics.landing.loader import ingest_landing
from cs_analytics.spark.session import (
    SparkSetupError,
    add_profile_arguments,
    spark_conf,
    spark_session,
)
from cs_analytics.sql import quote_identifier, quote_literal

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

RAW_SCHEMA = "raw"

# DuckDB type of a raw column -> the Spark type holding the same values. A raw
# column is text (CSV), or the type its Parquet files had (raw_columns.py).
_SPARK_TYPES = {
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "TINYINT": "tinyint",
    "SMALLINT": "smallint",
    "INTEGER": "int",
    "BIGINT": "bigint",
    "UTINYINT": "smallint",
    "USMALLINT": "int",
    "UINTEGER": "bigint",
    "UBIGINT": "decimal(20,0)",
    "HUGEINT": "decimal(38,0)",
    "FLOAT": "float",
    "DOUBLE": "double",
    "DATE": "date",
    # Raw timestamps are UTC instants without zone. Spark's `timestamp` is an
    # instant shown in the session time zone, which the profile sets to UTC:
    # the same wall-clock values, and the type staging's casts produce.
    "TIMESTAMP": "timestamp",
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),(\d+)\)")


class RawCopyError(SparkSetupError):
    """The raw schema cannot be copied as it is (a column type with no Spark counterpart)."""


@dataclass(frozen=True)
class RawColumn:
    name: str
    duckdb_type: str

    @property
    def spark_type(self) -> str:
        decimal = _DECIMAL.fullmatch(self.duckdb_type)
        if decimal:
            return f"decimal({decimal.group(1)},{decimal.group(2)})"
        try:
            return _SPARK_TYPES[self.duckdb_type]
        except KeyError:
            raise RawCopyError(
                f"raw column {self.name} has DuckDB type {self.duckdb_type}, "
                "which has no Spark counterpart here"
            ) from None

    @property
    def export_expression(self) -> str:
        """The column as DuckDB writes it to Parquet for Spark to read as `spark_type`."""
        column = quote_identifier(self.name)
        if self.duckdb_type == "TIMESTAMP":
            # As a zoned instant (DuckDB's time zone is UTC here): Parquet marks
            # it adjusted to UTC, which Spark reads as `timestamp`, not
            # `timestamp_ntz`.
            return f"cast({column} as timestamptz) as {column}"
        if self.duckdb_type.startswith("U") or self.duckdb_type == "HUGEINT":
            return f"cast({column} as {self.spark_type}) as {column}"
        return column


@dataclass(frozen=True)
class RawTable:
    name: str
    columns: tuple[RawColumn, ...]


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[RawTable]:
    """Every table of the working database's `raw` schema, with its columns in order."""
    rows = con.execute(
        """
        select table_name, column_name, data_type
        from information_schema.columns
        where table_schema = $schema
        order by table_name, ordinal_position
        """,
        {"schema": RAW_SCHEMA},
    ).fetchall()
    columns: dict[str, list[RawColumn]] = {}
    for table, column, data_type in rows:
        columns.setdefault(table, []).append(RawColumn(column, data_type))
    return [RawTable(name, tuple(cols)) for name, cols in columns.items()]


def export_raw(working_db: Path, folder: Path) -> list[tuple[RawTable, Path]]:
    """Each raw table as one Parquet file in `folder`, typed for Spark."""
    exported = []
    with duckdb.connect(str(working_db), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        for table in raw_tables(con):
            path = folder / f"{table.name}.parquet"
            select = ", ".join(column.export_expression for column in table.columns)
            source = f"{quote_identifier(RAW_SCHEMA)}.{quote_identifier(table.name)}"
            con.execute(
                f"copy (select {select} from {source}) to {quote_literal(str(path))} "
                "(format parquet)"
            )
            exported.append((table, path))
    return exported


def copy_to_spark(spark: SparkSession, exported: list[tuple[RawTable, Path]]) -> None:
    """Replace each Spark table `raw.<name>` by the exported file, in the raw column types."""
    spark.sql(f"create database if not exists {RAW_SCHEMA}")
    for table, path in exported:
        frame = spark.read.parquet(str(path))
        typed = frame.selectExpr(
            *(f"cast(`{c.name}` as {c.spark_type}) as `{c.name}`" for c in table.columns)
        )
        # A Parquet table like dbt-spark's default file format; the files are
        # copied into the warehouse folder, so the export can be deleted.
        typed.write.mode("overwrite").format("parquet").saveAsTable(f"{RAW_SCHEMA}.{table.name}")


def ingest_and_copy(
    landing_dir: Path,
    working_db: Path,
    profiles_dir: Path,
    target: str = "spark",
    full_refresh: bool = False,
    run_id: str | None = None,
) -> list[str]:
    """Ingest `landing_dir` into `working_db` (contract checked first), then copy raw to Spark.

    A landing that breaks the contract raises LandingError before Spark starts,
    so the Spark tables from the last good copy stay as they were.
    """
    started_at = datetime.now(UTC)
    ingest_landing(
        working_db,
        landing_dir,
        run_id=run_id or f"spark-{started_at:%Y%m%dT%H%M%S}",
        started_at=started_at,
        full_refresh=full_refresh,
    )
    return copy_raw(working_db, profiles_dir, target)


def copy_raw(working_db: Path, profiles_dir: Path, target: str = "spark") -> list[str]:
    """Copy the working database's `raw` schema, as ingestion left it, into Spark."""
    conf = spark_conf(profiles_dir, target)
    with tempfile.TemporaryDirectory(prefix="raw_copy_") as folder:
        exported = export_raw(working_db, Path(folder))
        with spark_session(conf) as spark:
            copy_to_spark(spark, exported)
    return [table.name for table, _ in exported]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, help="the landing folder (not with --copy-only)")
    parser.add_argument(
        "--working-db",
        type=Path,
        required=True,
        help="the DuckDB database ingestion loads into (created if missing)",
    )
    add_profile_arguments(parser)
    parser.add_argument("--full-refresh", action="store_true", help="read every landing file")
    parser.add_argument(
        "--copy-only",
        action="store_true",
        help="skip ingestion: copy the raw schema the nightly's landing step just loaded",
    )
    args = parser.parse_args(argv)
    if args.landing is None and not args.copy_only:
        parser.error("--landing is required unless --copy-only")
    if shutil.which("java") is None:
        parser.error("Spark needs Java 17 on PATH (`make setup-spark` installs or names it)")
    started = time.perf_counter()
    if args.copy_only:
        tables = copy_raw(args.working_db, args.profiles_dir, args.target)
    else:
        tables = ingest_and_copy(
            args.landing, args.working_db, args.profiles_dir, args.target, args.full_refresh
        )
    print(f"copied {len(tables)} raw tables into Spark in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
