"""Orchestration: simulate, cut at the end date, write the landing and its truth.

`generate` always writes into a temporary sibling folder and swaps it in at the
end, so an interrupted run never leaves a half-written landing behind.
`recut` moves an existing landing to another end date (a new day, for the
next night) and rewrites only the files whose bytes change.
`ensure_demo_landing` regenerates only when the recorded arguments, the
generator version or the covered end date no longer fit.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cs_analytics.landing.contract import TABLES
from cs_devtools.demo_data import activity, billing, crm, dirty, truth, usage
from cs_devtools.demo_data.catalog import GENERATOR_VERSION
from cs_devtools.demo_data.fx import fx_table
from cs_devtools.demo_data.lifecycle import SIM_YEARS, simulate_entities
from cs_devtools.demo_data.progress import Progress
from cs_devtools.demo_data.timeutil import SECONDS_PER_DAY, add_months, date_of, day_of
from cs_devtools.demo_data.writer import write_events_parquet, write_parquet, write_table

DEFAULT_START = date(2023, 1, 1)
DEFAULT_ACCOUNTS = 500
DEFAULT_SEED = 42
MANIFEST = "generator_manifest.json"
EVENTS_PATH = "usage/events"
# Event writes still queued on the writer thread are held in memory: bound them.
MAX_PENDING_WRITES = 24
MAX_PENDING_EVENTS = 8_000_000


@dataclass(frozen=True)
class LandingArgs:
    """Everything a generated landing depends on besides its end date.

    `usage_density` scales the events of every account-day (1.0: the default
    demo); `month_stable` writes each month's event file with only the ids it
    uses, so a closed month keeps its bytes when later days add accounts (the
    default demo keeps the original layout, and so its bytes).
    """

    accounts: int
    start: date
    seed: int
    dirty: bool = False
    format: str = "csv"
    usage_density: float = 1.0
    month_stable: bool = False

    def to_json(self, end: date) -> dict:
        recorded = asdict(self)
        recorded["start"] = self.start.isoformat()
        return {**recorded, "end": end.isoformat()}

    @staticmethod
    def from_json(arguments: dict) -> LandingArgs:
        return LandingArgs(
            accounts=int(arguments["accounts"]),
            start=date.fromisoformat(arguments["start"]),
            seed=int(arguments["seed"]),
            dirty=bool(arguments["dirty"]),
            format=arguments["format"],
            usage_density=float(arguments.get("usage_density", 1.0)),
            month_stable=bool(arguments.get("month_stable", False)),
        )


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


@dataclass
class RecutSummary:
    """What moving a landing's end date rewrote (paths relative to the landing)."""

    old_end: date
    end: date
    events: int
    months_generated: int
    rewritten: list[str]
    removed: list[str]
    unchanged: int  # generated again, same bytes: left as they were
    not_generated: int  # event months before the first one generated again
    seconds: float

    def line(self) -> str:
        return (
            f"moved the end from {self.old_end} to {self.end}: generated "
            f"{self.months_generated} month(s) of events and the other tables again, "
            f"rewrote {len(self.rewritten)} file(s) whose bytes changed, left "
            f"{self.unchanged} with the same bytes and {self.not_generated} not generated "
            f"again, removed {len(self.removed)}; {self.events:,} usage events in all, "
            f"in {self.seconds:.2f}s"
        )


def _check_args(args: LandingArgs, end: date) -> None:
    if args.accounts < 1:
        raise ValueError("--accounts must be at least 1")
    if end < args.start:
        raise ValueError(f"--end {end} is before --start {args.start}")
    if day_of(end) >= add_months(day_of(args.start), 12 * SIM_YEARS):
        raise ValueError(f"--end must be within {SIM_YEARS} years of --start")
    if args.format not in ("csv", "parquet"):
        raise ValueError(f"--format must be csv or parquet, not {args.format!r}")
    if not args.usage_density > 0:
        raise ValueError(f"--usage-density must be positive, not {args.usage_density}")


