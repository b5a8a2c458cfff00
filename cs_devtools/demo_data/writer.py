"""Turning column lists into landing files (CSV or Parquet), per docs/landing_contract.md.

The simulation keeps timestamps as int seconds (UTC), dates as int day numbers
and money as Decimal; this module is the one place that decides how they look
on disk:

* CSV: UTF-8, header, RFC 4180 quoting (pyarrow quotes every text value);
  timestamps `YYYY-MM-DDTHH:MM:SSZ`, dates `YYYY-MM-DD`, money in major units
  (JPY without decimals), booleans `true`/`false`, NULL as an empty field.
* Parquet: typed columns (timestamp[us, UTC], date32, decimal128, int64, bool).

Columns are always written in the contract's order.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cs_analytics.landing.contract import Table

Columns = dict[str, list]

# Contract "timestamp" columns that the generator writes as dates (a local day in
# the reporting timezone, docs/metrics.md Time), on top of the contract's date columns.
DATE_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    {
        ("billing/subscription_items", "valid_from"),
        ("billing/subscription_items", "valid_to"),
        ("billing/subscriptions", "trial_end_at"),
        ("crm/onboarding_milestones", "due_at"),
    }
)
_DECIMAL_SCALE: dict[tuple[str, str], int] = {
    ("billing/fx_rates", "usd_per_unit"): 10,
    ("billing/subscription_items", "discount_percent"): 4,
}
TS_TYPE = pa.timestamp("us", tz="UTC")
_CSV_OPTIONS = pacsv.WriteOptions(include_header=True, quoting_style="needed")


def column_kind(table: Table, column: str) -> str:
    """How a column is represented: string, integer, boolean, decimal, date or timestamp."""
    if (table.path, column) in DATE_COLUMNS:
        return "date"
    return next(c.type for c in table.columns if c.name == column)


def _arrow(table: Table, name: str, values: list, csv: bool) -> pa.Array:
    kind = column_kind(table, name)
    if kind == "timestamp":
        secs = pa.array(values, pa.int64())
        if csv:
            return pc.strftime(secs.cast(pa.timestamp("s")), format="%Y-%m-%dT%H:%M:%SZ")
        return pc.multiply(secs, 1_000_000).cast(TS_TYPE)
    if kind == "date":
        days = pa.array(values, pa.int32()).cast(pa.date32())
        return days.cast(pa.string()) if csv else days
    if kind == "decimal":
        if csv:
            return pa.array([None if v is None else _fmt_decimal(v) for v in values], pa.string())
        scale = _DECIMAL_SCALE.get((table.path, name), 2)
        return pa.array(values, pa.decimal128(20, scale))
    if kind == "integer":
        return pa.array(values, pa.int64())
    if kind == "boolean":
        return pa.array(values, pa.bool_())
    return pa.array(values, pa.string())


def _fmt_decimal(v: Decimal) -> str:
    """Plain notation, never exponent form (Decimal('1E+2') -> '100')."""
    return format(v, "f")


def to_arrow(table: Table, cols: Columns, csv: bool) -> pa.Table:
    """Columns in contract order as an Arrow table (text columns when `csv`)."""
    missing = [c for c in table.column_names if c not in cols]
    if missing:
        raise KeyError(f"{table.path}: generator lacks columns {missing}")
    return pa.table({name: _arrow(table, name, cols[name], csv) for name in table.column_names})


def write_table(out_dir: Path, table: Table, cols: Columns, fmt: str) -> Path:
    """Write one landing table; returns the file written."""
    folder = out_dir / table.system
    folder.mkdir(parents=True, exist_ok=True)
    data = to_arrow(table, cols, csv=fmt == "csv")
    path = folder / f"{table.name}.{fmt}"
    if fmt == "csv":
        pacsv.write_csv(data, path, _CSV_OPTIONS)
    else:
        write_parquet(data, path)
    return path


def write_parquet(data: pa.Table, path: Path) -> None:
    """Plain Parquet (no Arrow schema blob), so every reader sees the same types."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, path, compression="zstd", compression_level=1, store_schema=False)


def write_events_parquet(data: pa.Table, path: Path) -> None:
    """One usage/events file, encoded per column for write speed and size.

    Dictionary encoding only for the low-cardinality ids and names, delta
    encoding for the timestamps, zstd only where it pays (the unique event ids);
    no statistics on the id columns nobody filters by range.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        data,
        path,
        store_schema=False,
        use_dictionary=["account_id", "user_id", "event_name"],
        compression={
            "event_id": "zstd",
            "account_id": "snappy",
            "user_id": "snappy",
            "event_name": "snappy",
            "occurred_at": "snappy",
            "received_at": "snappy",
        },
        column_encoding={
            "event_id": "PLAIN",
            "occurred_at": "DELTA_BINARY_PACKED",
            "received_at": "DELTA_BINARY_PACKED",
        },
        write_statistics=["account_id", "event_name", "occurred_at", "received_at"],
    )
