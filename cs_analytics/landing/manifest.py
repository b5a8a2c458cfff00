"""The file manifest: which landing files a night must read, from what earlier nights loaded.

`raw.landing_files` lists every file whose rows are in `raw`, with its size,
modification time and sha256 (docs/landing_contract.md, "Nightly ingestion").
Against it, each file of tonight's landing is

    new        not loaded before: its rows are appended;
    changed    loaded before with other content: the rows that came from it
               are brought up to its new content (cs_analytics/landing/file_diff.py);
    unchanged  loaded before with the same content: not read again;
    missing    (a loaded file no longer in the landing) its rows are kept, and
               the night says so.

Hashing reads every byte, so a file whose size and modification time are
those recorded keeps its recorded sha256 without being read; anything else is
hashed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

import duckdb

LoadAction = Literal["new", "changed", "unchanged", "missing"]
READ_ACTIONS: tuple[LoadAction, ...] = ("new", "changed")

FILES_TABLE = "raw.landing_files"
FILES_COLUMNS = """
    run_id varchar, table_path varchar, file_path varchar, file_format varchar,
    bytes bigint, sha256 varchar, rows_loaded bigint, rows_rejected bigint,
    loaded_at timestamp, modified_ns bigint, load_action varchar
"""


@dataclass(frozen=True)
class FileRecord:
    """One row of `raw.landing_files`: a file and the load its rows in `raw` came from."""

    table_path: str
    file_path: str
    file_format: str
    bytes: int
    sha256: str
    rows_loaded: int
    rows_rejected: int
    loaded_at: datetime
    modified_ns: int
    load_action: LoadAction

    def as_row(self, run_id: str) -> dict[str, object]:
        return {"run_id": run_id, **self.__dict__}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def previous_files(con: duckdb.DuckDBPyConnection) -> dict[str, FileRecord] | None:
    """The files loaded by earlier nights, by path; None when there is no usable record.

    A working database from before the manifest (no `load_action` column) has
    no record a night can trust, so it is loaded whole once.
    """
    columns = {
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() "
            "where schema_name = 'raw' and table_name = 'landing_files'"
        ).fetchall()
    }
    if "load_action" not in columns:
        return None
    rows = con.execute(
        "select table_path, file_path, file_format, bytes, sha256, rows_loaded, rows_rejected, "
        f"loaded_at, modified_ns, load_action from {FILES_TABLE}"
    ).fetchall()
    return {row[1]: FileRecord(*row) for row in rows}


def fingerprint(path: Path, known: FileRecord | None) -> tuple[int, int, str]:
    """(bytes, modification ns, sha256) of a file, hashing only when size or time moved."""
    stat = path.stat()
    if known is not None and (known.bytes, known.modified_ns) == (stat.st_size, stat.st_mtime_ns):
        return stat.st_size, stat.st_mtime_ns, known.sha256
    return stat.st_size, stat.st_mtime_ns, sha256_of(path)


def action_for(known: FileRecord | None, sha256: str) -> LoadAction:
    if known is None:
        return "new"
    return "unchanged" if known.sha256 == sha256 else "changed"


def carried_over(known: FileRecord, action: LoadAction, modified_ns: int) -> FileRecord:
    """The record of a file not read tonight: its rows and load stamp stay."""
    return replace(known, load_action=action, modified_ns=modified_ns)
