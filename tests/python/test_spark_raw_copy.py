"""The raw copy into Spark keeps each raw column's type (no Spark needed to check the export).

cs_analytics/spark/raw_copy.py maps every type a raw column can have
(cs_analytics/landing/raw_columns.py) to its Spark counterpart and exports the
raw tables to Parquet in a form Spark reads as that type; the Spark side runs
in tests/python/test_spark_project.py (`make test-spark`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cs_analytics.landing.raw_columns import KEPT_TYPES, raw_type
from cs_analytics.spark.raw_copy import RawColumn, RawCopyError, export_raw


@pytest.mark.parametrize("file_type", [*sorted(KEPT_TYPES), "TIMESTAMP WITH TIME ZONE"])
def test_every_raw_column_type_has_a_spark_type(file_type: str) -> None:
    assert RawColumn("c", raw_type(file_type)).spark_type


def test_decimals_keep_precision_and_scale() -> None:
    assert RawColumn("amount", "DECIMAL(20,2)").spark_type == "decimal(20,2)"
    assert RawColumn("rate", "DECIMAL(38,18)").spark_type == "decimal(38,18)"


def test_a_type_without_a_spark_counterpart_stops_the_copy() -> None:
    with pytest.raises(RawCopyError, match="INTERVAL"):
        _ = RawColumn("gap", "INTERVAL").spark_type


def test_the_export_is_typed_for_spark(tmp_path: Path) -> None:
    database = tmp_path / "work.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema raw")
        con.execute(
            """
            create table raw.billing__plans as select
                'p1' as plan_id,
                cast(19.99 as decimal(20, 2)) as unit_amount,
                cast(12 as ubigint) as seats,
                timestamp '2024-02-01 10:30:00' as _loaded_at,
                date '2024-02-01' as valid_from
            """
        )
    exported = export_raw(database, tmp_path)
    assert [(table.name, path.name) for table, path in exported] == [
        ("billing__plans", "billing__plans.parquet")
    ]
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        path = str(exported[0][1])
        logical = dict(
            con.execute("select name, logical_type from parquet_schema($p)", {"p": path}).fetchall()
        )
        row = con.execute("select * from read_parquet($p)", {"p": path}).fetchone()
    # The UTC instant marked adjusted to UTC: Spark reads it as `timestamp`, not `timestamp_ntz`.
    assert logical["_loaded_at"].startswith("TimestampType(isAdjustedToUTC=1")
    assert logical["unit_amount"] == "DecimalType(scale=2, precision=20)"
    # Spark has no unsigned types: a UBIGINT goes over as decimal(20, 0).
    assert logical["seats"] == "DecimalType(scale=0, precision=20)"
    assert row[1:] == (Decimal("19.99"), Decimal(12), row[3], date(2024, 2, 1))
    assert row[3] == datetime(2024, 2, 1, 10, 30, tzinfo=UTC)
