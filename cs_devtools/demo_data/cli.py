"""Command line: `python -m cs_devtools.demo_data [--preset NAME] [--accounts N ...] --out DIR`."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cs_devtools.demo_data.generate import (
    DEFAULT_ACCOUNTS,
    DEFAULT_SEED,
    DEFAULT_START,
    add_day,
    generate,
)
from cs_devtools.demo_data.presets import PRESETS


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def _density(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {text}")
    return value


def yesterday_utc() -> date:
    return datetime.now(UTC).date() - timedelta(days=1)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m cs_devtools.demo_data",
        description="Write a synthetic landing folder (docs/landing_contract.md) plus _truth/.",
    )
    p.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        help="a named size: sets the defaults of --accounts, --start, --end and "
        "--usage-density, Parquet and --month-stable ("
        + "; ".join(f"{p.name}: {p.purpose}" for p in PRESETS.values())
        + ")",
    )
    p.add_argument("--accounts", type=int, help=f"default {DEFAULT_ACCOUNTS}")
    p.add_argument(
        "--start", type=_date, help=f"first day of the simulated window (default {DEFAULT_START})"
    )
    p.add_argument("--end", type=_date, help="last day exported (default: yesterday, UTC)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--out", type=Path, required=True, help="landing folder to (re)write")
    p.add_argument("--dirty", action="store_true", help="plant defects (see _truth/defects.json)")
    p.add_argument("--format", choices=("csv", "parquet"), help="default csv (presets: parquet)")
    p.add_argument(
        "--usage-density",
        type=_density,
        help="scale of the usage events per account-day (default 1.0)",
    )
    p.add_argument(
        "--month-stable",
        action="store_true",
        help="event files whose closed months keep their bytes as the landing grows",
    )
    p.add_argument(
        "--add-day",
        action="store_true",
        help="move the landing already in --out one day on, rewriting only the files "
        "that change (the other options are ignored: they come from its manifest)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.add_day:
        summary = add_day(args.out)
        print(f"{summary.line()} -> {args.out}")
        return 0
    preset = PRESETS.get(args.preset) if args.preset else None
    accounts = args.accounts or (preset.accounts if preset else DEFAULT_ACCOUNTS)
    start = args.start or (preset.start if preset else DEFAULT_START)
    end = args.end or (preset.end if preset else yesterday_utc())
    fmt = args.format or ("parquet" if preset else "csv")
    density = args.usage_density or (preset.usage_density if preset else 1.0)
    summary = generate(
        args.out,
        accounts,
        start,
        end,
        args.seed,
        args.dirty,
        fmt,
        usage_density=density,
        month_stable=args.month_stable or preset is not None,
    )
    print(f"{summary.line()} -> {args.out}")
    return 0
