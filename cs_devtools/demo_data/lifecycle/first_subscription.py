"""An account's first subscription: a trial that converts or lapses, or a paid start."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import NamedTuple

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.lifecycle.draws import LifecycleDraws, OpeningDraws
from cs_devtools.demo_data.lifecycle.engine import Engine, custom_unit_price
from cs_devtools.demo_data.model import Customer, Subscription
from cs_devtools.demo_data.timeutil import (
    SECONDS_PER_DAY,
    add_months,
    clamp_dom,
    date_of,
    next_month_start,
)

_SEATS_BY_SEGMENT = {"smb": (2, 15), "mid_market": (10, 80), "enterprise": (50, 400)}
_TRIAL_SHARE = {"smb": 0.45, "mid_market": 0.3, "enterprise": 0.1}


class Opening(NamedTuple):
    subscription: Subscription
    paid_day: int  # the first day it is paid for (a converted trial's end)


def _seats_for(seats_u: float, segment: str) -> int:
    """Seats spread log-uniformly over the segment's range."""
    fewest, most = _SEATS_BY_SEGMENT[segment]
    return round(math.exp(math.log(fewest) + seats_u * (math.log(most) - math.log(fewest))))


def open_first_subscription(engine: Engine, draws: LifecycleDraws) -> Opening | None:
    """Open the first subscription; None when it was a trial that lapsed (nothing follows).

    B2B contracts often start on the 1st of a month.
    """
    entity, opening = engine.entity, draws.opening
    segment = entity.segment
    start = clamp_dom(entity.created_day + opening.start_after_days)
    if draws.starts_on_month_first_u < (0.25 if segment == "smb" else 0.5):
        start = next_month_start(start - 1)
    customer = engine.add_customer(
        entity.currency, max(entity.created_day, start - opening.signed_days_ahead)
    )
    entity.onboarding_day = start
    if opening.trial_u < _TRIAL_SHARE[segment]:
        return _start_trial(engine, opening, customer, start)
    return _start_paid(engine, opening, customer, start)


def _terms(engine: Engine, opening: OpeningDraws) -> tuple[int, int | None, Decimal]:
    """Seats, negotiated unit price (None = list price) and discount of the first item."""
    segment = engine.entity.segment
    quantity = _seats_for(opening.seats_u, segment)
    plan = cat.plan_for(opening.product, opening.tier, opening.interval, engine.entity.currency)
    custom = (segment == "enterprise" and opening.custom_price_u < 0.6) or (
        segment == "mid_market" and opening.custom_price_u < 0.2
    )
    unit_minor = custom_unit_price(plan, opening.custom_price_factor) if custom else None
    discount = opening.discount_percent if opening.discount_u < 0.25 else Decimal(0)
    return quantity, unit_minor, discount


def _start_trial(
    engine: Engine, opening: OpeningDraws, customer: Customer, start: int
) -> Opening | None:
    entity = engine.entity
    quantity, unit_minor, discount = _terms(engine, opening)
    trial_end = clamp_dom(start + opening.trial_days)
    if date_of(start).day == 1 and opening.trial_days == 30:
        trial_end = add_months(start, 1)  # a calendar-month trial
    customer.created_sec = max(start * SECONDS_PER_DAY + 3600 * 9, entity.created_sec + 300)
    sub = engine.open_subscription(
        customer,
        opening.product,
        opening.tier,
        opening.interval,
        quantity,
        unit_minor,
        discount,
        start,
        start,
        trial_end=trial_end,
    )
    engine.record_event(start, "trial_start", opening.product, f"trial until {trial_end}")
    decided = trial_end - opening.trial_decided_days_before_end
    if not opening.trial_converts:
        engine.end_subscription(sub, trial_end, decided, "trial_lapse")
        engine.add_opportunity(
            "new_business", sub, sub.current.mrr_minor() * 12, start - 5, decided, False, None
        )
        return None
    engine.add_opportunity(
        "new_business", sub, sub.current.mrr_minor() * 12, start - 5, decided, True, trial_end
    )
    engine.record_event(trial_end, "new", opening.product, sub.current.plan.plan_id)
    return Opening(sub, trial_end)


def _start_paid(engine: Engine, opening: OpeningDraws, customer: Customer, start: int) -> Opening:
    entity = engine.entity
    quantity, unit_minor, discount = _terms(engine, opening)
    signed_ahead = opening.signed_ahead_u < (0.1 if entity.segment == "smb" else 0.25)
    close = max(entity.created_day, start - opening.signed_days_ahead) if signed_ahead else start
    booked = close if (not signed_ahead or opening.booked_when_signed) else start
    sub = engine.open_subscription(
        customer,
        opening.product,
        opening.tier,
        opening.interval,
        quantity,
        unit_minor,
        discount,
        start,
        booked,
    )
    engine.add_opportunity(
        "new_business",
        sub,
        sub.current.mrr_minor() * 12,
        close - int(20 + 40 * opening.custom_price_factor),
        close,
        True,
        start,
    )
    engine.record_event(start, "new", opening.product, sub.current.plan.plan_id)
    return Opening(sub, start)
