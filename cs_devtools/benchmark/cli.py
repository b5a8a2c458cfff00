"""Command line of `make bench` and `make bench-mrr`.

`python -m cs_devtools.benchmark --preset small|medium|large`: two whole
nights at a demo preset (`nightly`); without `--preset`, the MRR chain
against its plain query, `--accounts N [--accounts M ...]`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from cs_analytics.settings import PROJECT_DIR
from cs_devtools.benchmark.nightly import BENCH_PLANS, bench_preset
from cs_devtools.benchmark.pipeline import DBT_RUNS, PipelineOptions
from cs_devtools.benchmark.report import format_footnote, format_slowest, format_table
from cs_devtools.benchmark.results import append_result, format_report, read_results
from cs_devtools.benchmark.run import bench_one
from cs_devtools.demo_data.presets import PRESETS


def _at_least_one(text: str) -> int:
    runs = int(text)
    if runs < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {runs}")
    return runs


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m cs_devtools.benchmark",
        description="With --preset: a full and an incremental night at a demo preset's size. "
        "Without: time the dbt MRR chain against a plain DuckDB query on synthetic data.",
    )
    nights = parser.add_argument_group("nights at a preset (make bench PRESET=...)")
    nights.add_argument("--preset", choices=sorted(PRESETS))
    nights.add_argument(
        "--bench-dir",
        type=Path,
        default=PROJECT_DIR / "bench",
        help="landings and warehouses go to <bench-dir>/<preset>/ (default bench/)",
    )
    nights.add_argument(
        "--results",
        type=Path,
        default=PROJECT_DIR / "bench_results.json",
        help="append the run's object here (default bench_results.json)",
    )
    nights.add_argument(
        "--repeats",
        type=_at_least_one,
        help="runs of the short comparisons (default per preset: "
        + ", ".join(f"{n} {p.repeats}" for n, p in BENCH_PLANS.items())
        + ")",
    )
    nights.add_argument(
        "--regenerate", action="store_true", help="generate the landing even when cached"
    )
    mrr = parser.add_argument_group("the MRR chain alone (make bench-mrr BENCH_ARGS=...)")
    mrr.add_argument(
        "--accounts",
        type=int,
        action="append",
        help="accounts to generate; repeat for several sizes (default 100000)",
    )
    mrr.add_argument("--months", type=int, default=60, help="months of history (default 60)")
    mrr.add_argument("--seed", type=int, default=42)
    mrr.add_argument("--keep", type=Path, help="keep landings and databases under this folder")
    mrr.add_argument(
        "--skip-tests", action="store_true", help="time the models only, not the build with tests"
    )
    mrr.add_argument(
        "--dbt-timeout", type=float, help="give up on a size when one dbt build exceeds this (s)"
    )
    mrr.add_argument(
        "--dbt-runs",
        type=_at_least_one,
        default=DBT_RUNS,
        help=f"builds of the chain, the best one counts (default {DBT_RUNS})",
    )
    return parser.parse_args(argv)


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def preset_main(args: argparse.Namespace) -> int:
    preset = PRESETS[args.preset]
    plan = BENCH_PLANS[preset.name]
    if args.repeats:
        plan = replace(plan, repeats=args.repeats)
    # absolute: the nights run with these paths in their environment (Dagster requires it)
    folder, results = (args.bench_dir / preset.name).resolve(), args.results.resolve()
    earlier = read_results(results)
    record = bench_preset(preset, plan, folder, args.regenerate, _say)
    results.parent.mkdir(parents=True, exist_ok=True)
    append_result(results, record)
    print(format_report(record, earlier, results))
    return 1 if record["failed"] else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.preset:
        return preset_main(args)
    options = PipelineOptions(
        with_tests=not args.skip_tests, dbt_timeout=args.dbt_timeout, dbt_runs=args.dbt_runs
    )
    results = [
        bench_one(accounts, args.months, args.seed, args.keep, options)
        for accounts in (args.accounts or [100_000])
    ]
    print(format_table(results))
    print(format_footnote(args.months, args.seed, results[0].landing.as_of, args.dbt_runs))
    for result in results:
        if result.times is not None:
            print(format_slowest(result))
    failed = [r for r in results if r.problems]
    for r in failed:
        print(f"\n{r.landing.accounts} accounts: not comparable or fct_mrr disagrees:")
        print("\n".join(f"  {p}" for p in r.problems[:20]))
    return 1 if failed else 0
