"""The staged DuckDB file: the marts of the working database, written only where they changed.

The staged file starts as a copy of the published file when the previous
build's manifest vouches for it, else empty. A mart that did not change stays
as copied; a changed mart is created again, except that a partitioned mart
replaces only its changed months (delete, then insert) while they hold less
than half of its rows. Each mart keeps the model and column descriptions dbt
persisted (persist_docs), so a BI tool browsing the file shows what each mart
and column means. Schema `run_metadata` holds only this run's record.
"""

from __future__ import annotations

import duckdb

from cs_analytics.publish.fingerprint import MARTS_SCHEMA, MartFingerprint, mart_names
from cs_analytics.publish.progress import PartsWritten
from cs_analytics.run_metadata import SCHEMA as RUN_METADATA_SCHEMA
from cs_analytics.sql import quote_identifier, quote_literal


def prepare_file(con: duckdb.DuckDBPyConnection, marts: list[str]) -> None:
    """Drop what the new build does not publish: marts gone, the previous run's record."""
    con.execute(f"create schema if not exists {MARTS_SCHEMA}")
    [(staged,)] = con.execute("select current_database()").fetchall()
    for name in set(mart_names(con, staged)) - set(marts):
        con.execute(f"drop table {MARTS_SCHEMA}.{quote_identifier(name)}")
    con.execute(f"drop schema if exists {RUN_METADATA_SCHEMA} cascade")


def _copy_descriptions(con: duckdb.DuckDBPyConnection, table: str, name: str) -> None:
    described = con.execute(
        "select comment from duckdb_tables() where database_name = 'working' "
        "and schema_name = $schema and table_name = $name and comment is not null",
        {"schema": MARTS_SCHEMA, "name": name},
    ).fetchall()
    for (comment,) in described:
        con.execute(f"comment on table {table} is {quote_literal(comment)}")
    columns = con.execute(
        "select column_name, comment from duckdb_columns() where database_name = 'working' "
        "and schema_name = $schema and table_name = $name and comment is not null "
        "order by column_index",
        {"schema": MARTS_SCHEMA, "name": name},
    ).fetchall()
    for column, comment in columns:
        con.execute(
            f"comment on column {table}.{quote_identifier(column)} is {quote_literal(comment)}"
        )


def publish_to_file(
    con: duckdb.DuckDBPyConnection, mart: MartFingerprint, changed: set[str] | None
) -> PartsWritten:
    """Bring the staged copy of `mart` to the working database's rows.

    `changed`: the parts that differ from the staged copy; None when the
    staged file holds no comparable copy of the mart.
    """
    table = f"{MARTS_SCHEMA}.{quote_identifier(mart.name)}"
    source = f"working.{table}"
    if changed is not None and not changed:
        return PartsWritten(len(mart.parts), 0, 0)
    changed_rows = sum(mart.parts[key].rows for key in changed or () if key in mart.parts)
    order = "" if mart.partitions is None else f" {mart.partitions.order_sql()}"
    if changed is None or mart.partitions is None or 2 * changed_rows > mart.rows:
        con.execute(f"drop table if exists {table}")
        con.execute(f"create table {table} as select * from {source}{order}")
        _copy_descriptions(con, table, mart.name)
        return PartsWritten(len(mart.parts), len(mart.parts), mart.rows)
    # Same shape, so the working table's columns line up with the staged ones.
    in_changed = f"list_contains($keys, {mart.key_sql()})"
    keys = {"keys": sorted(changed)}
    con.execute(f"delete from {table} where {in_changed}", keys)
    con.execute(f"insert into {table} select * from {source} where {in_changed}{order}", keys)
    return PartsWritten(len(mart.parts), len(changed & mart.parts.keys()), changed_rows)
