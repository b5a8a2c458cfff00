"""`make bench PRESET=...`: a whole night at a preset's size, then the next night.

In order, in one run, in the preset's bench folder (`bench/<preset>/`):

1. the preset's Parquet landing, generated, or reused when the cached one's
   manifest has the preset's arguments (moved back to the preset's end date
   if an earlier bench left it a day later);
2. the full night: `python -m orchestration.run` from an empty working
   database, AS_OF_DATE the day after the landing's end, publish included;
3. one day added to the landing (only the files that change are rewritten);
4. the incremental night, AS_OF_DATE one day later, on the kept working database;
5. the disk size of the working database and of the published warehouse;
6. the usage rollup against a plain GROUP BY over the landing (usage_rollup);
7. the MRR chain against its plain query (the existing benchmark, `run.bench_one`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cs_analytics.settings import PROJECT_DIR, RunSettings
from cs_devtools.benchmark.memory import PeakMemory
from cs_devtools.benchmark.night import Night, NightPaths, nights_dbt_threads, run_night
from cs_devtools.benchmark.pipeline import DbtFailed, PipelineOptions
from cs_devtools.benchmark.run import bench_one
from cs_devtools.benchmark.usage_rollup import (
    ROLLUP_MODEL,
    compare_usage_rollup,
    rollup_model_exists,
)
from cs_devtools.demo_data import GENERATOR_VERSION, LandingArgs, add_day, recut
from cs_devtools.demo_data.generate import read_manifest
from cs_devtools.demo_data.presets import Preset
from cs_devtools.demo_data.progress import Progress

Say = Callable[[str], None]
MRR_MONTHS = 60
LARGEST_STEPS = 10
GENERATION_RECORD = "generation.json"  # beside the landing: what generating it cost


@dataclass(frozen=True)
class BenchPlan:
    """The comparisons' sizes and repeats at one preset."""

    mrr_accounts: int  # the MRR benchmark's synthetic company
    repeats: int  # MRR chain builds (best counts) and rollup pairs (median counts)
    dbt_threads: int | None = None  # the nights' DBT_THREADS; None: the profile's default


BENCH_PLANS: dict[str, BenchPlan] = {
    "small": BenchPlan(mrr_accounts=2_000, repeats=1),
    "medium": BenchPlan(mrr_accounts=100_000, repeats=3),
    # Two dbt threads ran two of the 300 M-event nodes at once, out of DuckDB's
    # 8 GB (the staged events' unique test beside a health component's full
    # build); one thread lets each use both cores and the whole limit.
    "large": BenchPlan(mrr_accounts=1_000_000, repeats=2, dbt_threads=1),
}


# ---------------------------------------------------------------- landing
def _cached(landing: Path, preset: Preset) -> dict | None:
    manifest = read_manifest(landing)
    if manifest is None or manifest.get("generator_version") != GENERATOR_VERSION:
        return None
    try:
        args = LandingArgs.from_json(manifest["arguments"])
    except (KeyError, TypeError, ValueError):
        return None
    return manifest if args == preset.args else None


def prepare_landing(preset: Preset, folder: Path, regenerate: bool, say: Say) -> dict:
    """The preset's landing at its end date; returns how it was obtained and what it cost."""
    landing = folder / "landing"
    record_path = folder / GENERATION_RECORD
    manifest = None if regenerate else _cached(landing, preset)
    if manifest is not None:
        end = manifest["arguments"]["end"]
        if end != preset.end.isoformat():
            say(f"landing cached at {end}: moving it back to {preset.end}")
            recut(landing, preset.end, Progress("bench"))
        say(f"reusing the cached landing in {landing} (its manifest matches the preset)")
        if record_path.is_file():
            return {**json.loads(record_path.read_text()), "landing": "reused"}
        return {
            "generate_s": manifest.get("seconds"),
            "generate_peak_rss_mb": None,
            "landing": "reused",
        }
    say(
        f"generating the {preset.name} landing: {preset.accounts:,} accounts, "
        f"{preset.start}..{preset.end}, usage density {preset.usage_density}"
    )
    record_path.unlink(missing_ok=True)
    command = [sys.executable, "-m", "cs_devtools.demo_data", "--preset", preset.name]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--out", str(landing)], cwd=PROJECT_DIR, stdout=subprocess.PIPE, text=True
    )
    with PeakMemory(process.pid) as memory:
        summary, _ = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"generating the {preset.name} landing failed")
    say(summary.strip())
    manifest = read_manifest(landing) or {}
    record = {
        "generate_s": manifest.get("seconds", round(time.perf_counter() - started, 3)),
        "generate_peak_rss_mb": round(memory.peak / 2**20),
    }
    record_path.write_text(json.dumps(record, indent=2) + "\n")
    return {**record, "landing": "generated"}