def generate(
    out_dir: Path,
    accounts: int,
    start: date,
    end: date,
    seed: int,
    dirty: bool = False,
    fmt: str = "csv",
    *,
    usage_density: float = 1.0,
    month_stable: bool = False,
    progress: Progress | None = None,
) -> GenerationSummary:
    """Write a complete landing folder (and `_truth/`) to `out_dir`, replacing it.

    Same arguments give byte-identical files (the manifest's timings aside), and
    the rows of any day do not depend on `end`.
    """
    args = LandingArgs(accounts, start, seed, dirty, fmt, usage_density, month_stable)
    _check_args(args, end)
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / "_truth" / MANIFEST).exists():
        raise FileExistsError(
            f"{out_dir} is not empty and holds no generated landing; refusing to replace it"
        )
    tmp = _temp_sibling(out_dir)
    try:
        t0 = time.perf_counter()
        rows = _generate_into(tmp, args, end, day_of(start), progress or Progress())
        seconds = time.perf_counter() - t0
        events = rows[EVENTS_PATH]
        summary = GenerationSummary(
            rows, events, round(seconds, 3), round(events / seconds if seconds > 0 else 0.0, 1)
        )
        _write_manifest(
            tmp,
            args,
            end,
            rows,
            {"seconds": summary.seconds, "events_per_second": summary.events_per_second},
        )
        _swap(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


def _temp_sibling(out_dir: Path) -> Path:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    return tmp


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


def _write_manifest(out: Path, args: LandingArgs, end: date, rows: dict, timings: dict) -> None:
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "arguments": args.to_json(end),
        "row_counts": rows,
        "events": rows[EVENTS_PATH],
        **timings,
    }
    (out / "_truth" / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def _generate_into(
    out: Path, args: LandingArgs, end: date, events_from_day: int, progress: Progress
) -> dict[str, int]:
    """Every landing table and the truth into `out`; event months from `events_from_day`'s on.

    Returns the rows per table; those of usage/events count only the months written.
    """
    seed, start_day, end_day = args.seed, day_of(args.start), day_of(end)
    out.mkdir(parents=True)
    log = dirty.DefectLog()

    with progress.step(f"simulated {args.accounts:,} accounts"):
        entities = simulate_entities(seed, args.accounts, start_day)
    users = [e for e in entities if e.is_crm and e.created_day <= end_day]
    with progress.step(f"provisioned the users of {len(users):,} accounts"):
        pools = [usage.build_user_pool(seed, e, start_day) for e in users]
    event_log = dirty.DefectLog()
    # Parquet writes release the GIL: one background writer overlaps them with
    # the generation of the next month and of the other tables.
    with ThreadPoolExecutor(max_workers=1) as writer:
        n_events, pending = _write_events(
            out,
            args,
            users,
            pools,
            (start_day, events_from_day, end_day),
            event_log if args.dirty else None,
            writer,
            progress,
        )
        with progress.step("built the CRM, billing and support tables"):
            tables = _side_tables(seed, entities, start_day, end_day)
            tables["usage/users"] = usage.users_table(pools, [e.account_id for e in users], end_day)
        if args.dirty:
            dirty.conflicting_accounts(seed, tables["crm/accounts"], end_day, log)
            dirty.exact_duplicates(seed, "crm/activities", tables["crm/activities"], log)
            dirty.drop_fx_day(tables["billing/fx_rates"], start_day, end_day, log)
        rows: dict[str, int] = {}
        with progress.step("wrote the CRM, billing and support tables"):
            for table in TABLES:
                if table.path == EVENTS_PATH:
                    continue
                cols = tables[table.path]
                path = write_table(out, table, cols, args.format)
                rows[table.path] = len(next(iter(cols.values())))
                if args.dirty and args.format == "csv" and table.path == "support/tickets":
                    dirty.malform_csv(path, table.path, log)
        rows[EVENTS_PATH] = n_events
        with progress.step("finished writing the usage events"):
            for job, _ in pending:
                job.result()
    log.merge(event_log)

    tdir = out / "_truth"
    with progress.step("wrote the truth tables"):
        write_parquet(truth.mrr_truth(entities, start_day, end_day), tdir / "mrr.parquet")
        write_parquet(truth.lifecycle_truth(entities, end_day), tdir / "lifecycle_events.parquet")
        write_parquet(truth.accounts_truth(entities, end_day), tdir / "accounts.parquet")
    if args.dirty:
        (tdir / "defects.json").write_text(json.dumps(log.to_json(), indent=2) + "\n")
    return rows


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
    args: LandingArgs,
    users: list,
    pools: list[usage.UserPool],
    days: tuple[int, int, int],
    log: dirty.DefectLog | None,
    writer: ThreadPoolExecutor,
    progress: Progress,
) -> tuple[int, list[tuple[Future, int]]]:
    """usage/events/month=YYYY-MM/part-0.parquet for every month of [from, end].

    `days` is (start, from, end): months before the one holding `from` are not
    generated. Returns the event count and the writes still running on `writer`.
    """
    start_day, from_day, end_day = days
    end_sec = (end_day + 1) * SECONDS_PER_DAY
    months = [
        (month_no, key, d0, d1)
        for month_no, (key, d0, d1) in enumerate(usage.month_ranges(start_day, end_day))
        if d1 > from_day
    ]
    first_day = months[0][2] if months else end_day
    with progress.step(f"computed the daily usage state from {date_of(first_day)}"):
        st = usage.daily_state(args.seed, users, pools, first_day, end_day)
    expected = np.cumsum(
        [usage.expected_events(st, d0, d1, args.usage_density) for _, _, d0, d1 in months]
    )
    account_ids = pa.array([e.account_id for e in users], pa.string())
    user_ids = pa.array([u for p in pools for u in p.user_ids], pa.string())
    entity_index = np.array([e.index for e in users], dtype=np.int64)
    folder = out / EVENTS_PATH
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    jobs: list[tuple[Future, int]] = []
    progress.start_loop(float(expected[-1]) if len(months) else 0.0)
    for done, (month_no, key, d0, d1) in enumerate(months, start=1):
        events = usage.month_events(
            args.seed, st, account_ids, user_ids, entity_index, d0, d1, end_sec, args.usage_density
        )
        if args.month_stable:
            events = usage.compact_ids(events)
        resent = None
        if log is not None:
            events, resent = dirty.dirty_events(args.seed, month_no, d0, d1, events, end_sec, log)
        for data, name in ((events, "part-0.parquet"), (resent, "part-1-resent.parquet")):
            if data is None:
                continue
            path = folder / f"month={key}" / name
            jobs.append((writer.submit(write_events_parquet, data, path), data.num_rows))
            total += data.num_rows
        # bound memory: wait for the oldest writes
        while len(jobs) > MAX_PENDING_WRITES or (
            len(jobs) > 1 and sum(n for _, n in jobs) > MAX_PENDING_EVENTS
        ):
            jobs.pop(0)[0].result()
        progress.months(done, len(months), key, total, float(expected[done - 1]))
    return total, jobs


