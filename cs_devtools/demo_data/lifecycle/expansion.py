"""Growth of an account: seats added, a tier upgrade, or a cross-sold product."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.lifecycle.draws import ExpansionStep
from cs_devtools.demo_data.lifecycle.engine import Engine
from cs_devtools.demo_data.model import Subscription, UsagePhase, Version


def add_seats(engine: Engine, day: int, growth_factor: float) -> None:
    """A healthy per-seat account's yearly seat growth, won as an expansion."""
    subs = engine.active_subscriptions(day)
    if not subs or subs[0].current.plan.pricing_model != "per_seat":
        return
    sub = subs[0]
    seats_before = sub.current.quantity
    seats_after = max(seats_before + 1, math.ceil(seats_before * growth_factor))
    mrr_before = sub.current.mrr_minor()
    if engine.change_version(sub, day, day, quantity=seats_after) is None:
        return
    engine.record_event(day, "upgrade", sub.product_id, f"seats {seats_before}->{seats_after}")
    engine.add_opportunity(
        "expansion", sub, (sub.current.mrr_minor() - mrr_before) * 12, day - 21, day, True, day
    )


def _expansion_kind(main: Subscription, owned: set[str], kind_u: float) -> str | None:
    """Seats, tier or cross-sell, as far as the account can still grow that way."""
    current = main.current
    unowned = [p for p in cat.PRODUCT_IDS if p not in owned]
    if current.plan.pricing_model == "per_seat" and kind_u < 0.55:
        return "seats"
    if current.plan.tier < 3 and kind_u < 0.85:
        return "tier"
    if unowned:
        return "cross_sell"
    if current.plan.tier < 3:
        return "tier"
    if current.plan.pricing_model == "per_seat":
        return "seats"
    return None


def expand(engine: Engine, day: int, step: ExpansionStep) -> None:
    """One expansion of an expanding account on `day`, with usage rising before it."""
    subs = engine.active_subscriptions(day)
    if not subs:
        return
    main = subs[0]
    owned = {s.product_id for s in subs}
    kind = _expansion_kind(main, owned, step.kind_u)
    if kind is None:
        return
    usage_from = day - step.usage_lead_days
    if kind == "cross_sell":
        _cross_sell(engine, day, main, owned, step, usage_from)
        return
    current = main.current
    mrr_before = current.mrr_minor()
    if kind == "seats":
        seats = max(current.quantity + 1, math.ceil(current.quantity * step.seat_factor))
        effective = day
        changed = engine.change_version(main, day, day, quantity=seats)
        detail = f"seats {current.quantity}->{seats}"
    else:
        effective = day
        if main.interval >= 12 and step.scheduled_ahead_u < 0.3:
            effective = day + step.scheduled_days_ahead
        changed = _upgrade_tier(engine, main, effective, day)
        detail = f"tier {current.plan.tier}->{current.plan.tier + 1}"
    if changed is None:
        return
    engine.record_event(effective, "upgrade", main.product_id, detail)
    engine.add_opportunity(
        "expansion", main, (changed.mrr_minor() - mrr_before) * 12, day - 25, day, True, effective
    )
    phase = "expand" if kind == "seats" else "expand_tier"
    engine.entity.phases.append(UsagePhase(phase, usage_from, day, effective, 0.0))


def _cross_sell(
    engine: Engine,
    day: int,
    main: Subscription,
    owned: set[str],
    step: ExpansionStep,
    usage_from: int,
) -> None:
    """A product the account does not have yet, sometimes billed to a second customer."""
    entity = engine.entity
    current = main.current
    unowned = [p for p in cat.PRODUCT_IDS if p not in owned]
    product = unowned[int(step.cross_sell_product_u * len(unowned))]
    customer = main.customer
    billing_customers = [c for c in entity.customers if not c.is_test]
    if len(billing_customers) == 1 and step.second_customer_u < 0.35:
        others = [c for c in cat.CURRENCIES if c != entity.currency]
        currency = (
            entity.currency
            if step.second_currency_u < 0.5
            else others[int(step.second_currency_u * 4) % 2]
        )
        customer = engine.add_customer(currency, day)
    tier = max(1, current.plan.tier - (1 if entity.segment == "smb" else 0))
    new = engine.open_subscription(
        customer,
        product,
        tier,
        main.interval,
        max(2, round(current.seats() * 0.5)),
        None,
        Decimal(0),
        day,
        day,
    )
    engine.record_event(day, "cross_sell", product, new.current.plan.plan_id)
    engine.add_opportunity(
        "cross_sell", new, new.current.mrr_minor() * 12, day - 30, day, True, day
    )
    entity.phases.append(UsagePhase("expand", usage_from, day, day, 0.0))


def _upgrade_tier(engine: Engine, main: Subscription, effective: int, known: int) -> Version | None:
    """One tier up; a per-seat plan gets enough seats to cost more than the current one."""
    current = main.current
    up = cat.plan_for(main.product_id, current.plan.tier + 1, main.interval, main.customer.currency)
    seats = None
    if up.pricing_model == "per_seat":
        unit = (
            up.unit_minor
            if current.unit_minor is None
            else round(up.unit_minor * current.unit_minor / current.plan.unit_minor)
        )
        discounted_unit = max(1, unit) * (1 - Fraction(str(current.discount)) / 100)
        fewest_costing_more = math.floor(current.interval_amount() / discounted_unit) + 1
        seats = max(
            fewest_costing_more,
            current.seats()
            if current.plan.pricing_model == "per_seat"
            else round((current.plan.included_seats or 1) * engine.entity.seat_fill),
        )
    return engine.change_version(main, effective, known, tier=current.plan.tier + 1, quantity=seats)
