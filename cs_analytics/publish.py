"""Publishing the audited marts to the file BI tools read, atomically.

The nightly build happens in a private working database. Only after every
blocking check passed are the `marts` tables copied into a fresh file beside
WAREHOUSE_PATH, which then replaces the published file with one rename: a
reader sees the old marts or the new, never a mix, and a failed run leaves the
published file byte for byte as it was. The Parquet copies live in a folder
per build; a symlink that is swapped in the same way points at the current one.

Besides `marts`, the published file holds schema `run_metadata` with the
record of the run that built these marts (cs_analytics/run_metadata.py).

Readers: a BI tool holding the published file open keeps reading the inode
it opened (the old marts) and never blocks the rename; its next connection
sees the new marts. Open it read-only with external access off (README,
"Reading the warehouse from a BI tool").
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cs_analytics.run_metadata import RunRecord, write_run_record
from cs_analytics.sql import quote_identifier, quote_literal

MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class PublishResult:
    warehouse_path: Path
    parquet_dir: Path
    rows_per_mart: dict[str, int]


def _mart_names(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = $catalog "
        "and schema_name = $schema order by table_name",
        {"catalog": catalog, "schema": MARTS_SCHEMA},
    ).fetchall()
    return [name for (name,) in rows]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_symlink(link: Path, target: Path) -> None:
    temporary = link.with_name(f".{link.name}.new")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target.name)
    os.replace(temporary, link)


def _remove_leftovers(warehouse_path: Path, parquet_root: Path) -> None:
    """Staging files and Parquet folders of builds that died before their rename.

    Never the published ones: the Parquet folder the symlink points at stays.
    """
    for leftover in warehouse_path.parent.glob(f".{warehouse_path.name}.*.tmp*"):
        leftover.unlink(missing_ok=True)
    current = parquet_root.resolve() if parquet_root.is_symlink() else None
    for folder in warehouse_path.parent.glob(f".{parquet_root.name}.*"):
        if folder.is_dir() and folder.resolve() != current:
            shutil.rmtree(folder, ignore_errors=True)


def _copy_descriptions(con: duckdb.DuckDBPyConnection, table: str, name: str) -> None:
    """The model and column descriptions dbt persisted (persist_docs), so a BI
    tool browsing the published file shows what each mart and column means."""
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


def _copy_marts(
    working_db: Path, staged: Path, parquet_build: Path, run_record: RunRecord | None
) -> dict[str, int]:
    rows: dict[str, int] = {}
    with duckdb.connect(str(staged)) as con:
        con.execute(f"attach {quote_literal(str(working_db))} as working (read_only)")
        con.execute(f"create schema {MARTS_SCHEMA}")
        for name in _mart_names(con, "working"):
            table = f"{MARTS_SCHEMA}.{quote_identifier(name)}"
            con.execute(f"create table {table} as select * from working.{table}")
            _copy_descriptions(con, table, name)
            count = con.execute(f"select count(*) from {table}").fetchone()
            rows[name] = int(count[0]) if count else 0
            target = quote_literal(str(parquet_build / f"{name}.parquet"))
            con.execute(f"copy {table} to {target} (format parquet)")
        con.execute("detach working")
        if run_record is not None:
            run_record.rows_per_mart = dict(rows)
            write_run_record(con, run_record)
        con.execute("checkpoint")
    _fsync(staged)
    return rows


def publish_marts(
    working_db: Path, warehouse_path: Path, build_id: str, run_record: RunRecord | None = None
) -> PublishResult:
    """Copy schema `marts` of the working database to WAREHOUSE_PATH and its Parquet copies.

    `run_record`, when given, is published in schema `run_metadata` with the
    marts' row counts filled in.
    """
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    parquet_root = warehouse_path.with_name(f"{warehouse_path.stem}_parquet")
    _remove_leftovers(warehouse_path, parquet_root)
    staged = warehouse_path.with_name(f".{warehouse_path.name}.{build_id}.tmp")
    parquet_build = warehouse_path.with_name(f".{warehouse_path.stem}_parquet.{build_id}")
    shutil.rmtree(parquet_build, ignore_errors=True)
    parquet_build.mkdir()
    try:
        rows = _copy_marts(working_db, staged, parquet_build, run_record)
    except BaseException:
        staged.unlink(missing_ok=True)
        shutil.rmtree(parquet_build, ignore_errors=True)
        raise
    previous_parquet = parquet_root.resolve() if parquet_root.is_symlink() else None
    os.replace(staged, warehouse_path)
    _swap_symlink(parquet_root, parquet_build)
    if previous_parquet and previous_parquet != parquet_build.resolve():
        shutil.rmtree(previous_parquet, ignore_errors=True)
    return PublishResult(warehouse_path, parquet_root, rows)