def count_events(landing: Path) -> int:
    """Usage events in a landing's event files, from their Parquet footers."""
    files = sorted((Path(landing) / EVENTS_PATH).rglob("*.parquet"))
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


# ---------------------------------------------------------------- recut
def recut(out_dir: Path, end: date, progress: Progress | None = None) -> RecutSummary:
    """Move a generated landing to another end date, rewriting only what changes.

    The result is byte for byte what `generate` would write for the new end
    (the manifest's timings aside). Files whose bytes stay the same are not
    touched, so a loader that skips files it has already read reads only the
    new ones. With `month_stable` (and no planted defects) only the event
    months holding the last ARRIVAL_DAYS days before either end date are
    generated again; otherwise every month is, and only changed files written.
    """
    out_dir = Path(out_dir)
    progress = progress or Progress()
    manifest = read_manifest(out_dir)
    if manifest is None:
        raise FileNotFoundError(f"{out_dir} holds no generated landing ({MANIFEST})")
    args = LandingArgs.from_json(manifest["arguments"])
    old_end = date.fromisoformat(manifest["arguments"]["end"])
    _check_args(args, end)
    t0 = time.perf_counter()
    start_day = day_of(args.start)
    if args.month_stable and not args.dirty:
        from_day = max(start_day, day_of(min(old_end, end)) - usage.ARRIVAL_DAYS)
    else:
        from_day = start_day
    tmp = _temp_sibling(out_dir)
    try:
        rows = _generate_into(tmp, args, end, from_day, progress)
        months_generated = len(list((tmp / EVENTS_PATH).glob("month=*")))
        rewritten, unchanged = _move_changed_files(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    removed = _remove_months_after(out_dir, end)
    rows[EVENTS_PATH] = count_events(out_dir)
    files = sum(1 for p in out_dir.rglob("*") if p.is_file() and p.name != MANIFEST)
    seconds = time.perf_counter() - t0
    timings = {key: manifest[key] for key in ("seconds", "events_per_second") if key in manifest}
    recut_note = {"from_end": old_end.isoformat(), "seconds": round(seconds, 3)}
    _write_manifest(out_dir, args, end, rows, {**timings, "recut": recut_note})
    return RecutSummary(
        old_end,
        end,
        rows[EVENTS_PATH],
        months_generated,
        rewritten,
        removed,
        unchanged,
        files - len(rewritten) - unchanged,
        round(seconds, 3),
    )


def add_day(out_dir: Path, progress: Progress | None = None) -> RecutSummary:
    """The landing one day later: tomorrow's export of the same company."""
    manifest = read_manifest(out_dir)
    if manifest is None:
        raise FileNotFoundError(f"{out_dir} holds no generated landing ({MANIFEST})")
    end = date.fromisoformat(manifest["arguments"]["end"])
    return recut(out_dir, end + timedelta(days=1), progress)


def _move_changed_files(new: Path, out_dir: Path) -> tuple[list[str], int]:
    """Move each file of `new` over its twin in `out_dir` when their bytes differ."""
    rewritten, unchanged = [], 0
    for path in sorted(p for p in new.rglob("*") if p.is_file()):
        relative = path.relative_to(new)
        target = out_dir / relative
        if _same_bytes(path, target):
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        rewritten.append(relative.as_posix())
    return rewritten, unchanged


def _same_bytes(a: Path, b: Path, chunk: int = 1 << 20) -> bool:
    if not b.is_file() or a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            block = fa.read(chunk)
            if block != fb.read(chunk):
                return False
            if not block:
                return True


def _remove_months_after(out_dir: Path, end: date) -> list[str]:
    """Event months after the end date's month (when the end moved back)."""
    last = f"month={end.year:04d}-{end.month:02d}"
    removed = []
    for folder in sorted((out_dir / EVENTS_PATH).glob("month=*")):
        if folder.name > last:
            shutil.rmtree(folder)
            removed.append(folder.relative_to(out_dir).as_posix())
    return removed


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
    if m is not None and m.get("generator_version") == GENERATOR_VERSION:
        try:
            recorded = LandingArgs.from_json(m["arguments"])
            covered = date.fromisoformat(m["arguments"]["end"])
        except (KeyError, TypeError, ValueError):
            recorded = None
        if recorded == LandingArgs(accounts, start, seed) and covered >= end:
            return False
    generate(Path(out_dir), accounts, start, end, seed)
    return True