# ---------------------------------------------------------------- measures
def largest_steps(night: Night, top: int = LARGEST_STEPS) -> list[dict]:
    """The night's Dagster steps (checks summed per suite family) and dbt nodes, longest first."""
    steps: dict[str, float] = {}
    for key, seconds in night.step_seconds.items():
        family = next((f for f in ("gx_raw", "gx_mart") if f"_{f}_" in key), None)
        name = f"step {family.replace('_', ' ')} checks" if family else f"step {key}"
        steps[name] = steps.get(name, 0.0) + seconds
    steps.update({f"dbt {node}": seconds for node, seconds in night.node_seconds.items()})
    ranked = sorted(steps.items(), key=lambda kv: -kv[1])[:top]
    return [{"step": name, "seconds": round(seconds, 2)} for name, seconds in ranked]


def _file_bytes(path: Path) -> int:
    wal = path.with_name(path.name + ".wal")
    return sum(p.stat().st_size for p in (path, wal) if p.is_file())


def _folder_bytes(folder: Path) -> int:
    if not folder.exists():
        return 0
    root = folder.resolve()
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def disk_sizes(paths: NightPaths) -> dict[str, int]:
    warehouse = paths.warehouse
    return {
        "working_db_bytes": _file_bytes(paths.working_db),
        "published_bytes": _file_bytes(warehouse),
        "published_parquet_bytes": _folder_bytes(warehouse.with_name(f"{warehouse.stem}_parquet")),
    }


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() or None


def _machine() -> dict:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cpus": os.cpu_count(), "memory_gb": round(memory / 2**30, 1)}


def _settings(paths: NightPaths, night: Night) -> RunSettings:
    return RunSettings(
        landing_dir=paths.landing,
        warehouse_path=paths.warehouse,
        report_dir=paths.reports,
        reporting_timezone="UTC",
        reporting_currency="USD",
        as_of_date=night.as_of,
        uses_demo_landing=False,
    )


def _ran(night: Night, say: Say) -> bool:
    peak = night.peak_rss_bytes / 2**20
    if night.succeeded:
        say(f"{night.label} night: {night.seconds:.1f}s, peak {peak:,.0f} MB resident")
        return True
    say(f"{night.label} night FAILED after {night.seconds:.1f}s; the end of {night.log}:")
    say(night.failure())
    return False


