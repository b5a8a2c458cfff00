"""Command line: `python -m cs_devtools.benchmark --accounts N [--accounts M ...]`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from cs_devtools.benchmark.pipeline import DBT_RUNS, PipelineOptions
from cs_devtools.benchmark.report import format_footnote, format_slowest, format_table
from cs_devtools.benchmark.run import bench_one


def _at_least_one(text: str) -> int:
    runs = int(text)
    if runs < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {runs}")
    return runs


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m cs_devtools.benchmark",
        description="Time the dbt MRR chain against a plain DuckDB query on synthetic data.",
    )
    parser.add_argument(
        "--accounts",
        type=int,
        action="append",
        help="accounts to generate; repeat for several sizes (default 100000)",
    )
    parser.add_argument("--months", type=int, default=60, help="months of history (default 60)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="keep landings and databases under this folder")
    parser.add_argument(
        "--skip-tests", action="store_true", help="time the models only, not the build with tests"
    )
    parser.add_argument(
        "--dbt-timeout", type=float, help="give up on a size when one dbt build exceeds this (s)"
    )
    parser.add_argument(
        "--dbt-runs",
        type=_at_least_one,
        default=DBT_RUNS,
        help=f"builds of the chain, the best one counts (default {DBT_RUNS})",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
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
