"""CS side tables: CSM activities, NPS responses, onboarding milestones, tickets.

Each is simulated per account over the account's whole (fixed-horizon) life
from its own generator and then cut at the end date, so a row of day d never
depends on --end. Their signal follows the account's latent health (see
`model.health_at`): declining accounts answer NPS lower, raise more and more
urgent tickets, rate support worse and miss onboarding milestones.
"""

from __future__ import annotations

import numpy as np

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.crm import SCALED_CSM, crm_cutoff, owner_at
from cs_devtools.demo_data.hashing import (
    STREAM_ACTIVITIES,
    STREAM_NPS,
    STREAM_ONBOARDING,
    STREAM_TICKETS,
    entity_rng,
)
from cs_devtools.demo_data.lifecycle import SIM_YEARS
from cs_devtools.demo_data.model import Entity, health_at
from cs_devtools.demo_data.timeutil import SECONDS_PER_DAY, add_months

Columns = dict[str, list]
MILESTONES: tuple[str, ...] = ("kickoff", "configured", "first_value", "trained", "go_live")
_MILESTONE_DUE = {  # days after the start, per segment
    "smb": (5, 14, 30, 40, 50),
    "mid_market": (7, 21, 45, 60, 75),
    "enterprise": (10, 30, 60, 80, 100),
}
_PRIORITIES = ("low", "normal", "high", "urgent")
_PRIORITY_HEALTHY = np.array([0.38, 0.45, 0.13, 0.04])
_PRIORITY_SICK = np.array([0.12, 0.33, 0.33, 0.22])
_FIRST_RESPONSE_HOURS = {"low": 20.0, "normal": 8.0, "high": 2.0, "urgent": 0.5}


def _cols(*names: str) -> Columns:
    return {n: [] for n in names}


def _add(cols: Columns, *values: object) -> None:
    for lst, v in zip(cols.values(), values, strict=True):
        lst.append(v)


def crm_windows(e: Entity, horizon: int) -> list[tuple[int, int]]:
    """Day ranges [a, b) where the account is a live customer in the CRM."""
    cutoff = crm_cutoff(e, horizon)
    out = []
    for a, b in e.active_intervals():
        b = horizon if b is None else b
        b = min(b, cutoff)
        if a < b:
            out.append((a, b))
    return out


def _horizon(start_day: int) -> int:
    return add_months(start_day, 12 * SIM_YEARS)


# ---------------------------------------------------------------- activities
WARMUP_DAYS = 180
"""Activities, NPS and tickets start this many days before --start (usage starts at --start)."""


def _gaps_until(
    r: np.random.Generator, start: float, stop: int, mean: float, shape: float
) -> np.ndarray:
    """Arrival times start + cumulative gamma gaps (mean `mean`) below `stop`.

    Gaps are drawn in chunks sized from the window only, so the draws never
    depend on the export's end date.
    """
    chunk = int((stop - start) / mean * 1.3) + 8
    times = np.empty(0)
    t = start
    while t < stop:
        gaps = r.gamma(shape, mean / shape, size=chunk)
        more = t + np.cumsum(gaps)
        times = np.concatenate([times, [t] if times.size == 0 else [], more])
        t = float(more[-1])
    return times[times < stop]


