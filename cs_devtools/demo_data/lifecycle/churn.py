"""Churn (involuntary after failed payments, immediate, or at period end) and reactivation."""

from __future__ import annotations

from decimal import Decimal

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.lifecycle.draws import ChurnDraws, ReactivationDraws
from cs_devtools.demo_data.lifecycle.engine import Engine, custom_unit_price
from cs_devtools.demo_data.model import Churn, UsagePhase
from cs_devtools.demo_data.timeutil import SECONDS_PER_DAY, clamp_dom

_DUNNING_RETRY_DAYS = (0, 3, 7, 12)  # a failed renewal payment is retried on these days
_CHURN_COMMENTS = {
    "low_adoption": "Team stopped using it after the champion left",
    "too_expensive": "Renewal price not justified",
    "switched_competitor": "Moved to a competitor with bundled pricing",
    "missing_features": "Needed workflows we do not offer",
    "poor_support": "Escalations took too long",
    "budget_cut": "Marketing budget frozen",
    "business_closed": "Company ceased trading",
    "acquired": "Acquired; tools consolidated",
    "payment_failed": "Dunning exhausted",
}


def churn(
    engine: Engine, day: int, mode: str, reason: str, declining: bool, draws: ChurnDraws
) -> int | None:
    """End every active subscription; returns the effective day (None: nothing to end).

    The first churn of an entity is its recorded `Churn`; a declining account's
    usage declines over the days before it.
    """
    entity = engine.entity
    subs = engine.active_subscriptions(day)
    if not subs:
        return None
    main = subs[0]
    current = main.current
    if mode == "involuntary":
        boundary = engine.next_boundary(main, max(day, current.valid_from))
        effective, notice, known = boundary + 14, boundary, boundary + 14
        main.dunning[engine.period_index(main, boundary)] = (4, False)
        for retry in _DUNNING_RETRY_DAYS:
            engine.record_event(
                boundary + retry, "payment_failure", main.product_id, "renewal payment failed"
            )
        code: str | None = cat.INVOLUNTARY_REASON
    elif mode == "immediate":
        effective = max(day, max(s.current.valid_from for s in subs) + 1)
        notice = max(effective - draws.immediate_notice_days, max(s.current.known_at for s in subs))
        known = notice
        code = reason
    else:
        effective = engine.next_boundary(main, max(day, current.valid_from))
        notice = max(effective - draws.notice_days, max(s.current.known_at for s in subs), day - 30)
        known = notice
        code = reason
    if draws.reason_recorded_u >= (0.9 if mode == "involuntary" else 0.85):
        code = None
    for sub in subs:
        engine.end_subscription(sub, effective, known, mode)
    notice_sec = notice * SECONDS_PER_DAY + 3600 * 11 + 60 * (entity.index % 60)
    entity.churn = entity.churn or Churn(
        notice,
        notice_sec,
        effective,
        main.sub_id,
        code,
        mode,
        _CHURN_COMMENTS.get(code or "", ""),
    )
    engine.record_event(notice, "churn_notice", main.product_id, code or "no reason recorded")
    engine.record_event(effective, "churn", None, mode)
    if declining:
        usage_from = effective - draws.decline_days
        entity.phases.append(UsagePhase("decline", usage_from, effective, effective, 0.12))
    return effective


def reactivate(engine: Engine, day: int, draws: ReactivationDraws) -> None:
    """A churned account returns with its last product, plan and seats, on a new subscription."""
    entity = engine.entity
    if engine.active_subscriptions(day):
        return
    last = max(
        (s for s in entity.subscriptions if not s.customer.is_test), key=lambda s: s.start_day
    )
    plan = last.versions[-1].plan
    start = clamp_dom(day)
    unit = None if draws.list_price_u < 0.5 else custom_unit_price(plan, draws.price_factor)
    sub = engine.open_subscription(
        last.customer,
        last.product_id,
        plan.tier,
        plan.interval,
        last.versions[-1].quantity,
        unit,
        Decimal(0),
        start,
        start,
    )
    price = "list price" if unit is None else "custom price"
    engine.record_event(start, "reactivation", sub.product_id, price)
    engine.add_opportunity(
        "new_business", sub, sub.current.mrr_minor() * 12, start - 20, start, True, start
    )
