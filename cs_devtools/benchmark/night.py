"""One whole nightly, as `make run` runs it, in its own process: seconds, memory, steps.

The night runs `python -m orchestration.run` with the bench folder's landing,
warehouse, reports and Dagster home, so nothing of the project's own warehouse
is touched. Its output goes to a log file; every few seconds a line says how
long it has run, which step it is in and how much memory its processes hold.
Afterwards the Dagster run's step durations are read from the bench's Dagster
home, and dbt's node timings from the run's `run_results.json`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef

from cs_analytics.settings import PROJECT_DIR
from cs_devtools.benchmark.memory import PeakMemory
from cs_devtools.demo_data.progress import duration

HEARTBEAT_SECONDS = 10.0
_RUN_ID = re.compile(r"\(run ([0-9a-f-]{36})\)")
# dbt's own lines while it builds: "200 of 440 START sql incremental model ..."
_DBT_NODE = re.compile(r"^(\d+) of (\d+) ", re.MULTILINE)
# Settings a caller's shell may hold that would change what the night does.
_UNSET = ("FULL_REFRESH", "DBT_DUCKDB_PATH", "DBT_TARGET_PATH", "DBT_LOG_PATH")


@dataclass(frozen=True)
class NightPaths:
    """Where a bench night reads and writes (all inside one bench folder)."""

    landing: Path
    warehouse: Path
    reports: Path
    dagster_home: Path
    logs: Path

    @staticmethod
    def inside(folder: Path) -> NightPaths:
        return NightPaths(
            landing=folder / "landing",
            warehouse=folder / "warehouse" / "cs_analytics.duckdb",
            reports=folder / "reports",
            dagster_home=folder / "dagster_home",
            logs=folder / "logs",
        )

    @property
    def working_db(self) -> Path:
        return self.warehouse.with_name(f"{self.warehouse.stem}.work.duckdb")

    def start_empty(self) -> None:
        """No working database, no published file, no Dagster history: a first night."""
        for folder in (self.warehouse.parent, self.reports, self.dagster_home, self.logs):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        shutil.copy(PROJECT_DIR / "orchestration" / "dagster.yaml", self.dagster_home)


@dataclass
class Night:
    """What one nightly cost."""

    label: str
    as_of: date
    returncode: int
    seconds: float
    peak_rss_bytes: int
    log: Path
    run_id: str | None = None
    step_seconds: dict[str, float] = field(default_factory=dict)
    node_seconds: dict[str, float] = field(default_factory=dict)
    run_results: Path | None = None

    @property
    def succeeded(self) -> bool:
        return self.returncode == 0

    def failure(self, lines: int = 15) -> str:
        """The end of the night's output, which names what failed."""
        tail = self.log.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(tail)


def nights_dbt_threads(
    preset_threads: int | None, environ: Mapping[str, str] = os.environ
) -> int | None:
    """The nights' DBT_THREADS: the shell's, else the preset's; None: the profile's default."""
    configured = environ.get("DBT_THREADS") or preset_threads
    return int(configured) if configured else None


def night_env(paths: NightPaths, as_of: date, dbt_threads: int | None = None) -> dict[str, str]:
    """The environment `make run` reads, pinned to UTC and USD, in the bench folder.

    `dbt_threads` is the preset's DBT_THREADS, unless the caller's shell sets one.
    """
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    threads = nights_dbt_threads(dbt_threads, env)
    if threads is not None:
        env["DBT_THREADS"] = str(threads)
    env.update(
        {
            "LANDING_DIR": str(paths.landing),
            "WAREHOUSE_PATH": str(paths.warehouse),
            "REPORT_DIR": str(paths.reports),
            "AS_OF_DATE": as_of.isoformat(),
            "REPORTING_TIMEZONE": "UTC",
            "REPORTING_CURRENCY": "USD",
            "DAGSTER_HOME": str(paths.dagster_home),
            "DBT_PROFILES_DIR": env.get("DBT_PROFILES_DIR", str(PROJECT_DIR)),
            "GX_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
        }
    )
    return env


