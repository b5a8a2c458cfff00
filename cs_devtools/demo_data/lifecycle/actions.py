"""The changes planned after the first subscription, applied in day order.

The trajectory decides which changes are planned (discount end, seat growth,
expansions, a contraction, churn); a churn may plan a reactivation. Actions of
the same day apply in ActionKind order.
"""

from __future__ import annotations

import heapq
from decimal import Decimal
from enum import IntEnum
from typing import NamedTuple

from cs_devtools.demo_data.lifecycle.churn import churn, reactivate
from cs_devtools.demo_data.lifecycle.contraction import contract
from cs_devtools.demo_data.lifecycle.draws import LifecycleDraws
from cs_devtools.demo_data.lifecycle.engine import Engine
from cs_devtools.demo_data.lifecycle.expansion import add_seats, expand
from cs_devtools.demo_data.lifecycle.first_subscription import Opening
from cs_devtools.demo_data.lifecycle.horizon import months_after
from cs_devtools.demo_data.model import Subscription
from cs_devtools.demo_data.timeutil import add_months


class ActionKind(IntEnum):
    """What an action does; the value orders the actions of one day."""

    DISCOUNT_END = 0
    SEAT_ADD = 1
    EXPAND = 2
    CONTRACT = 3
    CHURN = 5
    REACTIVATE = 6


class DiscountEnd(NamedTuple):
    subscription: Subscription


class SeatAdd(NamedTuple):
    growth_factor: float


class Expand(NamedTuple):
    step: int  # index into the expansion draws' steps


class Contract(NamedTuple):
    pass


class ChurnPlan(NamedTuple):
    mode: str  # involuntary | immediate | period_end
    reason: str
    declining: bool  # usage declines before it (not so for an unavoidable churn)


class Reactivate(NamedTuple):
    list_price_u: float


class Action(NamedTuple):
    # Compared as a tuple by the heap: day, then kind, then the payload.
    day: int
    kind: ActionKind
    payload: DiscountEnd | SeatAdd | Expand | Contract | ChurnPlan | Reactivate


def plan_actions(engine: Engine, draws: LifecycleDraws, opening: Opening) -> list[Action]:
    """The actions the account's trajectory plans from its first paid day."""
    sub, paid = opening
    actions: list[Action] = []
    if sub.current.discount > 0:
        ends = engine.next_boundary(sub, add_months(paid, draws.opening.discount_months) - 1)
        actions.append(Action(ends, ActionKind.DISCOUNT_END, DiscountEnd(sub)))
    trajectory = engine.entity.trajectory
    if trajectory == "declining":
        mode_u = draws.churn.mode_u
        mode = "involuntary" if mode_u < 0.25 else "immediate" if mode_u < 0.55 else "period_end"
        day = months_after(paid, draws.churn.after_months)
        actions.append(Action(day, ActionKind.CHURN, ChurnPlan(mode, draws.churn.reason, True)))
    elif trajectory == "contracting":
        day = months_after(paid, draws.contraction.after_months)
        actions.append(Action(day, ActionKind.CONTRACT, Contract()))
    elif trajectory == "expanding":
        day = months_after(paid, draws.expansion.first_after_months)
        for k in range(draws.expansion.count):
            actions.append(Action(day, ActionKind.EXPAND, Expand(k)))
            day = months_after(day, draws.expansion.steps[k].months_to_next)
    unavoidable = draws.unavoidable_churn
    if trajectory in ("healthy", "expanding") and unavoidable.happens_u < 0.06:
        mode = "period_end" if unavoidable.mode_u < 0.7 else "immediate"
        day = months_after(paid, unavoidable.after_months)
        actions.append(Action(day, ActionKind.CHURN, ChurnPlan(mode, unavoidable.reason, False)))
    if trajectory == "healthy" and sub.current.plan.pricing_model == "per_seat":
        for year, seat_add in enumerate(draws.seat_adds):
            if seat_add.happens_u < 0.35:
                day = months_after(paid, 12 * year + seat_add.month_in_year + 2)
                actions.append(Action(day, ActionKind.SEAT_ADD, SeatAdd(seat_add.growth_factor)))
    return actions


def run_actions(engine: Engine, actions: list[Action], draws: LifecycleDraws) -> None:
    """Apply the actions in (day, kind) order up to the horizon."""
    heapq.heapify(actions)
    while actions:
        action = heapq.heappop(actions)
        day, payload = action.day, action.payload
        if day > engine.horizon:
            break
        if isinstance(payload, DiscountEnd):
            _end_discount(engine, day, payload.subscription)
        elif isinstance(payload, SeatAdd):
            add_seats(engine, day, payload.growth_factor)
        elif isinstance(payload, Expand):
            expand(engine, day, draws.expansion.steps[payload.step])
        elif isinstance(payload, Contract):
            contract(engine, day, draws.contraction)
        elif isinstance(payload, ChurnPlan):
            effective = churn(
                engine, day, payload.mode, payload.reason, payload.declining, draws.churn
            )
            comes_back = draws.reactivation.returns_u < 0.3
            if effective is not None and payload.declining and comes_back:
                back = effective + draws.reactivation.days_away
                reactivation = Reactivate(draws.reactivation.list_price_u)
                heapq.heappush(actions, Action(back, ActionKind.REACTIVATE, reactivation))
        elif isinstance(payload, Reactivate):
            reactivate(engine, day, draws.reactivation)


def _end_discount(engine: Engine, day: int, sub: Subscription) -> None:
    """The introductory discount ends: back to the full price."""
    if engine.change_version(sub, day, day, discount=Decimal(0)) is not None:
        ended = sub.versions[-2].discount
        engine.record_event(day, "discount_end", sub.product_id, f"discount {ended}% ended")