# ---------------------------------------------------------------- the run
def bench_preset(preset: Preset, plan: BenchPlan, folder: Path, regenerate: bool, say: Say) -> dict:
    """Every measure of one bench run, as the object appended to bench_results.json."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = NightPaths.inside(folder)
    record: dict = {
        "preset": preset.name,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": _git_commit(),
        **_machine(),
        "accounts": preset.accounts,
        "usage_density": preset.usage_density,
        "landing_start": preset.start.isoformat(),
        "landing_end": preset.end.isoformat(),
        "repeats": plan.repeats,
        "dbt_threads": nights_dbt_threads(plan.dbt_threads),
        "failed": None,
    }
    record.update(prepare_landing(preset, folder, regenerate, say))
    record["usage_events"] = (read_manifest(paths.landing) or {})["events"]

    paths.start_empty()
    as_of = preset.end + timedelta(days=1)
    say(f"full night: AS_OF_DATE={as_of}, empty working database (log: {paths.logs})")
    full = run_night("full", paths, as_of, say, plan.dbt_threads)
    record.update(
        full_build_s=round(full.seconds, 2),
        peak_rss_mb=round(full.peak_rss_bytes / 2**20),
        largest_steps=largest_steps(full),
    )
    if not _ran(full, say):
        record["failed"] = "full night"
        return record

    say("adding one day to the landing")
    added = add_day(paths.landing, Progress("bench"))
    say(added.line())
    record.update(
        usage_events_next_day=added.events,
        add_day_s=added.seconds,
        add_day_files_rewritten=len(added.rewritten),
    )
    say(f"incremental night: AS_OF_DATE={as_of + timedelta(days=1)}, kept working database")
    incremental = run_night("incremental", paths, as_of + timedelta(days=1), say, plan.dbt_threads)
    record.update(
        incremental_s=round(incremental.seconds, 2),
        incremental_over_full=round(incremental.seconds / full.seconds, 3),
        incremental_peak_rss_mb=round(incremental.peak_rss_bytes / 2**20),
        incremental_largest_steps=largest_steps(incremental),
    )
    if not _ran(incremental, say):
        record["failed"] = "incremental night"
        return record
    record.update(disk_sizes(paths))

    record.update(_rollup(folder, _settings(paths, incremental), plan, say))
    record.update(_mrr(plan, say))
    return record


def _rollup(folder: Path, settings: RunSettings, plan: BenchPlan, say: Say) -> dict:
    if not rollup_model_exists():
        say(f"{ROLLUP_MODEL} is not in this checkout: the usage rollup comparison is skipped")
        return {"usage_rollup_over_raw": None, "usage_rollup_agrees": None}
    say(
        f"usage rollup: {plan.repeats} x (plain GROUP BY over the landing files, "
        f"dbt run --select {ROLLUP_MODEL} --full-refresh)"
    )
    try:
        rollup = compare_usage_rollup(folder / "usage_rollup", settings, plan.repeats)
    except DbtFailed as error:
        say(f"usage rollup: {error}")
        return {"usage_rollup_over_raw": None, "usage_rollup_agrees": None}
    say(
        f"usage rollup: ours {', '.join(f'{s:.2f}' for s in rollup.ours_seconds)} s, "
        f"plain {', '.join(f'{s:.2f}' for s in rollup.reference_seconds)} s, "
        f"{rollup.rows:,} rows, {rollup.differing_rows} differing"
    )
    return {
        "usage_rollup_over_raw": round(rollup.ratio, 3),
        "usage_rollup_agrees": rollup.agrees,
        "usage_rollup_rows": rollup.rows,
        "usage_rollup_s": [round(s, 3) for s in rollup.ours_seconds],
        "usage_raw_group_by_s": [round(s, 3) for s in rollup.reference_seconds],
    }


def _mrr(plan: BenchPlan, say: Say) -> dict:
    say(f"MRR chain against its plain query: {plan.mrr_accounts:,} synthetic accounts")
    options = PipelineOptions(with_tests=False, dbt_runs=plan.repeats)
    result = bench_one(plan.mrr_accounts, MRR_MONTHS, 42, None, options)
    if result.times is None:
        return {
            "mrr_chain_over_reference": None,
            "mrr_chain_agrees": False,
            "mrr_accounts": plan.mrr_accounts,
        }
    return {
        "mrr_chain_over_reference": round(result.times.models.wall / result.reference.wall, 3),
        "mrr_chain_agrees": not result.problems,
        "mrr_accounts": plan.mrr_accounts,
        "mrr_chain_s": round(result.times.models.wall, 3),
        "mrr_reference_s": round(result.reference.wall, 3),
    }