def activities_table(
    seed: int,
    entities: list[Entity],
    start_day: int,
    end_day: int,
) -> Columns:
    """crm/activities: touches at the touch model's cadence (seed touch_model_cadence)."""
    end_sec = (end_day + 1) * SECONDS_PER_DAY
    first_sec = (start_day - WARMUP_DAYS) * SECONDS_PER_DAY
    horizon = _horizon(start_day)
    cols = _cols("activity_id", "account_id", "user_id", "activity_type", "occurred_at")
    for e in entities:
        if not e.is_crm:
            continue
        r = entity_rng(seed, e.index, STREAM_ACTIVITIES)
        cadence, needs_qbr, qbr_days = cat.TOUCH_CADENCE[e.touch_model]
        secs: list[np.ndarray] = []
        kinds: list[np.ndarray] = []
        for a, b in crm_windows(e, horizon):
            # onboarding sessions and a training early in the relationship
            n_on = int(r.integers(2, 5))
            day = a + r.integers(1, 45, size=n_on)
            sec = day * SECONDS_PER_DAY + r.integers(8, 18, size=n_on) * 3600
            ok = day < b
            secs.append(sec[ok])
            kinds.append(np.where(np.arange(n_on) < 2, "onboarding_session", "training")[ok])
            times = _gaps_until(r, a + float(r.uniform(0, cadence)), b, cadence, 4.0)
            u = r.random(size=times.size)
            hours = r.integers(8 * 3600, 18 * 3600, size=times.size)
            if e.touch_model == "tech":
                kind = np.where(u < 0.85, "email", "call")
            else:
                kind = np.where(u < 0.45, "email", np.where(u < 0.8, "call", "meeting"))
            secs.append(times.astype(np.int64) * SECONDS_PER_DAY + hours)
            kinds.append(kind)
            if needs_qbr and qbr_days:
                q = _gaps_until(r, a + float(r.uniform(60, qbr_days)), b, 0.85 * qbr_days, 60.0)
                secs.append(q.astype(np.int64) * SECONDS_PER_DAY + 14 * 3600)
                kinds.append(np.full(q.size, "qbr"))
        if not secs:
            continue
        sec_all = np.concatenate(secs)
        kind_all = np.concatenate(kinds)
        order = np.lexsort((kind_all, sec_all))
        sec_all, kind_all = sec_all[order], kind_all[order]
        for n, (sec, kind) in enumerate(
            zip(sec_all.tolist(), kind_all.tolist(), strict=True), start=1
        ):
            if sec >= end_sec:
                break
            if sec < first_sec:
                continue
            user = owner_at(e, sec // SECONDS_PER_DAY) or SCALED_CSM
            _add(cols, f"act_{e.index:06d}_{n:05d}", e.account_id, user, kind, sec)
    return cols


# ---------------------------------------------------------------- NPS
def nps_table(
    seed: int,
    entities: list[Entity],
    contacts: dict[int, list[tuple[str, int]]],
    start_day: int,
    end_day: int,
) -> Columns:
    """crm/nps_responses: semi-annual surveys; scores follow latent health."""
    end_sec = (end_day + 1) * SECONDS_PER_DAY
    first_sec = (start_day - WARMUP_DAYS) * SECONDS_PER_DAY
    horizon = _horizon(start_day)
    cols = _cols("response_id", "account_id", "contact_id", "score", "responded_at", "comment")
    for e in entities:
        if not e.is_crm:
            continue
        r = entity_rng(seed, e.index, STREAM_NPS)
        people = contacts.get(e.index, [])[:4]
        first_wave = e.created_day + 60 + int(r.integers(0, 90))
        waves = np.arange(first_wave, horizon, 182)
        shape = (waves.size, 4)
        u, noise, delay = r.random(shape), r.normal(size=shape), r.integers(0, 10, size=shape)
        comment_u, comment_i = r.random(shape), r.integers(0, 4, size=shape)
        windows = crm_windows(e, horizon)
        lift = 1.0 if e.trajectory == "expanding" else 0.0
        n = 0
        for w in range(waves.size):
            for j, (cid, created_sec) in enumerate(people):
                day = int(waves[w] + delay[w, j])
                if u[w, j] > 0.4 or created_sec // SECONDS_PER_DAY > day:
                    continue
                if not any(a <= day < b for a, b in windows):
                    continue
                n += 1
                sec = day * SECONDS_PER_DAY + 3600 * (9 + int(comment_i[w, j]) * 2)
                if sec >= end_sec or sec < first_sec:
                    continue
                h = health_at(e, day)
                score = int(min(10, max(0, round(3.2 + 5.6 * h + lift + 1.6 * noise[w, j]))))
                bucket = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                texts = cat.NPS_COMMENTS[bucket]
                comment = (
                    texts[int(comment_i[w, j]) % len(texts)] if comment_u[w, j] < 0.35 else None
                )
                _add(cols, f"nps_{e.index:06d}_{n:04d}", e.account_id, cid, score, sec, comment)
    return cols


# ---------------------------------------------------------------- onboarding
def onboarding_table(seed: int, entities: list[Entity], end_day: int) -> Columns:
    """crm/onboarding_milestones: due dates per segment; declining accounts slip."""
    end_sec = (end_day + 1) * SECONDS_PER_DAY
    cols = _cols("account_id", "milestone", "due_at", "completed_at")
    for e in entities:
        if not e.is_crm or e.onboarding_day is None or e.onboarding_day > end_day:
            continue
        r = entity_rng(seed, e.index, STREAM_ONBOARDING)
        s = e.onboarding_day
        slip_mu, slip_sd, never_p = {
            "healthy": (-1.0, 6.0, 0.04),
            "declining": (9.0, 14.0, 0.22),
            "contracting": (4.0, 10.0, 0.1),
            "expanding": (-4.0, 4.0, 0.02),
        }[e.trajectory]
        first_end = e.subscriptions[0].ended_day if e.subscriptions else None
        last_done = s * SECONDS_PER_DAY
        stopped = False
        for m, offset in zip(MILESTONES, _MILESTONE_DUE[e.segment], strict=True):
            due = s + offset
            slip, never, hour = float(r.normal(slip_mu, slip_sd)), r.random(), r.integers(8, 19)
            done_day = max(s, due + round(slip))
            done = max(last_done + 3600, done_day * SECONDS_PER_DAY + int(hour) * 3600)
            stopped = stopped or (m != "kickoff" and never < never_p)
            if first_end is not None and done // SECONDS_PER_DAY >= first_end:
                stopped = True
            completed = None if stopped or done >= end_sec else done
            if not stopped:
                last_done = done
            _add(cols, e.account_id, m, due, completed)
    return cols


# ---------------------------------------------------------------- tickets
def tickets_table(seed: int, entities: list[Entity], start_day: int, end_day: int) -> Columns:
    """support/tickets: more, and more urgent, tickets as an account's health falls."""
    end_sec = (end_day + 1) * SECONDS_PER_DAY
    first_sec = (start_day - WARMUP_DAYS) * SECONDS_PER_DAY
    horizon = _horizon(start_day)
    cols = _cols(
        "ticket_id",
        "account_id",
        "priority",
        "status",
        "category",
        "created_at",
        "first_response_at",
        "solved_at",
        "csat_score",
    )
    base = {"smb": 0.35, "mid_market": 0.9, "enterprise": 2.0}
    response_hours = np.array([_FIRST_RESPONSE_HOURS[p] for p in _PRIORITIES])
    for e in entities:
        if not e.is_crm:
            continue
        r = entity_rng(seed, e.index, STREAM_TICKETS)
        n = 0
        for a, b in crm_windows(e, horizon):
            slots = np.arange(a, b, 30)
            health = np.array([health_at(e, int(d) + 15) for d in slots])
            counts = r.poisson(base[e.segment] * (1.0 + 2.2 * (1.0 - health)))
            t = int(counts.sum())
            slot_of = np.repeat(np.arange(slots.size), counts)
            day = slots[slot_of] + r.integers(0, 30, size=t)
            created = day * SECONDS_PER_DAY + r.integers(6 * 3600, 20 * 3600, size=t)
            h = health[slot_of]
            probs = np.cumsum(
                h[:, None] * _PRIORITY_HEALTHY + (1 - h[:, None]) * _PRIORITY_SICK, axis=1
            )
            pri = np.minimum((r.random(size=t)[:, None] >= probs).sum(axis=1), 3)
            category = r.integers(0, len(cat.TICKET_CATEGORIES), size=t)
            resp = (
                created
                + (r.exponential(size=t) * response_hours[pri] * 3600).astype(np.int64)
                + 300
            )
            solve = resp + (r.exponential(size=t) * np.where(h > 0.6, 36.0, 60.0) * 3600).astype(
                np.int64
            )
            never_u, csat_u, csat_noise = r.random(size=t), r.random(size=t), r.normal(size=t)
            csat = np.clip(np.rint(1.6 + 2.9 * h + 0.9 * csat_noise), 1, 5).astype(np.int64)
            numbers = n + 1 + np.arange(t)
            n += t
            keep = np.nonzero((day < b) & (created < end_sec) & (created >= first_sec))[0]
            for i in keep.tolist():
                c = int(created[i])
                solved = None if never_u[i] < 0.03 or solve[i] >= end_sec else int(solve[i])
                first = int(resp[i]) if resp[i] < end_sec else None
                status = "solved" if solved else "pending" if first else "open"
                score = int(csat[i]) if solved and csat_u[i] < 0.55 else None
                _add(
                    cols,
                    f"tck_{e.index:06d}_{int(numbers[i]):04d}",
                    e.account_id,
                    _PRIORITIES[int(pri[i])],
                    status,
                    cat.TICKET_CATEGORIES[int(category[i])],
                    c,
                    first,
                    solved,
                    score,
                )
    return cols
