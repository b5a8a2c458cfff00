"""The type a raw column keeps: text from CSV, the file's own type from Parquet.

A Parquet file already says what its values are; turning 300 M timestamps into
text only for staging to parse them back is most of what a big raw table
costs (on disk and in staging's CPU). So a raw column keeps the Parquet type
when every file of its table agrees on it, and is text otherwise (CSV, or
files that disagree). Staging reads both the same way: the text of a typed
value is what the loader used to store (`cast(value as varchar)`), and
macros/landing/landing_values.sql takes a typed timestamp as it is.

A zoned timestamp is kept as the UTC instant without zone, the raw form of
every `_at` column (docs/landing_contract.md, "Reading values").
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cs_analytics.sql import quote_identifier

TEXT = "VARCHAR"
# Types whose text form is the one staging parses; any other Parquet type
# (lists, structs, nanosecond timestamps, ...) lands as its text.
KEPT_TYPES = frozenset(
    {
        "BOOLEAN",
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "FLOAT",
        "DOUBLE",
        "DATE",
        "TIMESTAMP",
        TEXT,
    }
)
ZONED_TIMESTAMP = "TIMESTAMP WITH TIME ZONE"


def raw_type(file_type: str) -> str:
    """The raw column type for a value of DuckDB type `file_type` read from Parquet."""
    if file_type == ZONED_TIMESTAMP:
        return "TIMESTAMP"
    if file_type in KEPT_TYPES or file_type.startswith("DECIMAL("):
        return file_type
    return TEXT


def parquet_types(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """{column name as in the file: DuckDB type} from the file's schema (no data read)."""
    rows = con.execute("describe select * from read_parquet($path)", {"path": str(path)}).fetchall()
    return {name: column_type for name, column_type, *_ in rows}


def combined_type(types: list[str]) -> str:
    """One raw type for the values of several files: theirs if they agree, else text."""
    distinct = set(types)
    return distinct.pop() if len(distinct) == 1 else TEXT


def value_expression(column: str, file_type: str, target_type: str) -> str:
    """How the loader selects one Parquet column into a raw column of `target_type`."""
    value = quote_identifier(column)
    if file_type == ZONED_TIMESTAMP:
        # The connection's TimeZone is UTC, so the text form is the UTC instant too.
        value = f"timezone('UTC', {value})" if target_type != TEXT else value
    if target_type == TEXT or raw_type(file_type) != target_type:
        return f"cast({value} as varchar)"
    return value
