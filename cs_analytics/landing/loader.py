"""Loading a checked landing into the working warehouse's `raw` schema, night after night.

`raw` persists between nights: the file manifest (cs_analytics/landing/manifest.py)
decides which files are read, so a night costs what is new, not the history.
A file's rows keep what the file said: CSV values as text, Parquet values in
the file's own types (cs_analytics/landing/raw_columns.py); staging parses
either. Each row carries where it came from (`_source_file`, `_source_row`)
and when (`_loaded_at`: a later night, or a later file of one night, is a
later load). Malformed CSV lines are kept, with the parser's reason, in
`raw.landing_rejected_lines`; `raw.landing_files` lists every file whose rows
are in `raw` and what tonight did with it, and `audit.landing_file_history`
keeps that list for every night.

A full refresh (`full_refresh=True`, FULL_REFRESH=1 for the nightly) rebuilds
`raw` from every file of the landing, as the first night does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from cs_analytics.landing import file_diff, raw_columns
from cs_analytics.landing.discovery import LandingFile, LandingTable, discover_landing
from cs_analytics.landing.manifest import (
    FILES_COLUMNS,
    FILES_TABLE,
    READ_ACTIONS,
    FileRecord,
    LoadAction,
    action_for,
    carried_over,
    fingerprint,
    previous_files,
    sha256_of,
)
from cs_analytics.sql import quote_identifier
from cs_analytics.working_db import connect_working_db

__all__ = ["FileRecord", "LoadReport", "ingest_landing", "sha256_of"]

RAW_SCHEMA = "raw"
AUDIT_SCHEMA = "audit"
HISTORY_TABLE = f"{AUDIT_SCHEMA}.landing_file_history"
REJECTED_TABLE = f"{RAW_SCHEMA}.landing_rejected_lines"
LOAD_COLUMNS = "_loaded_at timestamp, _source_file varchar, _source_row bigint"
REJECTED_COLUMNS = """
    run_id varchar, table_path varchar, file_path varchar, line bigint,
    error_type varchar, csv_line varchar, error_message varchar
"""

Progress = Callable[[str], None]


@dataclass
class LoadReport:
    run_id: str
    files: list[FileRecord] = field(default_factory=list)
    rows_per_table: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    full_refresh: bool = False

    @property
    def read_files(self) -> list[FileRecord]:
        """The files this night read (new or changed)."""
        return [f for f in self.files if f.load_action in READ_ACTIONS]

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.read_files)


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


def _parquet_select(
    landing_file: LandingFile, types: dict[str, str], file_types: dict[str, str]
) -> tuple[str, dict[str, object]]:
    values = [
        raw_columns.value_expression(
            landing_file.header[pos], file_types[landing_file.header[pos]], types[column]
        )
        if pos is not None
        else f"cast(null as {types[column]})"
        for column, pos in landing_file.column_positions.items()
    ]
    return f"select {', '.join(values)} from read_parquet($path)", {}


def _load_file(
    con: duckdb.DuckDBPyConnection,
    landing_table: LandingTable,
    landing_file: LandingFile,
    relative: str,
    types: dict[str, str],
    file_types: dict[str, str],
    loaded_at: datetime,
    run_id: str,
    replaces_earlier: bool = False,
) -> tuple[int, int]:
    """Load one file's rows; returns (rows in the file, malformed lines set aside).

    A changed file (`replaces_earlier`) goes through a temporary table and
    cs_analytics/landing/file_diff.py, so only its new rows get tonight's stamp.
    """
    table = landing_table.table
    relation = f"{RAW_SCHEMA}.{table.raw_relation}"
    if landing_file.format == "csv":
        select, params = _csv_select(landing_file)
    else:
        select, params = _parquet_select(landing_file, types, file_types)
    columns = ", ".join((*table.column_names, "_loaded_at", "_source_file", "_source_row"))
    bound = {"path": str(landing_file.path), **params}
    if replaces_earlier:
        con.execute(
            f"create or replace temp table {file_diff.INCOMING} as "
            f"select *, row_number() over () as _source_row from ({select}) as landed("
            + ", ".join(quote_identifier(c) for c in table.column_names)
            + ")",
            bound,
        )
        counted = con.execute(f"select count(*) from {file_diff.INCOMING}").fetchone()
        file_diff.apply_changed_file(con, relation, table.column_names, relative, loaded_at)
    else:
        counted = con.execute(
            f"""
            insert into {relation} ({columns})
            select *, $loaded_at, $file, row_number() over ()
            from ({select})
            """,
            {**bound, "loaded_at": loaded_at, "file": relative},
        ).fetchone()
    rows_loaded = int(counted[0]) if counted else 0
    rows_rejected = 0
    if landing_file.format == "csv":
        rows_rejected = _move_rejects(con, run_id, table.path, relative)
    return rows_loaded, rows_rejected


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
        insert into {REJECTED_TABLE}
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


def _column_types(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict[str, str]:
    """{column: DuckDB type} of a table, in column order (empty when it does not exist)."""
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = $schema and table_name = $table order by column_index",
        {"schema": schema, "table": table},
    ).fetchall()
    return dict(rows)


def _create_raw_table(
    con: duckdb.DuckDBPyConnection, landing_table: LandingTable, per_file: list[dict[str, str]]
) -> dict[str, str]:
    table = landing_table.table
    types = {
        name: raw_columns.combined_type([t[name] for t in per_file if name in t])
        if any(name in t for t in per_file)
        else raw_columns.TEXT
        for name in table.column_names
    }
    columns = ", ".join(f"{quote_identifier(name)} {types[name]}" for name in table.column_names)
    con.execute(
        f"create or replace table {RAW_SCHEMA}.{table.raw_relation} ({columns}, {LOAD_COLUMNS})"
    )
    return types


def _widen_for(
    con: duckdb.DuckDBPyConnection,
    landing_table: LandingTable,
    types: dict[str, str],
    per_file: list[dict[str, str]],
) -> dict[str, str]:
    """Turn a typed raw column into text when a file brings values of another type."""
    widened = dict(types)
    for file_types in per_file:
        for column, file_type in file_types.items():
            if widened[column] not in (file_type, raw_columns.TEXT):
                con.execute(
                    f"alter table {RAW_SCHEMA}.{landing_table.table.raw_relation} "
                    f"alter column {quote_identifier(column)} type varchar"
                )
                widened[column] = raw_columns.TEXT
    return widened


def _prepare_schemas(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(f"create schema if not exists {AUDIT_SCHEMA}")
    con.execute(f"create table if not exists {REJECTED_TABLE} ({REJECTED_COLUMNS})")
    con.execute(f"create table if not exists {HISTORY_TABLE} ({FILES_COLUMNS})")
    # A history begun before the manifest lacks its newer columns.
    present = set(_column_types(con, AUDIT_SCHEMA, "landing_file_history"))
    for name in ("modified_ns bigint", "load_action varchar"):
        if name.split()[0] not in present:
            con.execute(f"alter table {HISTORY_TABLE} add column {name}")


def _next_stamp(con: duckdb.DuckDBPyConnection, started_at: datetime) -> datetime:
    """Tonight's first load stamp: later than any row already in `raw`, whatever the clock says."""
    latest = con.execute(
        f"select max(loaded_at) from {HISTORY_TABLE} where load_action in ('new', 'changed')"
    ).fetchone()
    started = started_at.replace(tzinfo=None)
    if latest and latest[0] is not None and latest[0] >= started:
        return latest[0] + timedelta(milliseconds=1)
    return started


