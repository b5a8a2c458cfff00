"""Our daily usage rollup against a plain DuckDB GROUP BY over the same landing files.

The rollup every usage reader starts from (int_usage__user_days: events per
account × user × local day of occurrence × local day of knowledge) is timed
by a dedicated dbt build of that one model with --full-refresh, on the
working database the nights left (its inputs are built): the node's own
execution seconds from dbt's run_results.json, without dbt's start-up, alone
on the machine as the reference is. The reference computes the same rollup
with one query straight from the landing's Parquet event files and writes
it into a DuckDB file in the working database's format (the model must
persist its result too). The two run in turns, and both tables must hold the
same rows, or the ratio means nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

import duckdb

from cs_analytics.settings import PROJECT_DIR, RunSettings
from cs_analytics.sql import quote_identifier, quote_literal
from cs_analytics.working_db import connect_working_db
from cs_devtools.benchmark.pipeline import DbtFailed, run_dbt
from cs_devtools.benchmark.timing import timed

ROLLUP_MODEL = "int_usage__user_days"
EVENTS_FOLDER = Path("usage") / "events"
COLUMNS = ("source_account_id", "user_id", "activity_date", "known_date", "event_count")

# The bench pins REPORTING_TIMEZONE=UTC, so a local day is the UTC date.
REFERENCE_SQL = """
create or replace table raw_user_days as
select
    account_id as source_account_id,
    user_id,
    cast(occurred_at as date) as activity_date,
    cast(coalesce(received_at, occurred_at) as date) as known_date,
    count(*) as event_count
from read_parquet($files)
where occurred_at is not null and coalesce(received_at, occurred_at) < $before
group by all
"""


@dataclass(frozen=True)
class RollupComparison:
    ours_seconds: list[float]  # node execution seconds of each dedicated build
    reference_seconds: list[float]  # wall seconds of each reference query
    rows: int
    differing_rows: int

    @property
    def ratio(self) -> float:
        return statistics.median(self.ours_seconds) / statistics.median(self.reference_seconds)

    @property
    def agrees(self) -> bool:
        return self.differing_rows == 0


def _event_files(landing: Path) -> list[str]:
    return [str(p) for p in sorted((landing / EVENTS_FOLDER).rglob("*.parquet"))]


def _reference_connection(database: Path) -> duckdb.DuckDBPyConnection:
    con = connect_working_db(database)
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"set memory_limit = '{os.environ.get('DUCKDB_MEMORY_LIMIT', '8GB')}'")
    return con


def _ours_once(workdir: Path, settings: RunSettings) -> float:
    run_dbt(
        ["run", "--select", ROLLUP_MODEL, "--full-refresh", "--vars", settings.dbt_vars_json()],
        workdir,
        settings,
        None,
    )
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    node = next(r for r in results if r["unique_id"].endswith(f".{ROLLUP_MODEL}"))
    if node["status"] != "success":
        raise DbtFailed("failed", f"{ROLLUP_MODEL}: {node.get('message')}")
    return float(node["execution_time"])


def _differing_rows(con: duckdb.DuckDBPyConnection, working_db: Path) -> int:
    """Rows in one table and not the other (multiset difference both ways)."""
    con.execute(f"attach {quote_literal(str(working_db))} as work (read_only)")
    try:
        schema = con.execute(
            "select schema_name from duckdb_tables() "
            "where database_name = 'work' and table_name = $name",
            {"name": ROLLUP_MODEL},
        ).fetchone()[0]
        columns = ", ".join(quote_identifier(c) for c in COLUMNS)
        ours = f"work.{quote_identifier(schema)}.{quote_identifier(ROLLUP_MODEL)}"
        return con.execute(
            f"select count(*) from ("
            f"(select {columns} from raw_user_days except all select {columns} from {ours}) "
            f"union all "
            f"(select {columns} from {ours} except all select {columns} from raw_user_days))"
        ).fetchone()[0]
    finally:
        con.execute("detach work")


def compare_usage_rollup(workdir: Path, settings: RunSettings, runs: int) -> RollupComparison:
    """`runs` dedicated builds of the rollup and `runs` reference queries, in turns."""
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "target").mkdir(parents=True)
    # dbt may reuse the project's parse (it re-parses by itself when that no longer fits).
    partial_parse = PROJECT_DIR / "target" / "partial_parse.msgpack"
    if partial_parse.is_file():
        shutil.copy(partial_parse, workdir / "target")
    before = datetime.combine(settings.as_of_date, time(), tzinfo=UTC)
    params = {"files": _event_files(settings.landing_dir), "before": before}
    ours, reference = [], []
    with _reference_connection(workdir / "reference.duckdb") as con:
        for _ in range(runs):
            reference.append(timed(lambda: con.execute(REFERENCE_SQL, params)).wall)
            ours.append(_ours_once(workdir, settings))
        rows = con.execute("select count(*) from raw_user_days").fetchone()[0]
        differing = _differing_rows(con, settings.working_db_path)
    (workdir / "reference.duckdb").unlink(missing_ok=True)
    return RollupComparison(ours, reference, rows, differing)


def rollup_model_exists() -> bool:
    """The project may rename or split the rollup; the bench then says so and skips it."""
    return any((PROJECT_DIR / "models").rglob(f"{ROLLUP_MODEL}.sql"))
