"""What `make bench` prints: one row per size, the footnote that reads it, the slowest models."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date

from cs_devtools.benchmark.pipeline import present_marts
from cs_devtools.benchmark.reference import REFERENCE_REPEATS
from cs_devtools.benchmark.run import Result

TABLE_HEADER: tuple[str, ...] = (
    "accounts",
    "acct-months",
    "item versions",
    "reference s",
    "ref to file s",
    "ingest s",
    "dbt models s",
    "dbt nodes s",
    "dbt +tests s",
    "models/ref",
    "paired models/ref",
    "nodes/ref",
    "models/ref to file",
    "(ingest+models)/ref",
    "ref CPU s",
    "dbt CPU s",
    "CPU models/ref",
    "agree",
)


def table_row(r: Result) -> tuple[str, ...]:
    t = r.times
    on_disk = r.reference_on_disk
    cells = [f"{r.landing.accounts:,}", f"{r.totals.account_months:,}"]
    cells += [f"{r.landing.item_versions:,}", f"{r.reference.wall:.2f}"]
    cells.append("-" if on_disk is None else f"{on_disk.wall:.2f}")
    if t is None:
        cells += ["-", r.failure or "-"] + ["-"] * 7 + [f"{r.reference.cpu:.2f}"] + ["-"] * 3
        return tuple(cells)
    cells += [f"{t.ingest.wall:.1f}", f"{t.models.wall:.1f}", f"{t.models_elapsed:.1f}"]
    cells.append("-" if t.build_with_tests is None else f"{t.build_with_tests.wall:.1f}")
    cells += [
        f"{t.models.wall / r.reference.wall:.1f}x",
        f"{min(r.paired_ratios):.1f}x",
        f"{t.models_elapsed / r.reference.wall:.1f}x",
        "-" if on_disk is None else f"{t.models.wall / on_disk.wall:.1f}x",
        f"{(t.ingest.wall + t.models.wall) / r.reference.wall:.1f}x",
        f"{r.reference.cpu:.2f}",
        f"{t.models.cpu:.1f}",
        f"{t.models.cpu / r.reference.cpu:.1f}x",
        "yes" if not r.problems else f"NO ({len(r.problems)})",
    ]
    return tuple(cells)


def format_table(results: Sequence[Result]) -> str:
    rows = [TABLE_HEADER, *(table_row(r) for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_HEADER))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_slowest(result: Result, top: int = 6) -> str:
    """Where the models-only build spends its time: the first place to optimise."""
    if result.times is None:
        return ""
    ranked = sorted(result.times.model_seconds.items(), key=lambda kv: -kv[1])[:top]
    total = sum(result.times.model_seconds.values())
    cells = ", ".join(f"{name} {seconds:.1f}" for name, seconds in ranked)
    return (
        f"{result.landing.accounts:,} accounts, slowest models (s; all models {total:.1f}): {cells}"
    )


def format_footnote(months: int, seed: int, as_of: date, dbt_runs: int) -> str:
    """How to read the table: what each column measured, and on what."""
    return (
        f"\nmonths={months} seed={seed} as_of={as_of}; "
        f"reference = best of {REFERENCE_REPEATS} runs of the plain query before the dbt "
        "builds and one after each, its result in memory (ref to file: the same query "
        "writing its result into a DuckDB file, as the models must); dbt models = wall "
        f"time of the best of {dbt_runs} runs of "
        f"`dbt build --select {' '.join('+' + m for m in present_marts())}` without tests "
        "(the first into the freshly ingested database, then rebuilding it as the nightly "
        "does; models/ref, target <= 3x); paired = the lowest over the builds of one's "
        "wall time over the mean of the reference runs just before and after it (the "
        "machine's speed drifts over the run, so the best of each side alone may pit them "
        "against different speeds); dbt nodes "
        "= the part of it dbt spent running the models (its 'Finished running' time, "
        "without dbt's fixed start-up), and with tests; CPU = user + system seconds of "
        "all threads (the dbt subprocess, the reference's own process), steadier than "
        "wall time when other work shares the machine; agree = MRR per month equal to "
        "the cent and the same paying accounts per month. DuckDB memory_limit="
        f"{os.environ.get('DUCKDB_MEMORY_LIMIT', '8GB')} (DUCKDB_MEMORY_LIMIT), dbt threads="
        f"{os.environ.get('DBT_THREADS', '2')} (DBT_THREADS), {os.cpu_count()} CPUs."
    )
