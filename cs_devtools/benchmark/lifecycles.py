"""Who pays for what, when: subscriptions and their item versions, as numpy columns.

Vectorised (no Python loop per account), so a million accounts take seconds.
Days are offsets from the landing window's first day; prices are chosen so
every item MRR is exact at 4 decimals (see `catalog.bench_plans`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cs_devtools.benchmark.catalog import PRODUCT_IDS, BenchPlan

# Lifecycle parameters, tuned so 100 k accounts over 60 months give ~26 paying
# months per account, like the 2.6 M customer-months.
MEAN_LIFETIME_MONTHS = 55.0
REACTIVATION_SHARE = 0.25
PRODUCTS_PER_ACCOUNT_P = (0.55, 0.30, 0.15)  # 1, 2 or 3 products
EXTRA_VERSIONS_MEAN = 1.5  # versions per item = 1 + Poisson, capped
MAX_VERSIONS = 5
DISCOUNTS = np.array([0, 0, 0, 0, 5, 10, 15, 20])
DAYS_PER_MONTH = 30.4375


def _group_positions(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of `counts` rows: each row's group and its 0-based position in it."""
    group = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return group, np.arange(int(counts.sum())) - starts[group]


@dataclass
class Subscriptions:
    """One row per subscription (one product of one account in one paying stint)."""

    account: np.ndarray
    product: np.ndarray
    start: np.ndarray  # day offset
    end: np.ndarray  # day offset; meaningful where `ended`
    ended: np.ndarray


def _stints(rng: np.random.Generator, accounts: int, horizon: int) -> tuple[np.ndarray, ...]:
    """Paying stints: every account's first one and, for some churned accounts, a return.

    Returns (account, start, end, ended) per stint, day offsets from WINDOW_START.
    """
    start = rng.integers(0, int(horizon * 0.9), accounts)
    life = np.maximum(rng.exponential(MEAN_LIFETIME_MONTHS * DAYS_PER_MONTH, accounts), 31)
    end = start + life.astype(np.int64)
    ended = end < horizon
    returns = ended & (rng.random(accounts) < REACTIVATION_SHARE)
    back = end + rng.integers(45, 300, accounts)
    returns &= back < horizon
    life2 = np.maximum(rng.exponential(MEAN_LIFETIME_MONTHS * DAYS_PER_MONTH, accounts), 31)
    end2 = back + life2.astype(np.int64)
    account = np.concatenate([np.arange(accounts), np.flatnonzero(returns)])
    starts = np.concatenate([start, back[returns]])
    ends = np.concatenate([end, end2[returns]])
    return account, starts, ends, ends < horizon


def build_subscriptions(rng: np.random.Generator, accounts: int, horizon: int) -> Subscriptions:
    """1–3 products per stint; later products are cross-sold during the stint."""
    account, start, end, ended = _stints(rng, accounts, horizon)
    per_account = rng.choice([1, 2, 3], size=accounts, p=PRODUCTS_PER_ACCOUNT_P)
    n_products = per_account[account]
    stint, position = _group_positions(n_products)
    # A random distinct product per position: rotate from a random first product.
    first_product = rng.integers(0, len(PRODUCT_IDS), len(account))
    product = (first_product[stint] + position) % len(PRODUCT_IDS)
    s_start, s_end = start[stint], np.minimum(end[stint], horizon)
    delay = (rng.random(len(stint)) * 0.6 * (s_end - s_start)).astype(np.int64)
    sub_start = s_start + np.where(position == 0, 0, delay)
    return Subscriptions(account[stint], product, sub_start, end[stint], ended[stint])


@dataclass
class Versions:
    """One row per subscription item version (item i = subscription i)."""

    subscription: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray
    has_end: np.ndarray
    plan: np.ndarray  # index into bench_plans()
    quantity: np.ndarray
    unit_cents: np.ndarray  # item's own price; -1 = the plan's
    discount: np.ndarray


def build_versions(
    rng: np.random.Generator, subs: Subscriptions, horizon: int, plans: list[BenchPlan]
) -> Versions:
    """Split each subscription's life into versions: seat, tier and price changes."""
    n = len(subs.start)
    span = np.where(subs.ended, subs.end, horizon) - subs.start
    count = np.minimum(1 + rng.poisson(EXTRA_VERSIONS_MEAN, n), MAX_VERSIONS)
    count = np.maximum(np.minimum(count, span), 1)
    sub, pos = _group_positions(count)
    # Strictly increasing change days inside [start, end): cumulative random
    # weights scaled into span - count days, plus the position.
    weight = rng.exponential(1.0, len(sub))
    cum = np.cumsum(weight)
    group_start = np.cumsum(count) - count
    before = cum - weight - (cum - weight)[group_start][sub]
    total = cum[group_start + count - 1][sub] - (cum - weight)[group_start][sub]
    offset = np.floor(before / total * (span[sub] - count[sub])).astype(np.int64)
    valid_from = subs.start[sub] + offset + pos
    is_last = pos == count[sub] - 1
    next_from = np.append(valid_from[1:], 0)
    valid_to = np.where(is_last, subs.end[sub], next_from)
    has_end = ~is_last | subs.ended[sub]
    return Versions(
        subscription=sub,
        valid_from=valid_from,
        valid_to=valid_to,
        has_end=has_end,
        **_version_prices(rng, subs, sub, pos, plans),
    )


def _version_prices(
    rng: np.random.Generator,
    subs: Subscriptions,
    sub: np.ndarray,
    pos: np.ndarray,
    plans: list[BenchPlan],
) -> dict[str, np.ndarray]:
    """Plan (tier random walk, fixed interval), seats (random walk) and negotiated prices."""
    n_subs, n_versions = len(subs.start), len(sub)
    tier0 = rng.integers(1, 4, n_subs)
    annual = rng.random(n_subs) < 0.3
    step = np.where(pos == 0, 0, rng.choice([-1, 0, 0, 1], n_versions))
    tier = np.clip(tier0[sub] + _cumsum_by_group(step, sub), 1, 3)
    product = subs.product[sub]
    plan_index = {(p.product_id, p.tier, p.interval): i for i, p in enumerate(plans)}
    lookup = np.zeros((len(PRODUCT_IDS), 4, 13), dtype=np.int64)
    for (product_id, t, interval), i in plan_index.items():
        lookup[PRODUCT_IDS.index(product_id), t, interval] = i
    plan = lookup[product, tier, np.where(annual[sub], 12, 1)]
    seats0 = np.maximum(rng.lognormal(2.0, 1.0, n_subs).astype(np.int64), 1)
    seat_step = np.where(pos == 0, 0, rng.integers(-3, 8, n_versions))
    quantity = np.maximum(seats0[sub] + _cumsum_by_group(seat_step, sub), 1)
    plan_cents = np.array([p.unit_cents for p in plans])[plan]
    negotiated = rng.random(n_versions) < 0.2
    factor = rng.choice([80, 90, 95, 110], n_versions)
    own = plan_cents * factor // 100 // 12 * 12  # keeps annual prices a multiple of 12 cents
    unit_cents = np.where(negotiated, own, -1)
    discount = DISCOUNTS[rng.integers(0, len(DISCOUNTS), n_subs)][sub]
    return {"plan": plan, "quantity": quantity, "unit_cents": unit_cents, "discount": discount}


def _cumsum_by_group(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Running sum of `values` restarting at each group (rows sorted by group)."""
    total = np.cumsum(values)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    base = np.repeat(total[starts] - values[starts], np.diff(np.r_[starts, len(values)]))
    return total - base