def run_night(
    label: str,
    paths: NightPaths,
    as_of: date,
    say: Callable[[str], None],
    dbt_threads: int | None = None,
) -> Night:
    """Run one nightly to its end; `say` receives the heartbeat lines."""
    log = paths.logs / f"night-{label}.log"
    before = _latest_run_id(paths.dagster_home)
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.run"],
            cwd=PROJECT_DIR,
            env=night_env(paths, as_of, dbt_threads),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        with PeakMemory(process.pid) as memory:
            while process.poll() is None:
                try:
                    process.wait(HEARTBEAT_SECONDS)
                except subprocess.TimeoutExpired:
                    step = _where(paths.dagster_home, before, log)
                    say(
                        f"{label} night: {duration(time.perf_counter() - started)}, "
                        f"step {step}, {memory.current / 2**20:,.0f} MB resident "
                        f"(peak {memory.peak / 2**20:,.0f} MB)"
                    )
    night = Night(label, as_of, process.returncode, time.perf_counter() - started, memory.peak, log)
    match = _RUN_ID.search(log.read_text(errors="replace"))
    night.run_id = match.group(1) if match else _latest_run_id(paths.dagster_home)
    if night.run_id:
        night.step_seconds = dagster_step_seconds(paths.dagster_home, night.run_id)
        night.run_results = _keep_dbt_target(night.run_id, paths.logs / f"dbt-{label}")
        if night.run_results is not None:
            night.node_seconds = dbt_node_seconds(night.run_results)
    return night


def _where(dagster_home: Path, before: str | None, log: Path, tail_bytes: int = 16_384) -> str:
    """The step running now (from the Dagster event log), with dbt's node count in dbt.

    `before` is the latest run before this night's (its steps are not this night's).
    """
    try:
        with _instance(dagster_home) as instance:
            runs = [r for r in instance.get_runs(limit=1) if r.run_id != before]
            stats = instance.get_run_step_stats(runs[0].run_id) if runs else []
    except Exception:  # a heartbeat must never stop the night it reports on
        stats = []
    running = [s.step_key for s in stats if s.end_time is None]
    step = running[-1] if running else "starting" if not stats else "between steps"
    if step != "dbt":
        return step
    with log.open("rb") as handle:
        handle.seek(max(0, log.stat().st_size - tail_bytes))
        nodes = _DBT_NODE.findall(handle.read().decode(errors="replace"))
    return f"dbt (node {nodes[-1][0]} of {nodes[-1][1]})" if nodes else step


def _instance(dagster_home: Path) -> DagsterInstance:
    return DagsterInstance.from_ref(InstanceRef.from_dir(str(dagster_home)))


def _latest_run_id(dagster_home: Path) -> str | None:
    with _instance(dagster_home) as instance:
        runs = instance.get_runs(limit=1)
        return runs[0].run_id if runs else None


def dagster_step_seconds(dagster_home: Path, run_id: str) -> dict[str, float]:
    """Seconds of each step of the run, from the Dagster event log."""
    with _instance(dagster_home) as instance:
        return {
            stats.step_key: stats.end_time - stats.start_time
            for stats in instance.get_run_step_stats(run_id)
            if stats.start_time is not None and stats.end_time is not None
        }


def _keep_dbt_target(run_id: str, destination: Path) -> Path | None:
    """Move the night's dbt target folder into the bench folder; its run_results.json."""
    # Imported here: the module reads the dbt manifest, which the first night writes.
    from orchestration.assets.dbt import night_target_path

    build = night_target_path(run_id, environ={})  # the night ran without DBT_TARGET_PATH
    if not build.is_dir():
        return None
    shutil.rmtree(destination, ignore_errors=True)
    shutil.move(build, destination)
    results = destination / "run_results.json"
    return results if results.is_file() else None


def dbt_node_seconds(run_results: Path) -> dict[str, float]:
    """Execution seconds of each model, seed and snapshot of a dbt invocation."""
    results = json.loads(run_results.read_text())["results"]
    return {
        r["unique_id"].split(".", 2)[-1]: float(r["execution_time"])
        for r in results
        if r["unique_id"].split(".", 1)[0] in ("model", "seed", "snapshot")
    }
