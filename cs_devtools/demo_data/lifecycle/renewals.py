"""Opportunities that follow the subscriptions: annual renewals and lost expansion attempts.

They draw from their own stream (STREAM_OPPORTUNITIES), after the lifecycle is
known, so they never shift the lifecycle's draws.
"""

from __future__ import annotations

import numpy as np

from cs_devtools.demo_data.hashing import STREAM_OPPORTUNITIES, entity_rng
from cs_devtools.demo_data.lifecycle.engine import Engine
from cs_devtools.demo_data.lifecycle.horizon import SIM_YEARS, months_after
from cs_devtools.demo_data.model import Opportunity, Subscription
from cs_devtools.demo_data.timeutil import add_months


def add_follow_up_opportunities(engine: Engine, seed: int) -> None:
    """Renewals of annual subscriptions, then a few lost expansions of healthy accounts."""
    rng = entity_rng(seed, engine.entity.index, STREAM_OPPORTUNITIES)
    for sub in list(engine.entity.subscriptions):
        if sub.interval >= 12 and not sub.customer.is_test:
            _add_renewals(engine, sub, rng)
    _add_lost_expansions(engine, rng)


def _add_renewals(engine: Engine, sub: Subscription, rng: np.random.Generator) -> None:
    """One renewal opportunity per term end up to the horizon (or the subscription's end)."""
    entity = engine.entity
    term = 1
    while True:
        term_end = add_months(sub.anchor, 12 * term)
        if term_end > engine.horizon:
            break
        close_lag = int(rng.integers(0, 21))
        if sub.ended_day is not None and sub.ended_day < term_end:
            break
        version = sub.version_at(term_end - 1) or sub.current
        engine.opportunities_opened += 1
        won = sub.ended_day is None or sub.ended_day > term_end
        close = term_end - close_lag if won else (sub.canceled_day or term_end)
        entity.opportunities.append(
            Opportunity(
                f"opp_{entity.index:06d}_r{sub.sub_id[-2:]}{term:02d}",
                "renewal",
                sub.product_id,
                sub.customer.currency,
                round(version.mrr_minor() * 12),
                term_end - 90,
                close,
                won,
                term_end,
                add_months(term_end, 12) - 1,
            )
        )
        term += 1


def _add_lost_expansions(engine: Engine, rng: np.random.Generator) -> None:
    """Each year a healthy account may try to expand its first subscription, and not do it."""
    entity = engine.entity
    for year in range(SIM_YEARS):
        happens_u, month_in_year = rng.random(), float(rng.uniform(0, 12))
        if entity.trajectory != "healthy" or happens_u >= 0.15 or not entity.subscriptions:
            continue
        sub = entity.subscriptions[0]
        day = months_after(sub.anchor, 12 * year + month_in_year)
        if sub.ended_day is None or day < sub.ended_day:
            entity.opportunities.append(
                Opportunity(
                    f"opp_{entity.index:06d}_l{year:02d}",
                    "expansion",
                    sub.product_id,
                    sub.customer.currency,
                    round(sub.current.mrr_minor() * 6),
                    day - 40,
                    day,
                    False,
                    None,
                    None,
                )
            )
