"""Ground truth under `_truth/`, what the warehouse must reproduce.

`mrr.parquet` follows docs/metrics.md (MRR, Time) applied to the landing as
exported at the end date, in exact rational arithmetic:

* item MRR = (per_seat: quantity x unit_amount; flat: unit_amount)
  x (1 - discount_percent/100) / billing_interval_months, unit_amount being the
  item's own or else the plan's;
* month-end snapshot: a version counts for month m when valid_from < S and
  (valid_to is NULL or valid_to >= S), with S = start(m+1); an item contributes
  0 while its subscription's trial_end_at >= S; test customers are excluded;
* the last month (the one containing --end) is partial: its snapshot is the end
  of the --end day, i.e. S = end + 1 day, so a version counts when
  valid_from <= end and (valid_to is NULL or valid_to > end);
* account = the final surviving CRM account after following the merges known
  at the end date; a customer with a blank account_id or one unknown to the CRM
  is the stand-in `billing:<customer_id>`;
* one row per month x account x product x currency with MRR != 0, for every
  month from the month of --start through the month of --end. Sums are exact
  and rounded half-up to 9 decimals only when written (decimal128(38, 9)).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pyarrow as pa

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.lifecycle import survivor
from cs_devtools.demo_data.model import Entity
from cs_devtools.demo_data.timeutil import month_start, next_month_start

_Q9 = Decimal("0.000000001")


def _to_decimal9(x: Fraction) -> Decimal:
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(_Q9, ROUND_HALF_UP)


def snapshots(start_day: int, end_day: int) -> list[tuple[int, int]]:
    """(month start, snapshot instant as a day number) for each reported month."""
    out = []
    m = month_start(start_day)
    while m <= end_day:
        nxt = next_month_start(m)
        out.append((m, min(nxt, end_day + 1)))
        m = nxt
    return out


def crm_account_index(entities: list[Entity], end_day: int) -> dict[str, int]:
    """CRM account ids present in the export at `end_day` -> entity index."""
    return {e.account_id: e.index for e in entities if e.is_crm and e.created_day <= end_day}


def mrr_truth(entities: list[Entity], start_day: int, end_day: int) -> pa.Table:
    """`_truth/mrr.parquet` (rules in the module docstring).

    The month containing `end_day` is partial: its snapshot is the end of the
    end day, so a version counts when valid_from <= end and (valid_to is NULL
    or valid_to > end), and a trial counts as over when trial_end_at <= end.
    """
    known = crm_account_index(entities, end_day)
    snaps = snapshots(start_day, end_day)
    sums: dict[tuple[int, str, str, str], Fraction] = defaultdict(Fraction)
    for e in entities:
        for s in e.subscriptions:
            c = s.customer
            if c.is_test or s.booked_day > end_day:
                continue
            if c.account_id is not None and c.account_id in known:
                account = entities[survivor(entities, known[c.account_id], end_day)].account_id
            else:
                account = f"billing:{c.customer_id}"
            scale = 10 ** cat.MINOR_DIGITS[c.currency]
            for v in s.versions:
                if v.known_at > end_day:
                    continue
                valid_to = (
                    v.valid_to if (v.to_known_at is not None and v.to_known_at <= end_day) else None
                )
                mrr = v.mrr_minor() / scale
                if mrr == 0:
                    continue
                for m, snap in snaps:
                    if not (v.valid_from < snap and (valid_to is None or valid_to >= snap)):
                        continue
                    if s.trial_end is not None and s.trial_end >= snap:
                        continue
                    sums[(m, account, s.product_id, c.currency)] += mrr
    keys = sorted(k for k, v in sums.items() if v != 0)
    return pa.table(
        {
            "month": pa.array([k[0] for k in keys], pa.int32()).cast(pa.date32()),
            "account_id": pa.array([k[1] for k in keys], pa.string()),
            "product_id": pa.array([k[2] for k in keys], pa.string()),
            "currency": pa.array([k[3] for k in keys], pa.string()),
            "mrr_original": pa.array([_to_decimal9(sums[k]) for k in keys], pa.decimal128(38, 9)),
        }
    )


def lifecycle_truth(entities: list[Entity], end_day: int) -> pa.Table:
    """The planted lifecycle events that happened by `end_day`."""
    rows: list[tuple[str, int, str, str | None, str]] = []
    for e in entities:
        if e.is_crm:
            if e.created_day > end_day:
                continue
            account = e.account_id
        else:
            first = next((c for c in e.customers if not c.is_test), None)
            if first is None:
                continue
            account = f"billing:{first.customer_id}"
        for ev in e.events:
            if ev.day <= end_day:
                rows.append((account, ev.day, ev.event_type, ev.product_id, ev.detail))
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3] or ""))
    return pa.table(
        {
            "account_id": pa.array([r[0] for r in rows], pa.string()),
            "event_date": pa.array([r[1] for r in rows], pa.int32()).cast(pa.date32()),
            "event_type": pa.array([r[2] for r in rows], pa.string()),
            "product_id": pa.array([r[3] for r in rows], pa.string()),
            "detail": pa.array([r[4] for r in rows], pa.string()),
        }
    )


_ACCOUNT_TEXT_COLUMNS = ("account_id", "segment", "touch_model", "region", "currency", "trajectory")


def accounts_truth(entities: list[Entity], end_day: int) -> pa.Table:
    """True attributes of every CRM account in the export (even where the CRM is blank)."""
    rows = []
    for e in entities:
        if not e.is_crm or e.created_day > end_day:
            continue
        final = survivor(entities, e.index, end_day)
        churn = e.churn.effective_day if e.churn and e.churn.effective_day <= end_day else None
        rows.append(
            {
                **{k: getattr(e, k) for k in _ACCOUNT_TEXT_COLUMNS},
                "created_at": e.created_sec * 1_000_000,
                "merged_into": None if final == e.index else entities[final].account_id,
                "churned_on": churn,
            }
        )

    def column(name: str) -> list:
        return [row[name] for row in rows]

    return pa.table(
        {
            **{k: pa.array(column(k), pa.string()) for k in _ACCOUNT_TEXT_COLUMNS},
            "created_at": pa.array(column("created_at"), pa.int64()).cast(
                pa.timestamp("us", "UTC")
            ),
            "merged_into": pa.array(column("merged_into"), pa.string()),
            "churned_on": pa.array(column("churned_on"), pa.int32()).cast(pa.date32()),
        }
    )
