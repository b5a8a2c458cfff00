"""--dirty: plant the defects real landings have, and count exactly what was planted.

Defects (docs/landing_contract.md, "What bad input gets"): re-sent exact duplicate rows,
conflicting duplicates in crm/accounts, orphan usage events, late-arriving
events, a one-day gap in the EUR rates and one malformed line in
support/tickets.csv. Every planted row is counted in `_truth/defects.json`
under the names of `DefectLog`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.hashing import STREAM_DIRTY, hash_unit, mix, unit
from cs_devtools.demo_data.timeutil import SECONDS_PER_DAY, date_of, day_of

Columns = dict[str, list]
LATE_AFTER_SECONDS = 3 * SECONDS_PER_DAY
ORPHAN_ACCOUNTS = ("acc_990001", "acc_990002", "acc_990003")


@dataclass
class DefectLog:
    exact_duplicate_rows: dict[str, int] = field(default_factory=dict)
    conflicting_duplicate_rows: dict[str, int] = field(default_factory=dict)
    orphan_usage_events: int = 0
    late_events: int = 0
    missing_fx_days: list[dict[str, str]] = field(default_factory=list)
    malformed_csv_lines: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)

    def merge(self, other: DefectLog) -> None:
        for k, n in other.exact_duplicate_rows.items():
            _bump(self.exact_duplicate_rows, k, n)
        for k, n in other.conflicting_duplicate_rows.items():
            _bump(self.conflicting_duplicate_rows, k, n)
        self.orphan_usage_events += other.orphan_usage_events
        self.late_events += other.late_events
        self.missing_fx_days += other.missing_fx_days
        for k, n in other.malformed_csv_lines.items():
            _bump(self.malformed_csv_lines, k, n)


def _bump(d: dict[str, int], key: str, n: int) -> None:
    if n:
        d[key] = d.get(key, 0) + n


def conflicting_accounts(seed: int, cols: Columns, end_day: int, log: DefectLog) -> None:
    """Re-exported account rows with a later updated_at and edited content."""
    end_sec = (end_day + 1) * SECONDS_PER_DAY
    n = len(cols["account_id"])
    eligible = [j for j in range(n) if cols["updated_at"][j] < end_sec - 2 * SECONDS_PER_DAY]
    picks = [j for j in eligible if hash_unit(seed, STREAM_DIRTY, 1, j) < 0.02] or eligible[:1]
    for j in picks:
        row = {k: v[j] for k, v in cols.items()}
        row["account_name"] = f"{row['account_name']} Group"
        row["industry"] = "Conglomerate"
        row["updated_at"] = min(
            end_sec - 60,
            row["updated_at"] + 3600 * (1 + int(hash_unit(seed, STREAM_DIRTY, 2, j) * 47)),
        )
        for k, v in row.items():
            cols[k].append(v)
    _bump(log.conflicting_duplicate_rows, "crm/accounts", len(picks))


def exact_duplicates(seed: int, path: str, cols: Columns, log: DefectLog, count: int = 5) -> None:
    """Copy a few rows right after themselves (a re-sent chunk of an export)."""
    n = len(next(iter(cols.values())))
    if n == 0:
        return
    picks = sorted(
        {int(hash_unit(seed, STREAM_DIRTY, 3, k) * n) for k in range(count)}, reverse=True
    )
    for j in picks:
        for v in cols.values():
            v.insert(j + 1, v[j])
    _bump(log.exact_duplicate_rows, path, len(picks))


def drop_fx_day(cols: Columns, start_day: int, end_day: int, log: DefectLog) -> None:
    """Remove one EUR rate mid-month in the middle of the range (a one-day gap)."""
    mid = date_of(start_day + (end_day - start_day) // 2)
    day = day_of(mid.replace(day=15))
    if not start_day < day < end_day:
        return
    keep = [
        not (c == "EUR" and d == day)
        for c, d in zip(cols["currency"], cols["rate_date"], strict=True)
    ]
    if all(keep):
        return
    for k, v in cols.items():
        cols[k] = [x for x, ok in zip(v, keep, strict=True) if ok]
    log.missing_fx_days.append({"currency": "EUR", "date": date_of(day).isoformat()})


def _plain(t: pa.Table) -> pa.Table:
    return pa.table(
        {
            n: (c.cast(pa.string()) if pa.types.is_dictionary(c.type) else c)
            for n, c in zip(t.column_names, t.columns, strict=True)
        }
    )


def dirty_events(
    seed: int, month_no: int, d0: int, d1: int, events: pa.Table, end_sec: int, log: DefectLog
) -> tuple[pa.Table, pa.Table | None]:
    """Late arrivals and orphans in the month's file, plus an optional re-sent file."""
    events = _plain(events)
    n = events.num_rows
    occurred = events["occurred_at"].cast(pa.int64()).to_numpy() // 1_000_000
    received = events["received_at"].cast(pa.int64()).to_numpy() // 1_000_000
    h = mix(seed, STREAM_DIRTY, 10, month_no, np.arange(n, dtype=np.uint64))
    u = unit(h)
    delay = LATE_AFTER_SECONDS + 3600 + (unit(h ^ np.uint64(0xABCD)) * 17 * SECONDS_PER_DAY)
    late = (u < 0.0015) & (occurred + delay.astype(np.int64) < end_sec)
    new_received = np.where(late, occurred + delay.astype(np.int64), received)
    events = events.set_column(
        events.column_names.index("received_at"),
        "received_at",
        pa.array(new_received * 1_000_000, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
    )
    log.late_events += int(late.sum())
    # orphans: events of accounts the CRM does not know
    last = min(d1, end_sec // SECONDS_PER_DAY)
    k = 0 if last <= d0 else 20
    if k:
        hk = mix(seed, STREAM_DIRTY, 11, month_no, np.arange(k, dtype=np.uint64))
        day = d0 + (unit(hk) * (last - d0)).astype(np.int64)
        occ = day * SECONDS_PER_DAY + (unit(hk ^ np.uint64(7)) * 80000).astype(np.int64)
        rec = np.minimum(occ + 30, end_sec - 1)
        which = (unit(hk ^ np.uint64(9)) * len(ORPHAN_ACCOUNTS)).astype(np.int64)
        feat = (unit(hk ^ np.uint64(11)) * len(cat.FEATURES)).astype(np.int64)
        ts = pa.timestamp("us", tz="UTC")
        orphans = pa.table(
            {
                "event_id": [f"ev_orphan_{month_no}_{j:03d}" for j in range(k)],
                "account_id": [ORPHAN_ACCOUNTS[w] for w in which],
                "user_id": [f"usr_orphan_{w}" for w in which],
                "event_name": [cat.FEATURES[f].event_name for f in feat],
                "occurred_at": pa.array(occ * 1_000_000, pa.int64()).cast(ts),
                "received_at": pa.array(rec * 1_000_000, pa.int64()).cast(ts),
            }
        )
        events = pa.concat_tables([events, orphans])
        log.orphan_usage_events += k
    # re-sent file: exact copies of some on-time events of about a third of the months
    resent = None
    if hash_unit(seed, STREAM_DIRTY, 12, month_no) < 0.35 and n:
        pick = (unit(h ^ np.uint64(0x5E5E)) < 0.004) & ~late
        if pick.any():
            resent = events.slice(0, n).filter(pa.array(pick))
            _bump(log.exact_duplicate_rows, "usage/events", resent.num_rows)
    return events, resent


def malform_csv(path: Path, table_path: str, log: DefectLog) -> None:
    """Insert one line with a missing field after the middle data line of a CSV file."""
    lines = path.read_bytes().split(b"\n")
    data = [j for j in range(1, len(lines)) if lines[j]]
    if not data:
        return
    j = data[len(data) // 2]
    broken = lines[j].rsplit(b",", 1)[0]
    lines.insert(j + 1, broken)
    path.write_bytes(b"\n".join(lines))
    _bump(log.malformed_csv_lines, table_path, 1)


def count_late(received: pa.Array, occurred: pa.Array) -> int:
    """Events received more than three days after they occurred (used by tests too)."""
    lag = pc.subtract(received.cast(pa.int64()), occurred.cast(pa.int64()))
    return int(pc.sum(pc.greater(lag, LATE_AFTER_SECONDS * 1_000_000)).as_py() or 0)
