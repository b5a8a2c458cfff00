"""Publishing the audited marts to the file BI tools read, atomically.

The nightly build happens in a private working database. Only after every
blocking check passed are the `marts` tables copied into a fresh file beside
WAREHOUSE_PATH, which then replaces the published file with one rename: a
reader sees the old marts or the new, never a mix, and a failed run leaves the
published file byte for byte as it was. The Parquet copies live in a folder
per build; a symlink that is swapped in the same way points at the current one.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

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


def publish_marts(working_db: Path, warehouse_path: Path, build_id: str) -> PublishResult:
    """Copy schema `marts` of the working database to WAREHOUSE_PATH and its Parquet copies."""
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    staged = warehouse_path.with_name(f".{warehouse_path.name}.{build_id}.tmp")
    staged.unlink(missing_ok=True)
    parquet_root = warehouse_path.with_name(f"{warehouse_path.stem}_parquet")
    parquet_build = warehouse_path.with_name(f".{warehouse_path.stem}_parquet.{build_id}")
    shutil.rmtree(parquet_build, ignore_errors=True)
    parquet_build.mkdir()
    rows: dict[str, int] = {}
    with duckdb.connect(str(staged)) as con:
        con.execute("attach $path as working (read_only)", {"path": str(working_db)})
        con.execute(f"create schema {MARTS_SCHEMA}")
        for name in _mart_names(con, "working"):
            # Names come from the catalog of our own build, not from user input.
            con.execute(
                f'create table {MARTS_SCHEMA}."{name}" as select * from working.{MARTS_SCHEMA}."{name}"'
            )
            count = con.execute(f'select count(*) from {MARTS_SCHEMA}."{name}"').fetchone()
            rows[name] = int(count[0]) if count else 0
            con.execute(
                f"copy {MARTS_SCHEMA}.\"{name}\" to $file (format parquet)",
                {"file": str(parquet_build / f"{name}.parquet")},
            )
        con.execute("detach working")
        con.execute("checkpoint")
    _fsync(staged)
    previous_parquet = parquet_root.resolve() if parquet_root.is_symlink() else None
    os.replace(staged, warehouse_path)
    _swap_symlink(parquet_root, parquet_build)
    if previous_parquet and previous_parquet != parquet_build.resolve():
        shutil.rmtree(previous_parquet, ignore_errors=True)
    return PublishResult(warehouse_path, parquet_root, rows)
