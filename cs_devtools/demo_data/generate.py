"""Orchestration: simulate, cut at the end date, write the landing and its truth.

`generate` always writes into a temporary sibling folder and swaps it in at the
end, so an interrupted run never leaves a half-written landing behind.
`ensure_demo_landing` regenerates only when the recorded arguments, the
generator version or the covered end date no longer fit.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from cs_analytics.landing.contract import TABLES
from cs_devtools.demo_data import activity, billing, crm, dirty, truth, usage
from cs_devtools.demo_data.catalog import GENERATOR_VERSION
from cs_devtools.demo_data.fx import fx_table
from cs_devtools.demo_data.lifecycle import SIM_YEARS, simulate_entities
from cs_devtools.demo_data.timeutil import SECONDS_PER_DAY, add_months, day_of
from cs_devtools.demo_data.writer import write_events_parquet, write_parquet, write_table

DEFAULT_START = date(2023, 1, 1)
DEFAULT_ACCOUNTS = 500
DEFAULT_SEED = 42
MANIFEST = "generator_manifest.json"
EVENTS_PATH = "usage/events"


@dataclass
class GenerationSummary:
    rows: dict[str, int] = field(default_factory=dict)
    events: int = 0
    seconds: float = 0.0
    events_per_second: float = 0.0

    def line(self) -> str:
        other = sum(n for p, n in self.rows.items() if p != EVENTS_PATH)
        return (
            f"generated {self.events:,} usage events and {other:,} other rows in "
            f"{len(self.rows)} tables in {self.seconds:.2f}s "
            f"({self.events_per_second:,.0f} events/s)"
        )


def _check_args(accounts: int, start: date, end: date, fmt: str) -> None:
    if accounts < 1:
        raise ValueError("--accounts must be at least 1")
    if end < start:
        raise ValueError(f"--end {end} is before --start {start}")
    if day_of(end) >= add_months(day_of(start), 12 * SIM_YEARS):
        raise ValueError(f"--end must be within {SIM_YEARS} years of --start")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"--format must be csv or parquet, not {fmt!r}")


def generate(
    out_dir: Path,
    accounts: int,
    start: date,
    end: date,
    seed: int,
    dirty: bool = False,
    fmt: str = "csv",
) -> GenerationSummary:
    """Write a complete landing folder (and `_truth/`) to `out_dir`, replacing it.

    Same arguments give byte-identical files (the manifest's timings aside), and
    the rows of any day do not depend on `end`.
    """
    _check_args(accounts, start, end, fmt)
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / "_truth" / MANIFEST).exists():
        raise FileExistsError(
            f"{out_dir} is not empty and holds no generated landing; refusing to replace it"
        )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        summary = _generate_into(tmp, accounts, start, end, seed, dirty, fmt)
        _swap(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


def _swap(tmp: Path, out_dir: Path) -> None:
    """Replace out_dir by tmp with renames (a directory cannot be os.replace'd over)."""
    if out_dir.exists():
        old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out_dir)


def _generate_into(
    out: Path, accounts: int, start: date, end: date, seed: int, dirty_mode: bool, fmt: str
) -> GenerationSummary:
    t0 = time.perf_counter()
    start_day, end_day = day_of(start), day_of(end)
    end_sec = (end_day + 1) * SECONDS_PER_DAY
    out.mkdir(parents=True)
    log = dirty.DefectLog()

    entities = simulate_entities(seed, accounts, start_day)
    users = [e for e in entities if e.is_crm and e.created_day <= end_day]
    pools = [usage.build_user_pool(seed, e, start_day) for e in users]
    event_log = dirty.DefectLog()
    # Parquet writes release the GIL: one background writer overlaps them with
    # the generation of the next month and of the other tables.
    with ThreadPoolExecutor(max_workers=1) as writer:
        n_events, pending = _write_events(
            out,
            seed,
            users,
            pools,
            start_day,
            end_day,
            end_sec,
            event_log if dirty_mode else None,
            writer,
        )
        tables = _side_tables(seed, entities, start_day, end_day)
        tables["usage/users"] = usage.users_table(pools, [e.account_id for e in users], end_day)
        if dirty_mode:
            dirty.conflicting_accounts(seed, tables["crm/accounts"], end_day, log)
            dirty.exact_duplicates(seed, "crm/activities", tables["crm/activities"], log)
            dirty.drop_fx_day(tables["billing/fx_rates"], start_day, end_day, log)
        rows: dict[str, int] = {}
        for table in TABLES:
            if table.path == EVENTS_PATH:
                continue
            cols = tables[table.path]
            path = write_table(out, table, cols, fmt)
            rows[table.path] = len(next(iter(cols.values())))
            if dirty_mode and fmt == "csv" and table.path == "support/tickets":
                dirty.malform_csv(path, table.path, log)
        rows[EVENTS_PATH] = n_events
        for job in pending:
            job.result()
    log.merge(event_log)

    tdir = out / "_truth"
    write_parquet(truth.mrr_truth(entities, start_day, end_day), tdir / "mrr.parquet")
    write_parquet(truth.lifecycle_truth(entities, end_day), tdir / "lifecycle_events.parquet")
    write_parquet(truth.accounts_truth(entities, end_day), tdir / "accounts.parquet")
    if dirty_mode:
        (tdir / "defects.json").write_text(json.dumps(log.to_json(), indent=2) + "\n")
    seconds = time.perf_counter() - t0
    summary = GenerationSummary(
        rows, n_events, round(seconds, 3), round(n_events / seconds if seconds > 0 else 0.0, 1)
    )
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "arguments": {
            "accounts": accounts,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "seed": seed,
            "dirty": dirty_mode,
            "format": fmt,
        },
        "row_counts": rows,
        "events": n_events,
        "seconds": summary.seconds,
        "events_per_second": summary.events_per_second,
    }
    (tdir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return summary


def _side_tables(
    seed: int,
    entities: list,
    start_day: int,
    end_day: int,
) -> dict[str, dict[str, list]]:
    """Every table except usage/users and usage/events, cut at `end_day`."""
    tables: dict[str, dict[str, list]] = {}
    tables["crm/users"] = crm.assign_team(seed, entities)
    tables["crm/accounts"] = crm.accounts_table(entities, end_day)
    tables["crm/contacts"], contact_ids = crm.contacts_table(seed, entities, start_day, end_day)
    tables["crm/opportunities"] = crm.opportunities_table(entities, end_day)
    tables["crm/churn_reasons"] = crm.churn_reasons_table(entities, end_day)
    tables["crm/activities"] = activity.activities_table(seed, entities, start_day, end_day)
    tables["crm/nps_responses"] = activity.nps_table(
        seed, entities, contact_ids, start_day, end_day
    )
    tables["crm/onboarding_milestones"] = activity.onboarding_table(seed, entities, end_day)
    tables["support/tickets"] = activity.tickets_table(seed, entities, start_day, end_day)
    tables.update(billing.catalog_tables())
    tables.update(billing.subscription_tables(entities, end_day))
    tables.update(billing.money_tables(entities, seed, end_day))
    tables["billing/fx_rates"] = fx_table(seed, start_day - 3 * 365 - 31, end_day)
    return tables


def _write_events(
    out: Path,
    seed: int,
    users: list,
    pools: list[usage.UserPool],
    start_day: int,
    end_day: int,
    end_sec: int,
    log: dirty.DefectLog | None,
    writer: ThreadPoolExecutor,
) -> tuple[int, list[Future]]:
    """usage/events/month=YYYY-MM/part-0.parquet for every month of [start, end].

    Returns the event count and the writes still running on `writer`.
    """
    st = usage.daily_state(seed, users, pools, start_day, end_day)
    account_ids = pa.array([e.account_id for e in users], pa.string())
    user_ids = pa.array([u for p in pools for u in p.user_ids], pa.string())
    entity_index = np.array([e.index for e in users], dtype=np.int64)
    folder = out / EVENTS_PATH
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    jobs: list[Future] = []
    for month_no, (key, d0, d1) in enumerate(usage.month_ranges(start_day, end_day)):
        events = usage.month_events(seed, st, account_ids, user_ids, entity_index, d0, d1, end_sec)
        resent = None
        if log is not None:
            events, resent = dirty.dirty_events(seed, month_no, d0, d1, events, end_sec, log)
        jobs.append(
            writer.submit(write_events_parquet, events, folder / f"month={key}" / "part-0.parquet")
        )
        total += events.num_rows
        if resent is not None:
            jobs.append(
                writer.submit(
                    write_events_parquet, resent, folder / f"month={key}" / "part-1-resent.parquet"
                )
            )
            total += resent.num_rows
        while len(jobs) > 24:  # bound memory: wait for the oldest writes
            jobs.pop(0).result()
    return total, jobs


# ---------------------------------------------------------------- ensure
def read_manifest(out_dir: Path) -> dict | None:
    try:
        return json.loads((Path(out_dir) / "_truth" / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def ensure_demo_landing(
    out_dir: Path,
    as_of_date: date,
    accounts: int = DEFAULT_ACCOUNTS,
    seed: int = DEFAULT_SEED,
    start: date = DEFAULT_START,
) -> bool:
    """Make `out_dir` a clean CSV demo landing covering the day before `as_of_date`.

    Regenerates (to end = as_of_date - 1 day) when there is no manifest, when the
    recorded arguments or GENERATOR_VERSION differ, or when the recorded end is
    before as_of_date - 1 day; otherwise leaves the folder alone. Returns whether
    it (re)generated.
    """
    end = as_of_date - timedelta(days=1)
    m = read_manifest(out_dir)
    if m is not None:
        args = m.get("arguments", {})
        same = (
            m.get("generator_version") == GENERATOR_VERSION
            and args.get("accounts") == accounts
            and args.get("seed") == seed
            and args.get("start") == start.isoformat()
            and args.get("dirty") is False
            and args.get("format") == "csv"
        )
        if same and date.fromisoformat(args["end"]) >= end:
            return False
    generate(Path(out_dir), accounts, start, end, seed)
    return True
