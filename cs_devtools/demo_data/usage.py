"""Product end-users and usage events, the high-volume part of the landing.

Users (seats) follow the licensed seats of the account's subscription items,
first in first out, so on any day the provisioned users of an account are a
contiguous index range. Events are drawn per account-day with a counter-based
hash of (seed, account, day, k): no per-event Python code, and a day's events
never depend on how many days are generated. Volume and feature mix follow the
account's latent trajectory: falling engaged users and less core-feature use
before churn or contraction, more engaged users and higher-tier features before
an expansion. No score is written anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.hashing import (
    GOLDEN,
    STREAM_USAGE_PROFILE,
    STREAM_USAGE_USERS,
    entity_rng,
    mix,
    normal,
    splitmix64,
    unit,
)
from cs_devtools.demo_data.lifecycle import SIM_YEARS
from cs_devtools.demo_data.model import Entity
from cs_devtools.demo_data.timeutil import SECONDS_PER_DAY, add_months, date_of

_NEVER = np.int64(1 << 40)
# An event reaches the export at most this many days after it occurred: the
# events of a day are complete once the landing ends this many days later.
ARRIVAL_DAYS = 2
_SALT_COUNT = 0xC0
_SALT_EVENT = 0xE7
_WEEKDAY_FACTOR = np.array([1.0, 1.0, 1.0, 1.0, 0.95, 0.22, 0.15])  # Monday first
USER_ROLES: tuple[tuple[str, float], ...] = (("admin", 0.1), ("editor", 0.55), ("viewer", 0.35))


@dataclass
class UserPool:
    """All users ever provisioned for one account, in creation order (FIFO)."""

    index: int
    user_ids: list[str]
    created_sec: np.ndarray
    deact_sec: np.ndarray  # _NEVER * SECONDS_PER_DAY when still active
    roles: list[str]


def _targets(e: Entity) -> list[tuple[int, int]]:
    """(day, target number of provisioned users) at every seat change."""
    versions = [(s, v) for s in e.subscriptions if not s.customer.is_test for v in s.versions]
    points = sorted(
        {v.valid_from for _, v in versions}
        | {v.valid_to for _, v in versions if v.valid_to is not None}
    )
    out = []
    for t in points:
        best = 0
        for s, v in versions:
            if v.valid_from <= t and (v.valid_to is None or t < v.valid_to):
                fill = e.seat_fill if v.plan.pricing_model == "flat" else 0.9 + 0.1 * e.seat_fill
                n = v.seats() * fill
                if s.trial_end is not None and t < s.trial_end:
                    n *= 0.7
                best = max(best, max(1, round(n)))
        out.append((t, best))
    return out


def build_user_pool(seed: int, e: Entity, start_day: int) -> UserPool:
    """Provision and retire users FIFO over the fixed horizon (with ~1%/month turnover)."""
    r = entity_rng(seed, e.index, STREAM_USAGE_USERS)
    horizon = add_months(start_day, 12 * SIM_YEARS)
    targets = _targets(e)
    created: list[int] = []
    deact: list[int] = []
    roles: list[str] = []
    lo = 0
    timeline: list[tuple[int, int, int]] = [(t, 0, n) for t, n in targets]
    if targets:
        timeline += [(t, 1, -1) for t in range(targets[0][0] + 30, horizon, 30)]
    timeline.sort()
    target = 0
    for t, is_tick, n in timeline:
        active = len(created) - lo
        if is_tick:
            k = int(r.binomial(active, 0.012)) if active else 0
            drop, add = k, k
        else:
            target = n
            drop, add = max(0, active - target), max(0, target - active)
        for j in range(drop):
            deact.append(t * SECONDS_PER_DAY + 17 * 3600 + j)
        lo += drop
        for j in range(add):
            created.append(max(t * SECONDS_PER_DAY + 8 * 3600, e.created_sec + 60) + 37 * j)
            u = r.random()
            roles.append(
                "admin" if len(created) == 1 else next(role for role, c in _CUM_ROLES if u < c)
            )
    deact += [int(_NEVER) * SECONDS_PER_DAY] * (len(created) - len(deact))
    return UserPool(
        e.index,
        [f"usr_{e.index:06d}_{n:05d}" for n in range(1, len(created) + 1)],
        np.array(created, dtype=np.int64),
        np.array(deact, dtype=np.int64),
        roles,
    )


def _cum_roles() -> list[tuple[str, float]]:
    acc, out = 0.0, []
    for role, p in USER_ROLES:
        acc += p
        out.append((role, acc))
    out[-1] = (out[-1][0], 1.01)
    return out


_CUM_ROLES = _cum_roles()


def users_table(pools: list[UserPool], account_ids: list[str], end_day: int) -> dict[str, list]:
    """usage/users as of `end_day`."""
    end_sec = (end_day + 1) * SECONDS_PER_DAY
    cols: dict[str, list] = {
        "user_id": [],
        "account_id": [],
        "created_at": [],
        "deactivated_at": [],
        "role": [],
    }
    for pool, acc in zip(pools, account_ids, strict=True):
        n = int(np.searchsorted(pool.created_sec, end_sec, side="left"))
        cols["user_id"].extend(pool.user_ids[:n])
        cols["account_id"].extend([acc] * n)
        cols["created_at"].extend(pool.created_sec[:n].tolist())
        cols["deactivated_at"].extend(
            [int(x) if x < end_sec else None for x in pool.deact_sec[:n].tolist()]
        )
        cols["role"].extend(pool.roles[:n])
    return cols


# ---------------------------------------------------------------- daily behaviour
@dataclass
class DailyState:
    """Per account x day arrays over [first_day, last_day] that drive event volume."""

    first_day: int
    mask: np.ndarray  # uint8 products owned (bit p)
    tier: np.ndarray  # uint8 [account, product, day]
    pool_lo: np.ndarray  # int32 global index of the first engaged user
    pool_n: np.ndarray  # int32 engaged users
    rate: np.ndarray  # float64 expected events per engaged user on a weekday
    core: np.ndarray  # float32 share of events on core features
    explore: np.ndarray  # float32 share of events on higher-tier features
    utc_offset: np.ndarray  # int64 per account, seconds


def daily_state(
    seed: int, entities: list[Entity], pools: list[UserPool], first_day: int, last_day: int
) -> DailyState:
    n_acc, n_days = len(entities), max(0, last_day - first_day + 1)
    days = np.arange(first_day, first_day + n_days, dtype=np.int64)
    mask = np.zeros((n_acc, n_days), np.uint8)
    tier = np.zeros((n_acc, len(cat.PRODUCTS), n_days), np.uint8)
    pool_lo = np.zeros((n_acc, n_days), np.int32)
    pool_n = np.zeros((n_acc, n_days), np.int32)
    rate = np.zeros(n_acc, np.float64)
    core = np.zeros((n_acc, n_days), np.float32)
    explore = np.zeros((n_acc, n_days), np.float32)
    offset = np.zeros(n_acc, np.int64)
    pidx = {p: j for j, p in enumerate(cat.PRODUCT_IDS)}
    user_base = 0
    for a, (e, pool) in enumerate(zip(entities, pools, strict=True)):
        r = entity_rng(seed, e.index, STREAM_USAGE_PROFILE)
        rate[a] = float(r.lognormal(-0.33, 0.3))
        offset[a] = cat.REGION_UTC_OFFSET_HOURS[e.region] * 3600
        for s in e.subscriptions:
            if s.customer.is_test:
                continue
            p = pidx[s.product_id]
            for v in s.versions:
                i0 = max(0, v.valid_from - first_day)
                i1 = n_days if v.valid_to is None else min(n_days, v.valid_to - first_day)
                if i0 < i1:
                    mask[a, i0:i1] |= np.uint8(1 << p)
                    tier[a, p, i0:i1] = v.plan.tier
        health = np.ones(n_days)
        boost = np.zeros(n_days)
        expl = np.full(n_days, 0.006)
        for ph in e.phases:
            inside = (days >= ph.start_day) & (days <= ph.end_day)
            ramp = np.clip((days - ph.start_day) / max(1, ph.bottom_day - ph.start_day), 0, 1)
            if ph.kind == "decline":
                health = np.where(inside, np.minimum(health, 1 - (1 - ph.floor) * ramp), health)
            else:
                boost = np.where(inside, np.maximum(boost, 0.3 * ramp), boost)
                if ph.kind == "expand_tier":
                    expl = np.where(inside, np.maximum(expl, 0.006 + 0.12 * ramp), expl)
        engaged = np.clip(e.engagement * health + boost, 0.02, 0.98)
        core[a] = 0.64 * (0.4 + 0.6 * health)
        explore[a] = expl
        created_day = pool.created_sec // SECONDS_PER_DAY
        deact_day = pool.deact_sec // SECONDS_PER_DAY
        hi = np.searchsorted(created_day, days - 1, side="right")
        lo = np.searchsorted(deact_day, days, side="right")
        size = np.maximum(hi - lo, 0)
        pool_lo[a] = user_base + lo
        pool_n[a] = np.where(size > 0, np.maximum(1, np.rint(engaged * size)), 0)
        user_base += len(pool.user_ids)
    return DailyState(first_day, mask, tier, pool_lo, pool_n, rate, core, explore, offset)


def _lookup_tables() -> tuple[np.ndarray, np.ndarray]:
    """Flat lookup tables so that each event needs one gather per choice.

    PRODUCT_LUT[mask * 256 + b]: the (b mod n)-th product owned under `mask`.
    FEATURE_LUT[((product * 4 + tier) * 3 + cls) * 256 + b]: the (b mod n)-th
    feature of class cls (0 higher tier, 1 core, 2 other) available at that tier;
    at the top tier "higher" falls back to the other features.
    """
    n_p = len(cat.PRODUCTS)
    product_lut = np.zeros(8 * 256, np.int64)
    for m in range(1, 8):
        bits = [p for p in range(n_p) if m >> p & 1]
        product_lut[m * 256 : (m + 1) * 256] = [bits[b % len(bits)] for b in range(256)]
    feature_lut = np.zeros(n_p * 4 * 3 * 256, np.int32)
    for p, prod in enumerate(cat.PRODUCT_IDS):
        for t in (1, 2, 3):
            feats = [(fi, f) for fi, f in enumerate(cat.FEATURES) if f.product_id == prod]
            other = [fi for fi, f in feats if f.min_tier <= t and not f.is_core]
            classes = (
                [fi for fi, f in feats if f.min_tier > t] or other,
                [fi for fi, f in feats if f.min_tier <= t and f.is_core],
                other,
            )
            for cls, cands in enumerate(classes):
                at = ((p * 4 + t) * 3 + cls) * 256
                feature_lut[at : at + 256] = [cands[b % len(cands)] for b in range(256)]
    return product_lut, feature_lut


PRODUCT_LUT, FEATURE_LUT = _lookup_tables()
EVENT_NAMES = pa.array([f.event_name for f in cat.FEATURES], pa.string())
_U8 = np.uint64(0xFF)
_U16 = np.uint64(0xFFFF)
_TS = pa.timestamp("us", tz="UTC")


def _bits(h: np.ndarray, shift: int, mask: np.uint64) -> np.ndarray:
    return ((h >> np.uint64(shift)) & mask).astype(np.int64)


def month_events(
    seed: int,
    st: DailyState,
    account_ids: pa.Array,
    user_ids: pa.Array,
    entity_index: np.ndarray,
    d0: int,
    d1: int,
    end_sec: int,
    density: float = 1.0,
) -> pa.Table:
    """Events of days [d0, d1) (absolute day numbers) received before `end_sec`.

    Everything an account-day needs is gathered once per account-day and then
    repeated per event; per event there are two splitmix64 rounds and a few
    table lookups. `density` scales the expected events of every account-day
    (a bigger or smaller company of the same shape); 1.0 is the default demo.
    """
    i0, i1 = d0 - st.first_day, d1 - st.first_day
    # account-days with events, day-major so that rows come out roughly in time order
    live = (st.mask[:, i0:i1] > 0).T & (st.pool_n[:, i0:i1] > 0).T
    day_ix, acc_ix = np.nonzero(live)
    col = day_ix + i0
    days = d0 + day_ix.astype(np.int64)
    pool = st.pool_n[acc_ix, col].astype(np.int64)
    ent = entity_index[acc_ix].astype(np.uint64)
    base = mix(seed, _SALT_EVENT, ent, days.astype(np.uint64))
    lam = pool * st.rate[acc_ix] * _WEEKDAY_FACTOR[(days + 3) % 7] * density
    noise = np.exp(0.3 * normal(splitmix64(base ^ np.uint64(_SALT_COUNT))) - 0.045)
    counts = np.floor(lam * noise + unit(splitmix64(base + GOLDEN))).astype(np.int64)
    lo = st.pool_lo[acc_ix, col].astype(np.int64)
    mask256 = st.mask[acc_ix, col].astype(np.int64) * 256
    tiers = st.tier[acc_ix, :, col].astype(np.int64)  # (account-days, products)
    explore = st.explore[acc_ix, col].astype(np.float64)
    x16 = (explore * 65536).astype(np.int64)
    xc16 = ((explore + st.core[acc_ix, col]) * 65536).astype(np.int64)
    day_start = days * SECONDS_PER_DAY
    offset = st.utc_offset[acc_ix]
    id_base = (ent << np.uint64(40)) | (days.astype(np.uint64) << np.uint64(20))
    # one row per event
    total = int(counts.sum())
    r = np.repeat(np.arange(len(counts)), counts)
    k = (np.arange(total, dtype=np.int64) - (np.cumsum(counts) - counts)[r]).astype(np.uint64)
    with np.errstate(over="ignore"):
        h1 = splitmix64(base[r] ^ (k * GOLDEN))
    h2 = splitmix64(h1)
    user = lo[r] + ((_bits(h1, 0, _U16) * pool[r]) >> 16)
    prod = PRODUCT_LUT[mask256[r] + _bits(h1, 16, _U8)]
    tier = tiers[r, prod]
    u = _bits(h1, 24, _U16)
    cls = (u >= x16[r]).astype(np.int64) + (u >= xc16[r])
    feat = FEATURE_LUT[((prod * 4 + tier) * 3 + cls) * 256 + _bits(h1, 40, _U8)]
    # time of day: triangular over the local business day (07-20h), kept in the UTC day
    local = 7 * 3600 + (((_bits(h1, 48, _U16) + _bits(h2, 0, _U16)) * (13 * 3600)) >> 17)
    t = local - offset[r]
    t += SECONDS_PER_DAY * (t < 0) - SECONDS_PER_DAY * (t >= SECONDS_PER_DAY)
    occurred = day_start[r] + t
    # arrival lag: seconds usually, an hour-scale delay sometimes, up to two days rarely
    ul = (_bits(h2, 16, np.uint64(0xFFFFFFFF)) + 0.5) / 4294967296.0
    cls_lag = _bits(h2, 48, _U16)
    scale = np.where(cls_lag < 200, 40000.0, np.where(cls_lag < 1300, 3600.0, 30.0))
    lag = np.minimum(1 + (-np.log(ul) * scale).astype(np.int64), ARRIVAL_DAYS * SECONDS_PER_DAY)
    received = occurred + lag
    keep = received < end_sec
    if not keep.all():
        r, k, user, feat, occurred, received = (
            v[keep] for v in (r, k, user, feat, occurred, received)
        )
    return pa.table(
        {
            "event_id": event_ids(id_base[r] | k),
            "account_id": pa.DictionaryArray.from_arrays(
                pa.array(acc_ix[r].astype(np.int32)), account_ids
            ),
            "user_id": pa.DictionaryArray.from_arrays(pa.array(user.astype(np.int32)), user_ids),
            "event_name": pa.DictionaryArray.from_arrays(pa.array(feat), EVENT_NAMES),
            "occurred_at": pa.array(occurred * 1_000_000, pa.int64()).cast(_TS),
            "received_at": pa.array(received * 1_000_000, pa.int64()).cast(_TS),
        }
    )


def expected_events(st: DailyState, d0: int, d1: int, density: float = 1.0) -> float:
    """The mean number of events of days [d0, d1) that month_events draws (for ETAs)."""
    i0, i1 = d0 - st.first_day, d1 - st.first_day
    engaged = st.pool_n[:, i0:i1] * (st.mask[:, i0:i1] > 0)
    per_day = engaged.T @ st.rate
    weekday = _WEEKDAY_FACTOR[(np.arange(d0, d1) + 3) % 7]
    return float(per_day @ weekday) * density


def compact_ids(events: pa.Table) -> pa.Table:
    """The events with account and user dictionaries cut down to the ids they use.

    month_events indexes the dictionaries of every account and user known at
    the end date, so a month's file changes whenever a later account appears.
    Kept to the ids used, in the same order, a closed month's file depends on
    its own events only and keeps its bytes as the landing grows.
    """
    columns = {name: events.column(name).combine_chunks() for name in events.column_names}
    for name in ("account_id", "user_id"):
        column = columns[name]
        indices = column.indices.to_numpy()
        used = np.bincount(indices, minlength=len(column.dictionary)) > 0
        position = np.cumsum(used, dtype=np.int32) - 1
        columns[name] = pa.DictionaryArray.from_arrays(
            pa.array(position[indices]), column.dictionary.filter(pa.array(used))
        )
    return pa.table(columns)


_HEX_PAIRS = (
    np.array([[ord(f"{b:02x}"[0]), ord(f"{b:02x}"[1])] for b in range(256)], np.uint8)
    .view(np.uint16)
    .ravel()
)
_ID_PREFIX = np.frombuffer(b"ev_", np.uint8)


def event_ids(value: np.ndarray) -> pa.Array:
    """`ev_` + 16 hex digits of (entity << 40 | day << 20 | k), built without Python strings.

    Unique per (account, day, k) and therefore the same whatever range is generated.
    """
    n = len(value)
    digits = _HEX_PAIRS[value.astype(">u8").view(np.uint8).reshape(n, 8)]
    buf = np.empty((n, 19), np.uint8)
    buf[:, :3] = _ID_PREFIX
    buf[:, 3:] = digits.view(np.uint8).reshape(n, 16)
    offsets = np.arange(0, 19 * (n + 1), 19, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf))


def month_ranges(first_day: int, last_day: int) -> Iterator[tuple[str, int, int]]:
    """(YYYY-MM, first day, day after last) for each month touching [first_day, last_day]."""
    d = first_day
    while d <= last_day:
        dt = date_of(d)
        nxt = add_months(d - dt.day + 1, 1)
        yield f"{dt.year:04d}-{dt.month:02d}", d, min(nxt, last_day + 1)
        d = nxt
