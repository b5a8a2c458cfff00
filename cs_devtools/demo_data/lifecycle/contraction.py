"""A contracting account's downgrade: a product removed, seats cut, a lower tier or a discount."""

from __future__ import annotations

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.lifecycle.draws import ContractionDraws
from cs_devtools.demo_data.lifecycle.engine import Engine
from cs_devtools.demo_data.model import UsagePhase


def contract(engine: Engine, day: int, draws: ContractionDraws) -> None:
    """Decided on `day`, effective at the next period boundary; usage declines before it."""
    subs = engine.active_subscriptions(day)
    if not subs:
        return
    main = subs[0]
    current = main.current
    if len(subs) > 1:
        removed = subs[-1]
        boundary = engine.next_boundary(removed, max(day, removed.current.valid_from))
        effective = engine.end_subscription(removed, boundary, day, "period_end")
        engine.record_event(effective, "downgrade", removed.product_id, "product_removed")
    else:
        effective = engine.next_boundary(main, max(day, current.valid_from))
        if current.plan.pricing_model == "per_seat" and current.quantity > 2:
            seats = max(1, round(current.quantity * draws.seat_factor))
            changed = engine.change_version(main, effective, day, quantity=seats)
            detail = f"seats {current.quantity}->{seats}"
        elif (
            current.plan.tier > 1
            and cat.plan_for(
                main.product_id, current.plan.tier - 1, main.interval, main.customer.currency
            ).unit_minor
            < current.interval_amount()
        ):
            changed = engine.change_version(main, effective, day, tier=current.plan.tier - 1)
            detail = f"tier {current.plan.tier}->{current.plan.tier - 1}"
        else:
            discount = draws.retention_discount
            changed = engine.change_version(main, effective, day, discount=discount)
            detail = f"retention discount {discount}%"
        if changed is None:
            return
        engine.record_event(effective, "downgrade", main.product_id, detail)
    usage_from = day - draws.decline_days
    engine.entity.phases.append(UsagePhase("decline", usage_from, day, effective, 0.45))
