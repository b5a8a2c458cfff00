"""Run metadata: which night ran, when, with what outcome, checks and row counts.

Kept in schema `run_metadata`, never in `marts` (docs/marts_interface.md): the
marts of two runs on the same landing and AS_OF_DATE stay identical while
each run's id and times differ.

- The working database holds the history of every run (`running` when it
  starts, then `succeeded` or `failed` with the failing checks). A run killed
  mid-way stays `running`: the next run's history shows it.
- The published file holds the record of the run that built its marts
  (status `published`), written into the staged file before the atomic
  rename, so BI always sees the provenance of exactly the marts it reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from cs_analytics.working_db import connect_working_db

SCHEMA = "run_metadata"

_TABLES = {
    "runs": """
        run_id varchar primary key, as_of_date date, reporting_timezone varchar,
        reporting_currency varchar, started_at timestamp, finished_at timestamp,
        status varchar, failed_checks varchar, failure_message varchar
    """,
    "mart_row_counts": "run_id varchar, mart varchar, row_count bigint",
    "check_results": """
        run_id varchar, check_name varchar, asset_key varchar, passed boolean,
        severity varchar, description varchar
    """,
}


@dataclass(frozen=True)
class CheckRecord:
    check_name: str
    asset_key: str
    passed: bool
    severity: str
    description: str = ""


@dataclass
class RunRecord:
    run_id: str
    as_of_date: date
    reporting_timezone: str
    reporting_currency: str
    started_at: datetime
    status: str
    finished_at: datetime | None = None
    failure_message: str | None = None
    rows_per_mart: dict[str, int] = field(default_factory=dict)
    checks: list[CheckRecord] = field(default_factory=list)

    @property
    def failed_checks(self) -> list[str]:
        return sorted({c.check_name for c in self.checks if not c.passed})


def write_run_record(con: duckdb.DuckDBPyConnection, record: RunRecord) -> None:
    """Insert or replace the run's rows (idempotent on run_id).

    Row counts recorded earlier in the run (by the publish step) are kept when
    `record` has none.
    """
    con.execute(f"create schema if not exists {SCHEMA}")
    for name, columns in _TABLES.items():
        con.execute(f"create table if not exists {SCHEMA}.{name} ({columns})")
        if name != "mart_row_counts" or record.rows_per_mart:
            con.execute(
                f"delete from {SCHEMA}.{name} where run_id = $run_id", {"run_id": record.run_id}
            )
    con.execute(
        f"insert into {SCHEMA}.runs values ($run_id, $as_of_date, $timezone, $currency, "
        "$started_at, $finished_at, $status, $failed_checks, $failure_message)",
        {
            "run_id": record.run_id,
            "as_of_date": record.as_of_date,
            "timezone": record.reporting_timezone,
            "currency": record.reporting_currency,
            "started_at": record.started_at,
            "finished_at": record.finished_at,
            "status": record.status,
            "failed_checks": json.dumps(record.failed_checks) if record.checks else None,
            "failure_message": record.failure_message,
        },
    )
    if record.rows_per_mart:
        con.executemany(
            f"insert into {SCHEMA}.mart_row_counts values (?, ?, ?)",
            [[record.run_id, mart, rows] for mart, rows in sorted(record.rows_per_mart.items())],
        )
    if record.checks:
        con.executemany(
            f"insert into {SCHEMA}.check_results values (?, ?, ?, ?, ?, ?)",
            [
                [record.run_id, c.check_name, c.asset_key, c.passed, c.severity, c.description]
                for c in sorted(record.checks, key=lambda c: (c.asset_key, c.check_name))
            ],
        )


def record_run(db_path: Path, record: RunRecord) -> None:
    """Write `record` into the run history of the database at `db_path`."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with connect_working_db(db_path) as con:
        con.execute("begin transaction")
        write_run_record(con, record)
        con.execute("commit")


def append_failure_log(path: Path, record: RunRecord) -> None:
    """One JSON line per failed run, readable without DuckDB (e.g. by an alerting job)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {
        "run_id": record.run_id,
        "as_of_date": record.as_of_date.isoformat(),
        "started_at": record.started_at.isoformat(),
        "finished_at": record.finished_at.isoformat() if record.finished_at else None,
        "status": record.status,
        "failed_checks": record.failed_checks,
        "failure_message": record.failure_message,
    }
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, sort_keys=True) + "\n")
