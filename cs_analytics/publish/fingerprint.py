"""What each mart holds, cheaply enough to compute every night: its fingerprint.

A mart's fingerprint is its shape (columns, types, descriptions) and, per
part, the row count and the sum of the rows' hashes. A part is the whole mart,
or for the big daily marts one month of their date column, so that one new day
changes one part of years of history. The sum does not depend on row order,
and any changed, added or removed row changes it: DuckDB's 64-bit `hash` of
each row, summed without overflow, so a change goes unseen only if the new
rows' hashes add up to exactly the old ones' (odds of about 1 in 2^64).

Two builds whose fingerprints of a part agree published the same rows there:
the publish step reuses that part of the previous build instead of copying it
again (cs_analytics/publish/build.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import duckdb

from cs_analytics.sql import quote_identifier, quote_literal

MARTS_SCHEMA = "marts"

# The part of an unpartitioned mart, and of rows whose partition date is NULL
# (the name Hive-style readers take for NULL in a partition folder).
WHOLE = ""
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


@dataclass(frozen=True)
class MonthlyPartitions:
    """A mart kept in parts by the month of `date_column`.

    Its Parquet copy is one folder per month, `<mart>/<folder_key>=YYYY-MM/`.
    Its published rows are written in the order of `cluster_by`: an account's
    days side by side repeat its segment, owner and band, which Parquet and
    DuckDB then store once per run. In the order the working table happens
    to hold (hash joins scatter it), a month of fct_account_health_daily at
    the medium preset took 3.7 MB of Parquet; by account and day, 1.2 MB.
    """

    date_column: str
    folder_key: str
    cluster_by: tuple[str, ...]

    def key_sql(self) -> str:
        """The part key of a row: 'YYYY-MM' of its date."""
        month = f"strftime({quote_identifier(self.date_column)}, '%Y-%m')"
        return f"coalesce({month}, {quote_literal(NULL_PARTITION)})"

    def order_sql(self) -> str:
        """The ORDER BY clause its published rows are written in."""
        return "order by " + ", ".join(quote_identifier(column) for column in self.cluster_by)


# Marts of account x day grain: years of history, one new day a night. The
# smaller marts are one part each (docs/marts_interface.md, "Publishing").
PARTITIONED_MARTS: dict[str, MonthlyPartitions] = {
    "fct_account_health_daily": MonthlyPartitions(
        "score_date", "score_month", cluster_by=("account_id", "score_date")
    ),
    "fct_expansion_signals": MonthlyPartitions(
        "signal_date", "signal_month", cluster_by=("account_id", "signal_code", "signal_date")
    ),
}


@dataclass(frozen=True)
class Part:
    rows: int
    content: str


@dataclass(frozen=True)
class MartFingerprint:
    name: str
    shape: str
    partitions: MonthlyPartitions | None
    parts: dict[str, Part]

    @property
    def rows(self) -> int:
        return sum(part.rows for part in self.parts.values())

    def key_sql(self) -> str:
        return self.partitions.key_sql() if self.partitions else quote_literal(WHOLE)


def changed_parts(current: MartFingerprint, previous: MartFingerprint | None) -> set[str] | None:
    """The parts whose rows differ from `previous` (parts gone included).

    None when `previous` cannot be compared (no such mart, another shape or
    partitioning): everything is to be written.
    """
    if (
        previous is None
        or previous.shape != current.shape
        or previous.partitions != current.partitions
    ):
        return None
    keys = current.parts.keys() | previous.parts.keys()
    return {key for key in keys if current.parts.get(key) != previous.parts.get(key)}


def mart_names(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = $catalog "
        "and schema_name = $schema order by table_name",
        {"catalog": catalog, "schema": MARTS_SCHEMA},
    ).fetchall()
    return [name for (name,) in rows]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, name: str) -> list[tuple]:
    return con.execute(
        "select column_name, data_type, comment from duckdb_columns() "
        "where database_name = $catalog and schema_name = $schema and table_name = $name "
        "order by column_index",
        {"catalog": catalog, "schema": MARTS_SCHEMA, "name": name},
    ).fetchall()


def _shape(con: duckdb.DuckDBPyConnection, catalog: str, name: str, columns: list[tuple]) -> str:
    [(comment,)] = con.execute(
        "select comment from duckdb_tables() where database_name = $catalog "
        "and schema_name = $schema and table_name = $name",
        {"catalog": catalog, "schema": MARTS_SCHEMA, "name": name},
    ).fetchall()
    # Descriptions are part of what is published (comments in the file).
    described = json.dumps([comment, [list(column) for column in columns]])
    return hashlib.sha256(described.encode()).hexdigest()


def fingerprint_mart(con: duckdb.DuckDBPyConnection, catalog: str, name: str) -> MartFingerprint:
    columns = _columns(con, catalog, name)
    shape = _shape(con, catalog, name, columns)
    fingerprint = MartFingerprint(name, shape, PARTITIONED_MARTS.get(name), {})
    # The columns named one by one: a table alias could clash with a column's name.
    row_hash = "hash({})".format(", ".join(quote_identifier(c) for c, _, _ in columns))
    table = f"{quote_identifier(catalog)}.{MARTS_SCHEMA}.{quote_identifier(name)}"
    # An unpartitioned mart is one part even when empty (its Parquet file is still written).
    group = " group by part" if fingerprint.partitions else ""
    rows = con.execute(
        f"select {fingerprint.key_sql()} as part, count(*), "
        f"coalesce(sum({row_hash}), 0)::varchar from {table}{group}"
    ).fetchall()
    fingerprint.parts.update({key: Part(int(count), content) for key, count, content in rows})
    return fingerprint
