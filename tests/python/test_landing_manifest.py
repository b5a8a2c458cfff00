"""Nightly ingestion by file manifest (docs/landing_contract.md, "Nightly ingestion").

A night reads only what is new: unchanged files are not read again, a new file
is appended, a changed file's rows are replaced, a file that disappeared keeps
its rows and is reported, and FULL_REFRESH reads everything again.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from cs_analytics.landing.loader import ingest_landing
from tests.python.landing_builder import write_minimal_landing

NIGHT = datetime(2024, 6, 1, tzinfo=UTC)


def night(landing: Path, db: Path, number: int, full_refresh: bool = False):
    return ingest_landing(
        db,
        landing,
        run_id=f"night-{number}",
        started_at=NIGHT + timedelta(days=number),
        full_refresh=full_refresh,
    )


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def write_events(
    path: Path, ids: list[str], occurred: datetime | None = datetime(2024, 2, 1, 9)
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.table(
            {
                "event_id": ids,
                "account_id": ["acc_1"] * len(ids),
                "user_id": ["u1"] * len(ids),
                "event_name": ["cms.login"] * len(ids),
                "occurred_at": pa.array([occurred] * len(ids), pa.timestamp("us", tz="UTC")),
                "received_at": pa.array([None] * len(ids), pa.timestamp("us", tz="UTC")),
            }
        ),
        path,
    )


def actions(db: Path) -> dict[str, str]:
    return dict(query(db, "select file_path, load_action from raw.landing_files"))


def event_rows(db: Path) -> list[tuple]:
    return query(db, "select event_id, _source_file from raw.usage__events order by 1, 2")


def test_a_night_reads_only_new_and_changed_files(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    events = landing / "usage" / "events"
    db = tmp_path / "w.duckdb"
    write_events(events / "day=2024-02-01.parquet", ["e1", "e2"])
    first = night(landing, db, 1)
    assert {f.load_action for f in first.files} == {"new"}

    second = night(landing, db, 2)
    assert second.read_files == []
    assert set(actions(db).values()) == {"unchanged"}
    assert event_rows(db) == [
        ("e1", "usage/events/day=2024-02-01.parquet"),
        ("e2", "usage/events/day=2024-02-01.parquet"),
    ]

    write_events(events / "day=2024-02-02.parquet", ["e3"])
    third = night(landing, db, 3)
    assert [(f.file_path, f.load_action) for f in third.read_files] == [
        ("usage/events/day=2024-02-02.parquet", "new")
    ]
    assert [r[0] for r in event_rows(db)] == ["e1", "e2", "e3"]
    stamps = query(
        db, "select _source_file, min(_loaded_at) from raw.usage__events group by 1 order by 2"
    )
    # Tonight's file is a later load than every file of earlier nights.
    assert [s[0] for s in stamps] == [
        "usage/events/day=2024-02-01.parquet",
        "usage/events/day=2024-02-02.parquet",
    ]


def test_a_changed_file_replaces_its_rows_and_a_missing_file_keeps_them(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    events = landing / "usage" / "events"
    db = tmp_path / "w.duckdb"
    write_events(events / "day=2024-02-01.parquet", ["e1", "e2"])
    write_events(events / "day=2024-02-02.parquet", ["e3"])
    night(landing, db, 1)

    # A corrected partition: e2 withdrawn, e4 added.
    write_events(events / "day=2024-02-01.parquet", ["e1", "e4"])
    (events / "day=2024-02-02.parquet").unlink()
    report = night(landing, db, 2)
    event_actions = {p: a for p, a in actions(db).items() if p.startswith("usage/events")}
    assert event_actions == {
        "usage/events/day=2024-02-01.parquet": "changed",
        "usage/events/day=2024-02-02.parquet": "missing",
    }
    assert [r[0] for r in event_rows(db)] == ["e1", "e3", "e4"]
    assert any("day=2024-02-02.parquet is no longer in the landing" in w for w in report.warnings)
    history = query(
        db,
        "select run_id, load_action from audit.landing_file_history "
        "where file_path = 'usage/events/day=2024-02-02.parquet' order by run_id",
    )
    assert history == [("night-1", "new"), ("night-2", "missing")]


def test_an_unchanged_file_is_not_hashed_again_but_a_rewritten_one_is(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    target = landing / "usage" / "events" / "day=2024-02-01.parquet"
    db = tmp_path / "w.duckdb"
    write_events(target, ["e1"])
    night(landing, db, 1)
    # Same bytes rewritten later: hashed again (time moved), found unchanged.
    data = target.read_bytes()
    target.write_bytes(data)
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    night(landing, db, 2)
    assert actions(db)["usage/events/day=2024-02-01.parquet"] == "unchanged"


def test_full_refresh_reads_every_file_again(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    events = landing / "usage" / "events"
    db = tmp_path / "w.duckdb"
    write_events(events / "day=2024-02-01.parquet", ["e1"])
    write_events(events / "day=2024-02-02.parquet", ["e2"])
    night(landing, db, 1)
    (events / "day=2024-02-02.parquet").unlink()
    report = night(landing, db, 2, full_refresh=True)
    assert report.full_refresh
    assert {f.load_action for f in report.files} == {"new"}
    # A full refresh is the landing as it is: the vanished file's rows go.
    assert [r[0] for r in event_rows(db)] == ["e1"]


def test_a_text_file_turns_a_typed_column_into_text(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    events = landing / "usage" / "events"
    db = tmp_path / "w.duckdb"
    write_events(events / "day=2024-02-01.parquet", ["e1"])
    night(landing, db, 1)
    (events / "day=2024-02-02.csv").write_text(
        "event_id,account_id,user_id,event_name,occurred_at,received_at\n"
        "e2,acc_1,u1,cms.login,2024-02-02T09:00:00Z,\n"
    )
    night(landing, db, 2)
    rows = query(
        db, "select event_id, occurred_at, typeof(occurred_at) from raw.usage__events order by 1"
    )
    assert rows == [
        ("e1", "2024-02-01 09:00:00", "VARCHAR"),
        ("e2", "2024-02-02T09:00:00Z", "VARCHAR"),
    ]


def test_a_database_without_a_manifest_is_loaded_whole(tmp_path: Path) -> None:
    landing = write_minimal_landing(tmp_path / "landing")
    db = tmp_path / "w.duckdb"
    night(landing, db, 1)
    with duckdb.connect(str(db)) as con:
        con.execute("alter table raw.landing_files drop column load_action")
    report = night(landing, db, 2)
    assert report.full_refresh
    assert {f.load_action for f in report.files} == {"new"}
    assert query(db, "select count(*) from raw.crm__accounts") == [(1,)]
