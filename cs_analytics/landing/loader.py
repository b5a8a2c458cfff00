"""Loading a checked landing into the working warehouse's `raw` schema.

Every contract column lands as text, exactly as the file said, so no value is
lost or reinterpreted here; staging casts. Each row carries where it came from
(`_source_file`, `_source_row`) and when (`_loaded_at`: later file = later load).
Malformed CSV lines are kept, with the parser's reason, in
`raw.landing_rejected_lines`; every file is listed with its size, sha256 and row
counts in `raw.landing_files` (this run) and `audit.landing_file_history` (all
runs), so a re-sent file is visible.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from cs_analytics.landing.discovery import LandingFile, LandingTable, discover_landing
from cs_analytics.sql import quote_identifier
from cs_analytics.working_db import connect_working_db

RAW_SCHEMA = "raw"
AUDIT_SCHEMA = "audit"
LOAD_COLUMNS = "_loaded_at timestamp, _source_file varchar, _source_row bigint"

FILES_COLUMNS = """
    run_id varchar, table_path varchar, file_path varchar, file_format varchar,
    bytes bigint, sha256 varchar, rows_loaded bigint, rows_rejected bigint,
    loaded_at timestamp
"""
REJECTED_COLUMNS = """
    run_id varchar, table_path varchar, file_path varchar, line bigint,
    error_type varchar, csv_line varchar, error_message varchar
"""


@dataclass
class FileLoad:
    table_path: str
    file_path: str
    file_format: str
    bytes: int
    sha256: str
    rows_loaded: int
    rows_rejected: int


@dataclass
class LoadReport:
    run_id: str
    files: list[FileLoad] = field(default_factory=list)
    rows_per_table: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _csv_select(landing_file: LandingFile) -> tuple[str, dict[str, object]]:
    # Columns are addressed by position (c0, c1, …), so header text from the
    # file never becomes part of the SQL.
    positional = {f"c{i}": "VARCHAR" for i in range(len(landing_file.header))}
    values = [
        f"c{pos}" if pos is not None else "cast(null as varchar)"
        for pos in landing_file.column_positions.values()
    ]
    source = """read_csv(
        $path, columns = $columns, header = true, auto_detect = false,
        delim = ',', quote = '"', escape = '"', strict_mode = true,
        store_rejects = true, rejects_table = 'landing_rejects',
        rejects_scan = 'landing_reject_scans'
    )"""
    return f"select {', '.join(values)} from {source}", {"columns": positional}


def _parquet_select(landing_file: LandingFile) -> tuple[str, dict[str, object]]:
    values = [
        f"cast({quote_identifier(landing_file.header[pos])} as varchar)"
        if pos is not None
        else "cast(null as varchar)"
        for pos in landing_file.column_positions.values()
    ]
    return f"select {', '.join(values)} from read_parquet($path)", {}


def _load_file(
    con: duckdb.DuckDBPyConnection,
    landing_table: LandingTable,
    landing_file: LandingFile,
    landing_dir: Path,
    loaded_at: datetime,
    run_id: str,
) -> FileLoad:
    table = landing_table.table
    relative = landing_file.path.relative_to(landing_dir).as_posix()
    build = _csv_select if landing_file.format == "csv" else _parquet_select
    select, params = build(landing_file)
    columns = ", ".join((*table.column_names, "_loaded_at", "_source_file", "_source_row"))
    inserted = con.execute(
        f"""
        insert into {RAW_SCHEMA}.{table.raw_relation} ({columns})
        select *, $loaded_at, $file, row_number() over ()
        from ({select})
        """,
        {"path": str(landing_file.path), "loaded_at": loaded_at, "file": relative, **params},
    ).fetchone()
    rows_loaded = int(inserted[0]) if inserted else 0
    rows_rejected = 0
    if landing_file.format == "csv":
        rows_rejected = _move_rejects(con, run_id, table.path, relative)
    return FileLoad(
        table_path=table.path,
        file_path=relative,
        file_format=landing_file.format,
        bytes=landing_file.path.stat().st_size,
        sha256=sha256_of(landing_file.path),
        rows_loaded=rows_loaded,
        rows_rejected=rows_rejected,
    )


def _move_rejects(
    con: duckdb.DuckDBPyConnection, run_id: str, table_path: str, relative: str
) -> int:
    exists = con.execute(
        "select count(*) from duckdb_tables() where table_name = 'landing_rejects'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    moved = con.execute(
        f"""
        insert into {RAW_SCHEMA}.landing_rejected_lines
        -- The parser reports one error per missing column; keep one row per line.
        select $run_id, $table_path, $file, line, min(cast(error_type as varchar)),
               min(csv_line), string_agg(distinct error_message, '; ')
        from landing_rejects
        group by line
        """,
        {"run_id": run_id, "table_path": table_path, "file": relative},
    ).fetchone()
    con.execute("delete from landing_rejects")
    con.execute("delete from landing_reject_scans")
    return int(moved[0]) if moved else 0


def _prepare_schemas(con: duckdb.DuckDBPyConnection, tables: list[LandingTable]) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(f"create schema if not exists {AUDIT_SCHEMA}")
    for landing_table in tables:
        table = landing_table.table
        columns = ", ".join(f"{name} varchar" for name in table.column_names)
        con.execute(
            f"create or replace table {RAW_SCHEMA}.{table.raw_relation} ({columns}, {LOAD_COLUMNS})"
        )
    con.execute(f"create or replace table {RAW_SCHEMA}.landing_files ({FILES_COLUMNS})")
    con.execute(f"create or replace table {RAW_SCHEMA}.landing_rejected_lines ({REJECTED_COLUMNS})")
    con.execute(f"create table if not exists {AUDIT_SCHEMA}.landing_file_history ({FILES_COLUMNS})")


def ingest_landing(
    db_path: Path, landing_dir: Path, run_id: str, started_at: datetime
) -> LoadReport:
    """Check the landing against the contract, then replace `raw` with it in one transaction.

    A landing that breaks the contract raises LandingError before anything is
    written, so the previous raw data and everything built on it stay intact.
    """
    tables, warnings = discover_landing(landing_dir)
    report = LoadReport(run_id=run_id, warnings=warnings)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with connect_working_db(db_path) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("begin transaction")
        _prepare_schemas(con, tables)
        all_files = sorted(
            ((t, f) for t in tables for f in t.files),
            key=lambda pair: pair[1].path.relative_to(landing_dir).as_posix(),
        )
        for order, (landing_table, landing_file) in enumerate(all_files):
            # A distinct, increasing stamp per file makes "the latest load" well defined.
            loaded_at = started_at + timedelta(milliseconds=order)
            load = _load_file(con, landing_table, landing_file, landing_dir, loaded_at, run_id)
            report.files.append(load)
            con.execute(
                f"insert into {RAW_SCHEMA}.landing_files values "
                "($run_id, $table_path, $file_path, $file_format, $bytes, $sha256, "
                "$rows_loaded, $rows_rejected, $loaded_at)",
                {"run_id": run_id, "loaded_at": loaded_at, **load.__dict__},
            )
        con.execute(
            f"insert into {AUDIT_SCHEMA}.landing_file_history "
            f"select * from {RAW_SCHEMA}.landing_files"
        )
        con.execute("commit")
    for landing_table in tables:
        path = landing_table.table.path
        report.rows_per_table[path] = sum(
            f.rows_loaded for f in report.files if f.table_path == path
        )
    rejected = report.rows_rejected
    if rejected:
        report.warnings.append(
            f"{rejected} malformed CSV line(s) quarantined in {RAW_SCHEMA}.landing_rejected_lines"
        )
    return report