@dataclass(frozen=True)
class _FilePlan:
    landing_file: LandingFile
    relative: str
    previous: FileRecord | None
    action: LoadAction
    size: int
    modified_ns: int
    sha256: str


class _Ingestion:
    """One night's load, inside one transaction of `con`."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        landing_dir: Path,
        report: LoadReport,
        progress: Progress,
        started_at: datetime,
    ) -> None:
        self.con = con
        self.landing_dir = landing_dir
        self.report = report
        self.progress = progress
        self.stamp = _next_stamp(con, started_at)
        self.order = 0
        # Tables rebuilt from all their files tonight: nothing of theirs is kept.
        self.reloaded: set[str] = set()

    def relative(self, landing_file: LandingFile) -> str:
        return landing_file.path.relative_to(self.landing_dir).as_posix()

    def file_types(self, landing_file: LandingFile) -> dict[str, str]:
        """{column name in the file: DuckDB type}; every value is text in a CSV file."""
        if landing_file.format == "csv":
            return {name: raw_columns.TEXT for name in landing_file.header}
        return raw_columns.parquet_types(self.con, landing_file.path)

    def raw_types(self, landing_file: LandingFile) -> dict[str, str]:
        """{contract column: raw type its values keep} (columns the file lacks left out)."""
        file_types = self.file_types(landing_file)
        return {
            column: raw_columns.raw_type(file_types[landing_file.header[pos]])
            for column, pos in landing_file.column_positions.items()
            if pos is not None
        }

    def plan(
        self, landing_table: LandingTable, known: dict[str, FileRecord], reload_all: bool
    ) -> list[_FilePlan]:
        plans = []
        for landing_file in landing_table.files:
            relative = self.relative(landing_file)
            previous = None if reload_all else known.get(relative)
            size, modified_ns, sha256 = fingerprint(landing_file.path, previous)
            action = action_for(previous, sha256)
            plans.append(
                _FilePlan(landing_file, relative, previous, action, size, modified_ns, sha256)
            )
        return plans

    def table(
        self, landing_table: LandingTable, known: dict[str, FileRecord], reload_all: bool
    ) -> None:
        table = landing_table.table
        present = _column_types(self.con, RAW_SCHEMA, table.raw_relation)
        expected = [*table.column_names, "_loaded_at", "_source_file", "_source_row"]
        # A new raw table, or one whose columns the contract changed, is read whole.
        reload_all = reload_all or list(present) != expected
        plans = self.plan(landing_table, known, reload_all)
        to_read = [p for p in plans if p.action != "unchanged"]
        for kept in (p for p in plans if p.action == "unchanged" and p.previous is not None):
            self.report.files.append(carried_over(kept.previous, "unchanged", kept.modified_ns))
        if reload_all:
            types = _create_raw_table(
                self.con, landing_table, [self.raw_types(p.landing_file) for p in plans]
            )
            self.con.execute(
                f"delete from {REJECTED_TABLE} where table_path = $t", {"t": table.path}
            )
            self.reloaded.add(table.path)
        else:
            types = _widen_for(
                self.con, landing_table, present, [self.raw_types(p.landing_file) for p in to_read]
            )
        for plan in to_read:
            self.read(landing_table, plan, types)
        if len(plans) > len(to_read):
            self.progress(
                f"ingest {table.path}: {len(plans) - len(to_read)} unchanged file(s) not read again"
            )

    def read(self, landing_table: LandingTable, plan: _FilePlan, types: dict[str, str]) -> None:
        table = landing_table.table
        if plan.action == "changed":
            self.con.execute(
                f"delete from {REJECTED_TABLE} where file_path = $f", {"f": plan.relative}
            )
        started = time.perf_counter()
        # A distinct, increasing stamp per file makes "the latest load" well defined.
        loaded_at = self.stamp + timedelta(milliseconds=self.order)
        self.order += 1
        rows_loaded, rows_rejected = _load_file(
            self.con,
            landing_table,
            plan.landing_file,
            plan.relative,
            types,
            self.file_types(plan.landing_file),
            loaded_at,
            self.report.run_id,
            replaces_earlier=plan.action == "changed",
        )
        self.report.files.append(
            FileRecord(
                table_path=table.path,
                file_path=plan.relative,
                file_format=plan.landing_file.format,
                bytes=plan.size,
                sha256=plan.sha256,
                rows_loaded=rows_loaded,
                rows_rejected=rows_rejected,
                loaded_at=loaded_at,
                modified_ns=plan.modified_ns,
                load_action=plan.action,
            )
        )
        self.progress(
            f"ingest {table.path}: {plan.action} file {plan.relative}, {rows_loaded:,} rows "
            f"in {time.perf_counter() - started:.1f} s ({len(self.report.read_files)} read "
            "tonight)"
        )

    def missing(self, known: dict[str, FileRecord], seen: set[str]) -> None:
        for path, record in sorted(known.items()):
            if path not in seen and record.table_path not in self.reloaded:
                self.report.files.append(carried_over(record, "missing", record.modified_ns))
                self.report.warnings.append(
                    f"{path} is no longer in the landing: its {record.rows_loaded} row(s) "
                    "loaded earlier are kept"
                )

    def record(self) -> None:
        self.con.execute(f"create or replace table {FILES_TABLE} ({FILES_COLUMNS})")
        for record in sorted(self.report.files, key=lambda r: r.file_path):
            self.con.execute(
                f"insert into {FILES_TABLE} values ($run_id, $table_path, $file_path, "
                "$file_format, $bytes, $sha256, $rows_loaded, $rows_rejected, $loaded_at, "
                "$modified_ns, $load_action)",
                record.as_row(self.report.run_id),
            )
        self.con.execute(f"insert into {HISTORY_TABLE} by name select * from {FILES_TABLE}")


def ingest_landing(
    db_path: Path,
    landing_dir: Path,
    run_id: str,
    started_at: datetime,
    full_refresh: bool = False,
    progress: Progress | None = None,
) -> LoadReport:
    """Check the landing against the contract, then bring `raw` up to it in one transaction.

    Only new and changed files are read (see cs_analytics/landing/manifest.py);
    `full_refresh` reads every file into a fresh `raw`. A landing that breaks
    the contract raises LandingError before anything is written, so the
    previous raw data and everything built on it stay intact.
    """
    tables, warnings = discover_landing(landing_dir)
    report = LoadReport(run_id=run_id, warnings=warnings)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with connect_working_db(db_path) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("begin transaction")
        _prepare_schemas(con)
        known = None if full_refresh else previous_files(con)
        report.full_refresh = known is None
        ingestion = _Ingestion(con, landing_dir, report, progress or (lambda _: None), started_at)
        for landing_table in tables:
            ingestion.table(landing_table, known or {}, reload_all=known is None)
        if known is not None:
            ingestion.missing(known, {r.file_path for r in report.files})
        ingestion.record()
        con.execute("commit")
    for landing_table in tables:
        path = landing_table.table.path
        report.rows_per_table[path] = sum(
            f.rows_loaded
            for f in report.files
            if f.table_path == path and f.load_action != "missing"
        )
    rejected = report.rows_rejected
    if rejected:
        report.warnings.append(f"{rejected} malformed CSV line(s) quarantined in {REJECTED_TABLE}")
    return report
