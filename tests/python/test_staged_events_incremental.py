"""stg_usage__events night after night: only new rows are staged, and a changed file's rows too.

Each night ingests the landing (only new and changed files are read) and
builds the staged events incrementally; after every night they must equal a
full build of the same raw rows.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from cs_analytics.landing.loader import ingest_landing
from cs_analytics.settings import DBT_EXECUTABLE, PROJECT_DIR
from tests.python.conftest import dbt_env
from tests.python.landing_builder import write_minimal_landing
from tests.python.test_landing_manifest import write_events

NIGHT = datetime(2024, 6, 1, tzinfo=UTC)
STAGED = "select event_id, received_at, _source_file from staging.stg_usage__events order by 1"


def build_staged(db: Path, full_refresh: bool = False, succeeds: bool = True) -> str:
    args = [DBT_EXECUTABLE, "build", "--select", "stg_usage__events", "--exclude-resource-type"]
    args += ["unit_test", "--vars", json.dumps({"as_of_date": "2024-06-30"})]
    args += ["--target-path", str(db.parent / "target")]
    done = subprocess.run(
        [*args, *(["--full-refresh"] if full_refresh else [])],
        cwd=PROJECT_DIR,
        env=dbt_env(DBT_DUCKDB_PATH=str(db)),
        capture_output=True,
        text=True,
    )
    assert (done.returncode == 0) == succeeds, done.stdout[-3000:]
    return done.stdout


def staged(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(STAGED).fetchall()


def night(landing: Path, db: Path, number: int) -> list[tuple]:
    ingest_landing(db, landing, f"night-{number}", NIGHT + timedelta(days=number))
    build_staged(db)
    incremental = staged(db)
    full = db.with_name(f"full-{number}.duckdb")
    full.write_bytes(db.read_bytes())
    build_staged(full, full_refresh=True)
    assert incremental == staged(full), f"night {number}: incremental differs from full"
    return incremental


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return write_minimal_landing(tmp_path / "landing")


def test_staged_events_follow_new_changed_and_vanished_rows(landing: Path, tmp_path: Path) -> None:
    events = landing / "usage" / "events"
    db = tmp_path / "w.duckdb"
    write_events(events / "month=2024-02.parquet", ["e1", "e2"])
    assert [r[0] for r in night(landing, db, 1)] == ["e1", "e2"]

    # The month grows by a day, and a re-sent copy of e1 arrives in a file of its own.
    write_events(events / "month=2024-02.parquet", ["e1", "e2", "e3"])
    write_events(events / "resent-1.parquet", ["e1"])
    rows = night(landing, db, 2)
    assert [(r[0], r[2]) for r in rows] == [
        ("e1", "usage/events/month=2024-02.parquet"),
        ("e2", "usage/events/month=2024-02.parquet"),
        ("e3", "usage/events/month=2024-02.parquet"),
    ]
    with duckdb.connect(str(db), read_only=True) as con:
        stamps = con.execute(
            "select count(distinct _loaded_at) from raw.usage__events "
            "where _source_file = 'usage/events/month=2024-02.parquet'"
        ).fetchone()
    # e1 and e2 kept their first load; only e3 is tonight's.
    assert stamps == (2,)

    # A correction withdraws e1 and e2 from the month: e1 survives in the re-sent file.
    write_events(events / "month=2024-02.parquet", ["e3"])
    rows = night(landing, db, 3)
    assert [(r[0], r[2]) for r in rows] == [
        ("e1", "usage/events/resent-1.parquet"),
        ("e3", "usage/events/month=2024-02.parquet"),
    ]


def test_a_night_looks_for_earlier_copies_inside_the_late_arrival_window(
    landing: Path, tmp_path: Path
) -> None:
    events = landing / "usage" / "events"
    db = tmp_path / "w.duckdb"
    write_events(events / "month=2024-02.parquet", ["e1"])
    write_events(events / "undated-1.parquet", ["e2"], occurred=None)
    night(landing, db, 1)

    # Tonight's earliest event occurred on 20 May: the lookup reads the staged
    # events from 17 May on (late_arrival_window_days: 3), and undated ones.
    write_events(events / "month=2024-05.parquet", ["e3"], occurred=datetime(2024, 5, 20))
    write_events(events / "undated-2.parquet", ["e2"], occurred=None)
    assert [r[0] for r in night(landing, db, 2)] == ["e1", "e2", "e3"]

    # A copy of e1 that moved it to 20 May leaves its February copy outside
    # the window: two rows for e1, which the night's unique test stops on,
    # and which a full refresh merges.
    write_events(events / "moved-3.parquet", ["e1"], occurred=datetime(2024, 5, 20))
    ingest_landing(db, landing, "night-3", NIGHT + timedelta(days=3))
    failed = build_staged(db, succeeds=False)
    assert "FAIL 1 unique_stg_usage__events_event_id" in failed
    build_staged(db, full_refresh=True)
    assert [r[0] for r in staged(db)] == ["e1", "e2", "e3"]

    # A re-sent event repeats its occurred_at: found however old it is.
    write_events(events / "resent-4.parquet", ["e1", "e3"])
    assert [r[0] for r in night(landing, db, 4)] == ["e1", "e2", "e3"]
