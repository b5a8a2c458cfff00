"""One size end to end: landing, reference, the dbt builds, and whether they agree."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from cs_devtools.benchmark.landing import Landing, build_landing
from cs_devtools.benchmark.pipeline import (
    DbtFailed,
    DbtTimes,
    PipelineOptions,
    pipeline_totals,
    present_marts,
    time_pipeline,
)
from cs_devtools.benchmark.reference import (
    MICRO,
    MonthTotals,
    time_reference,
    time_reference_with_totals,
)
from cs_devtools.benchmark.timing import Seconds


def disagreements(reference: MonthTotals, ours: MonthTotals) -> list[str]:
    """Months whose MRR differs by a cent or more, or whose paying accounts differ."""
    problems = []
    for month in sorted(set(reference.mrr_micro) | set(ours.mrr_micro)):
        ref, got = reference.mrr_micro.get(month, 0), ours.mrr_micro.get(month, 0)
        if abs(ref - got) >= MICRO // 100:
            problems.append(
                f"{month}: MRR reference {ref / MICRO:.6f} vs fct_mrr {got / MICRO:.6f}"
            )
        ref_n, got_n = reference.accounts.get(month, 0), ours.accounts.get(month, 0)
        if ref_n != got_n:
            problems.append(f"{month}: paying accounts reference {ref_n} vs fct_mrr {got_n}")
    return problems


@dataclass(frozen=True)
class Result:
    landing: Landing
    reference: Seconds
    totals: MonthTotals
    times: DbtTimes | None
    problems: list[str]
    build_seconds: float
    failure: str | None = None  # "timeout" or "failed" when dbt did not complete
    reference_on_disk: Seconds | None = None  # the plain query writing into a file
    # In time order: the best of the runs before the builds, then one after each.
    reference_runs: list[Seconds] = field(default_factory=list)

    @property
    def paired_ratios(self) -> list[float]:
        """Each build's wall time over the mean of the reference runs around it.

        The machine's speed drifts by 10-20 % over a long benchmark (the
        reference's runs after the builds are often slower than those before),
        so the best of each side alone can pit a build against the reference
        on a faster stretch. Pairing each build with the reference runs just
        before and after it compares the two on the same stretch of machine.
        The first build's "before" is the best initial run, the figure least
        favourable to the models.
        """
        if self.times is None:
            return []
        around = pairwise(self.reference_runs)
        return [
            run.seconds.wall / ((before.wall + after.wall) / 2)
            for run, (before, after) in zip(self.times.runs, around, strict=True)
        ]


@contextmanager
def _workdir(keep: Path | None, accounts: int) -> Iterator[Path]:
    if keep is not None:
        path = keep / f"accounts_{accounts}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="cs_bench_") as folder:
        yield Path(folder)


def bench_one(
    accounts: int, months: int, seed: int, keep: Path | None, options: PipelineOptions
) -> Result:
    with _workdir(keep, accounts) as workdir:
        started = time.perf_counter()
        landing = build_landing(workdir / "landing", accounts, months, seed)
        build_seconds = time.perf_counter() - started
        _log(f"{accounts} accounts: landing written in {build_seconds:.1f} s ({landing.root})")
        reference_runs: list[Seconds] = []
        reference, totals = time_reference_with_totals(landing)
        reference_runs.append(reference)
        on_disk = time_reference(landing, database=workdir / "reference.duckdb")
        _log(
            f"  reference query {reference.wall:.2f} s (CPU {reference.cpu:.2f} s), "
            f"into a file {on_disk.wall:.2f} s, {totals.account_months} account-months"
        )
        if not present_marts():
            _log("  models/marts/fct_mrr.sql is missing: only the reference query was timed")
            return Result(
                landing, reference, totals, None, [], build_seconds, reference_on_disk=on_disk
            )
        try:
            times, settings = time_pipeline(
                landing,
                workdir,
                options,
                after_each_build=lambda: reference_runs.append(time_reference(landing, 1)),
            )
        except DbtFailed as error:
            _log(f"  {error}")
            return Result(
                landing,
                reference,
                totals,
                None,
                [str(error)],
                build_seconds,
                error.status,
                reference_on_disk=on_disk,
            )
        problems = disagreements(totals, pipeline_totals(settings))
        reference = Seconds.best(reference_runs)
        builds = ", ".join(
            f"{run.seconds.wall:.1f} s (nodes {run.models_elapsed:.1f} s, "
            f"CPU {run.seconds.cpu:.1f} s)"
            for run in times.runs
        )
        _log(f"  ingest {times.ingest.wall:.1f} s, dbt models {builds}")
        _log(
            "  reference after each build: "
            + ", ".join(f"{r.wall:.2f} s" for r in reference_runs[1:])
        )
        result = Result(
            landing,
            reference,
            totals,
            times,
            problems,
            build_seconds,
            reference_on_disk=on_disk,
            reference_runs=reference_runs,
        )
        _log("  paired models/ref: " + ", ".join(f"{x:.2f}x" for x in result.paired_ratios))
        return result


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
