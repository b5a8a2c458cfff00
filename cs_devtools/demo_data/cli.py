"""Command line: `python -m cs_devtools.demo_data --accounts N --start ... --out DIR`."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cs_devtools.demo_data.generate import (
    DEFAULT_ACCOUNTS,
    DEFAULT_SEED,
    DEFAULT_START,
    generate,
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def yesterday_utc() -> date:
    return datetime.now(UTC).date() - timedelta(days=1)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m cs_devtools.demo_data",
        description="Write a synthetic landing folder (docs/landing_contract.md) plus _truth/.",
    )
    p.add_argument("--accounts", type=int, default=DEFAULT_ACCOUNTS)
    p.add_argument(
        "--start",
        type=_date,
        default=DEFAULT_START,
        help=f"first day of the simulated window (default {DEFAULT_START})",
    )
    p.add_argument(
        "--end", type=_date, default=None, help="last day exported (default: yesterday, UTC)"
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--out", type=Path, required=True, help="landing folder to (re)write")
    p.add_argument("--dirty", action="store_true", help="plant defects (see _truth/defects.json)")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    end = args.end or yesterday_utc()
    summary = generate(args.out, args.accounts, args.start, end, args.seed, args.dirty, args.format)
    print(f"{summary.line()} -> {args.out}")
    return 0
