"""Our side: the landing ingested, then the dbt MRR chain built and timed.

dbt runs as a subprocess with its own profiles, target and log folders, so a
benchmark never touches the project's manifest or warehouse.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cs_analytics.landing.loader import ingest_landing
from cs_analytics.settings import DBT_EXECUTABLE, PROJECT_DIR, RunSettings
from cs_devtools.benchmark.landing import Landing
from cs_devtools.benchmark.reference import MonthTotals
from cs_devtools.benchmark.timing import Seconds, children_cpu, timed

MRR_MARTS: tuple[str, ...] = ("fct_mrr", "fct_mrr_movements", "rpt_mrr_bridge")
DBT_RUNS = 2
EXCLUDE_TESTS = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")


@dataclass(frozen=True)
class ModelsRun:
    """One `dbt build` of the chain without tests."""

    seconds: Seconds
    model_seconds: dict[str, float]
    # dbt's own "Finished running … in X s": the models' execution, without
    # dbt's fixed start-up (Python imports, manifest, artifacts).
    models_elapsed: float


@dataclass(frozen=True)
class DbtTimes:
    """Seconds per step; None = skipped. Model seconds come from dbt's run_results.

    `runs` are the builds of the chain without tests: the first into the
    freshly ingested database, the others rebuilding it as the nightly does.
    The figures are the best of them (by wall time), as the reference's are
    the best of its runs.
    """

    ingest: Seconds
    runs: list[ModelsRun]
    build_with_tests: Seconds | None

    @property
    def best(self) -> ModelsRun:
        return min(self.runs, key=lambda run: run.seconds.wall)

    @property
    def models(self) -> Seconds:
        return self.best.seconds

    @property
    def model_seconds(self) -> dict[str, float]:
        return self.best.model_seconds

    @property
    def models_elapsed(self) -> float:
        return self.best.models_elapsed


@dataclass(frozen=True)
class PipelineOptions:
    with_tests: bool = True
    dbt_timeout: float | None = None
    dbt_runs: int = DBT_RUNS


class DbtFailed(RuntimeError):
    """dbt failed (e.g. out of memory) or ran past --dbt-timeout.

    The size is then reported as not completed rather than with a number, and
    the other sizes still run.
    """

    def __init__(self, status: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def present_marts() -> list[str]:
    """The MRR marts that exist in this checkout (the benchmark predates some of them)."""
    return [
        name for name in MRR_MARTS if (PROJECT_DIR / "models" / "marts" / f"{name}.sql").exists()
    ]


def _settings(landing: Landing, workdir: Path) -> RunSettings:
    return RunSettings(
        landing_dir=landing.root,
        warehouse_path=workdir / "bench.duckdb",
        report_dir=workdir / "reports",
        reporting_timezone="UTC",
        reporting_currency="USD",
        as_of_date=landing.as_of,
        uses_demo_landing=False,
    )


def _profiles_dir(workdir: Path) -> Path:
    """A private profiles.yml (the example one): paths come from DBT_DUCKDB_PATH."""
    folder = workdir / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_DIR / "profiles.example.yml", folder / "profiles.yml")
    return folder


def run_dbt(
    args: list[str], workdir: Path, settings: RunSettings, timeout: float | None
) -> Seconds:
    """Run dbt with its own target and log folders, so the project's manifest is untouched."""
    env = dict(os.environ)
    env.update(settings.dbt_env())
    env["DBT_PROFILES_DIR"] = str(_profiles_dir(workdir))
    folders = ["--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    started, cpu_started = time.perf_counter(), children_cpu()
    try:
        done = subprocess.run(
            [DBT_EXECUTABLE, *args, *folders],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise DbtFailed(
            "timeout", f"dbt {args[0]} did not finish within {timeout:.0f} s"
        ) from error
    seconds = Seconds(time.perf_counter() - started, children_cpu() - cpu_started)
    if done.returncode != 0:
        errors = [line for line in done.stdout.splitlines() if "Error" in line]
        raise DbtFailed("failed", f"dbt {args[0]} failed: " + " | ".join(errors[:6]))
    return seconds


def model_seconds(workdir: Path) -> tuple[dict[str, float], float]:
    """Per-model execution seconds of the last dbt invocation (where the time
    goes), and the seconds dbt spent running them all."""
    run_results = json.loads((workdir / "target" / "run_results.json").read_text())
    per_model = {
        r["unique_id"].rsplit(".", 1)[-1]: float(r["execution_time"])
        for r in run_results["results"]
        if r["unique_id"].startswith("model.")
    }
    return per_model, float(run_results["elapsed_time"])


def time_pipeline(
    landing: Landing,
    workdir: Path,
    options: PipelineOptions,
    after_each_build: Callable[[], object] = lambda: None,
) -> tuple[DbtTimes, RunSettings]:
    """Ingestion, then the MRR chain's models (`options.dbt_runs` times), then
    the same chain with its tests.

    `after_each_build` runs between the builds (the benchmark times the
    reference there), so both sides are sampled across the same stretch of a
    machine whose speed drifts.
    """
    settings = _settings(landing, workdir)
    db = settings.working_db_path
    db.unlink(missing_ok=True)
    ingest = timed(
        lambda: ingest_landing(db, landing.root, run_id="bench", started_at=datetime.now(UTC))
    )
    select = ["--select", *(f"+{name}" for name in present_marts())]
    vars_ = ["--vars", settings.dbt_vars_json()]
    timeout = options.dbt_timeout
    run_dbt(["parse", "--quiet", *vars_], workdir, settings, None)  # untimed: not the chain
    runs = []
    for _ in range(options.dbt_runs):
        seconds = run_dbt(["build", *select, *vars_, *EXCLUDE_TESTS], workdir, settings, timeout)
        runs.append(ModelsRun(seconds, *model_seconds(workdir)))
        after_each_build()
    with_tests = None
    if options.with_tests:
        # Cautious: only tests whose every parent is in the chain (not e.g.
        # relationships to dim_accounts, which the chain does not build).
        cautious = ["--indirect-selection", "cautious"]
        with_tests = run_dbt(["build", *select, *vars_, *cautious], workdir, settings, timeout)
    return DbtTimes(ingest, runs, with_tests), settings


def pipeline_totals(settings: RunSettings) -> MonthTotals:
    with duckdb.connect(str(settings.working_db_path), read_only=True) as con:
        rows = con.execute(
            "select month, cast(sum(mrr) * 1000000 as hugeint), "
            "count(distinct account_id) filter (where mrr > 0) "
            "from marts.fct_mrr group by month"
        ).fetchall()
    return MonthTotals({m: int(v) for m, v, _ in rows}, {m: int(n) for m, _, n in rows})
