"""The nightly under reruns, re-sent files, a BI reader, a second nightly and SIGKILL.

Each test works on its own copy of the clean night's warehouse, so the shared
fixture stays as built. "Same marts" means the same ordered content hash over
every relation in schema `marts` (pipeline_helpers.marts_content_hash).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from cs_analytics.run_lock import nightly_lock
from cs_analytics.settings import PROJECT_DIR
from tests.python.pipeline_helpers import (
    AS_OF,
    copy_warehouse,
    digest,
    marts_content_hash,
    nightly_env,
    query,
    run_nightly,
    working_db,
)

pytestmark = pytest.mark.slow

BI_CONFIG = {"enable_external_access": False}

READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True, config={"enable_external_access": False})
    def state():
        run = con.execute("select run_id from run_metadata.runs").fetchone()[0]
        rows = con.execute("select count(*) from marts.fct_mrr").fetchone()[0]
        return f"{run} {rows}"
    print(state(), flush=True)
    sys.stdin.readline()
    print(state(), flush=True)
    """
)


def published_run_id(warehouse: Path) -> str:
    return query(warehouse, "select run_id from run_metadata.runs")[0][0]


def test_a_rerun_gives_identical_marts_while_a_bi_reader_holds_the_file_open(
    clean_landing: Path,
    clean_warehouse: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Publish renames a new file over the old: the reader keeps its snapshot, the night runs.

    The copied warehouse comes without its Parquet copies, so that rerun writes
    every mart; the next rerun finds nothing changed and writes nothing again.
    """
    warehouse = copy_warehouse(clean_warehouse, tmp_path / "warehouse")
    first_run = published_run_id(warehouse)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        before = reader.stdout.readline().split()
        assert before[0] == first_run
        assert run_nightly(monkeypatch, clean_landing, warehouse) == 0
        reader.stdin.write("go\n")
        reader.stdin.flush()
        # The open connection still reads the marts it opened, whole and unchanged.
        assert reader.stdout.readline().split() == before
    finally:
        reader.kill()
        reader.wait()
    second_run = published_run_id(warehouse)
    assert second_run != first_run
    assert marts_content_hash(warehouse) == marts_content_hash(clean_warehouse)
    history = query(working_db(warehouse), "select run_id, status from run_metadata.runs")
    assert (second_run, "succeeded") in history and (first_run, "succeeded") in history
    assert "publish: no earlier build to compare with, every mart is written" in (
        capsys.readouterr().err
    )

    assert run_nightly(monkeypatch, clean_landing, warehouse) == 0
    log = capsys.readouterr().err
    assert f"publish: writing what changed since build {second_run}" in log
    assert re.search(r"health history: [\d,]+ changed scores recorded in [\d.]+ s", log)
    marts = query(warehouse, "select table_name from duckdb_tables() where schema_name = 'marts'")
    for (mart,) in marts:
        assert re.search(rf"publish {mart}: [\d,]+ rows?; DuckDB file reused; Parquet reused", log)
    assert marts_content_hash(warehouse) == marts_content_hash(clean_warehouse)
    assert published_run_id(warehouse) not in (first_run, second_run)


def test_the_bi_connection_cannot_write_or_read_other_files(clean_warehouse: Path) -> None:
    with duckdb.connect(str(clean_warehouse), read_only=True, config=BI_CONFIG) as con:
        assert con.execute("select count(*) from marts.dim_build").fetchone() == (1,)
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("create table marts.evil (x int)")
        with pytest.raises(duckdb.PermissionException):
            con.execute("select * from read_csv('/etc/passwd')")
        with pytest.raises(duckdb.PermissionException):
            con.execute("copy marts.dim_build to '/tmp/leak.csv'")
        with pytest.raises(duckdb.Error):
            con.execute("set enable_external_access = true")


def test_a_resent_landing_file_changes_nothing(
    clean_landing: Path,
    clean_warehouse: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(clean_landing, landing, ignore=shutil.ignore_patterns("_truth"))
    resent = {
        "crm/accounts": landing / "crm" / "accounts.csv",
        "billing/subscription_items": landing / "billing" / "subscription_items.csv",
        "usage/events": sorted((landing / "usage" / "events").rglob("*.parquet"))[-1],
    }
    for table_path, original in resent.items():
        folder = landing / table_path
        if not folder.is_dir():
            folder.mkdir()
        shutil.copy2(original, folder / f"resent_{original.name}")
    warehouse = tmp_path / "warehouse" / "cs.duckdb"
    assert run_nightly(monkeypatch, landing, warehouse) == 0
    assert marts_content_hash(warehouse) == marts_content_hash(clean_warehouse)
    duplicates = dict(
        query(
            working_db(warehouse),
            "select table_path, exact_duplicate_rows from audit.audit_landing_reconciliation "
            "where exact_duplicate_rows > 0",
        )
    )
    assert set(duplicates) == set(resent)
    for table_path, original in resent.items():
        assert duplicates[table_path] == rows_in(original), table_path


def rows_in(path: Path) -> int:
    if path.suffix == ".parquet":
        return pq.read_metadata(path).num_rows
    return len(path.read_text().splitlines()) - 1


def test_a_second_nightly_on_the_same_warehouse_refuses_to_start(
    clean_landing: Path,
    clean_warehouse: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    warehouse = copy_warehouse(clean_warehouse, tmp_path / "warehouse")
    before = digest(warehouse)
    with nightly_lock(warehouse):
        assert run_nightly(monkeypatch, clean_landing, warehouse) == 1
    assert "another nightly run" in capsys.readouterr().err
    assert digest(warehouse) == before


def query_once_released(database: Path, sql: str, seconds: float = 30) -> list[tuple]:
    """`query`, once the killed processes have let go of the file.

    The signal reaches dbt's process with the rest of the group, but its lock on
    the working database goes only when it has exited, which the nightly's own
    exit does not wait for.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            return query(database, sql)
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_run_killed_mid_build_is_recovered_by_the_next(
    clean_landing: Path,
    clean_warehouse: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warehouse = copy_warehouse(clean_warehouse, tmp_path / "warehouse")
    before = digest(warehouse)
    env = {**os.environ, **nightly_env(clean_landing, warehouse)}
    env["DAGSTER_HOME"] = str(tmp_path / "dagster_home")
    Path(env["DAGSTER_HOME"]).mkdir()
    # Its own process group, killed as a whole the way a supervisor (systemd,
    # a container runtime, the OOM killer's cgroup) kills a job: the nightly
    # and its dbt subprocess die at once, mid-write.
    victim = subprocess.Popen(
        [sys.executable, "-m", "orchestration.run"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert victim.stdout is not None
    deadline = time.monotonic() + 240
    seen = []
    for line in victim.stdout:
        seen.append(line)
        # dbt is writing tables into the working database right now.
        if "START sql table model intermediate." in line or time.monotonic() > deadline:
            break
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    assert victim.returncode == -signal.SIGKILL
    assert any("START sql table model intermediate." in line for line in seen), seen[-20:]
    assert digest(warehouse) == before
    killed = query_once_released(working_db(warehouse), "select status from run_metadata.runs")
    assert ("running",) in killed

    assert run_nightly(monkeypatch, clean_landing, warehouse) == 0
    assert marts_content_hash(warehouse) == marts_content_hash(clean_warehouse)
    assert query(warehouse, "select as_of_date from marts.dim_build") == [(AS_OF,)]
    leftovers = [p.name for p in warehouse.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
