"""Applies lifecycle changes to one entity, keeping its SCD2 item versions consistent.

Every change closes the current version and opens the next one, with the day it
takes effect and the day it became known, so the landing cut at any end date
shows what a live export would have shown that day.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.lifecycle.attributes import BILLING_ONLY_BLANK
from cs_devtools.demo_data.model import (
    Customer,
    Entity,
    LifecycleEvent,
    Opportunity,
    Subscription,
    Version,
)
from cs_devtools.demo_data.timeutil import SECONDS_PER_DAY, add_months

TEST_CUSTOMER_NUMBER = 9  # a QA billing customer is always cus_<index>_9


def custom_unit_price(plan: cat.Plan, factor: float) -> int:
    """A negotiated unit price: `factor` of the plan's list price, in minor units."""
    return max(1, round(plan.unit_minor * factor))


class Engine:
    """The entity's customers, subscriptions, opportunities and events, changed consistently."""

    def __init__(self, entity: Entity, horizon: int) -> None:
        self.entity = entity
        self.horizon = horizon
        self.subscriptions_opened = 0
        self.opportunities_opened = 0

    # -- ids and records
    def add_customer(self, currency: str, day: int, is_test: bool = False) -> Customer:
        entity = self.entity
        number = (
            TEST_CUSTOMER_NUMBER
            if is_test
            else len([c for c in entity.customers if not c.is_test]) + 1
        )
        if entity.kind == "crm":
            account_id: str | None = entity.account_id
        elif entity.index % 250 == BILLING_ONLY_BLANK:
            account_id = None
        else:
            account_id = f"acc_legacy_{entity.index:06d}"
        created = max(day * SECONDS_PER_DAY + 9 * 3600 + 60 * number, entity.created_sec + 300)
        customer = Customer(
            f"cus_{entity.index:06d}_{number}", account_id, currency, created, is_test
        )
        entity.customers.append(customer)
        return customer

    def record_event(self, day: int, kind: str, product: str | None, detail: str = "") -> None:
        self.entity.events.append(LifecycleEvent(day, kind, product, detail))

    def add_opportunity(
        self,
        kind: str,
        sub: Subscription,
        amount: Fraction,
        created: int,
        close: int,
        won: bool,
        contract_start: int | None,
    ) -> None:
        self.opportunities_opened += 1
        contract_end = (
            None
            if contract_start is None
            else add_months(contract_start, max(12, sub.interval)) - 1
        )
        self.entity.opportunities.append(
            Opportunity(
                f"opp_{self.entity.index:06d}_{self.opportunities_opened:03d}",
                kind,
                sub.product_id,
                sub.customer.currency,
                max(0, round(amount)),
                min(created, close),
                close,
                won,
                contract_start,
                contract_end,
            )
        )

    # -- subscriptions
    def open_subscription(
        self,
        customer: Customer,
        product: str,
        tier: int,
        interval: int,
        quantity: int,
        unit_minor: int | None,
        discount: Decimal,
        start: int,
        booked: int,
        trial_end: int | None = None,
        number: int | None = None,
    ) -> Subscription:
        plan = cat.plan_for(product, tier, interval, customer.currency)
        if number is None:
            self.subscriptions_opened += 1
            number = self.subscriptions_opened
        index = self.entity.index
        sub = Subscription(
            sub_id=f"sub_{index:06d}_{number:02d}",
            customer=customer,
            product_id=product,
            booked_day=booked,
            created_sec=max(
                booked * SECONDS_PER_DAY + 3600 * 10 + 60 * number, customer.created_sec + 60
            ),
            start_day=start,
            trial_end=trial_end,
            anchor=trial_end if trial_end is not None else start,
            interval=plan.interval,
        )
        sub.versions.append(
            Version(
                f"si_{index:06d}_{number:02d}",
                plan,
                quantity if plan.pricing_model == "per_seat" else 1,
                unit_minor,
                discount,
                start,
                booked,
            )
        )
        self.entity.subscriptions.append(sub)
        return sub

    def next_boundary(self, sub: Subscription, day: int) -> int:
        """First billing period boundary strictly after `day` (and after the anchor)."""
        periods = 1
        boundary = add_months(sub.anchor, sub.interval)
        while boundary <= day:
            periods += 1
            boundary = add_months(sub.anchor, periods * sub.interval)
        return boundary

    def period_index(self, sub: Subscription, boundary: int) -> int:
        """The number of the billing period that starts on `boundary` (0 = the first)."""
        periods = 0
        while add_months(sub.anchor, periods * sub.interval) < boundary:
            periods += 1
        return periods

    def active_subscriptions(self, day: int) -> list[Subscription]:
        """Subscriptions that are running and not cancelled as of `day`."""
        return [
            s
            for s in self.entity.subscriptions
            if not s.customer.is_test
            and s.canceled_day is None
            and s.ended_day is None
            and s.booked_day <= day
        ]

    def change_version(
        self,
        sub: Subscription,
        effective: int,
        known: int,
        *,
        tier: int | None = None,
        quantity: int | None = None,
        discount: Decimal | None = None,
    ) -> Version | None:
        """Close the current version at `effective` and open the changed one, known at `known`.

        None when the change cannot happen: the subscription has ended, the
        change would precede the current version, or falls past the horizon.
        """
        current = sub.current
        if sub.canceled_day is not None or sub.ended_day is not None:
            return None
        if effective <= current.valid_from or known < current.known_at or effective > self.horizon:
            return None
        plan = (
            current.plan
            if tier is None
            else cat.plan_for(sub.product_id, tier, sub.interval, sub.customer.currency)
        )
        seats = current.quantity if quantity is None else quantity
        from_flat = current.plan.pricing_model == "flat"
        if plan.pricing_model == "per_seat" and from_flat and quantity is None:
            seats = max(1, round((current.plan.included_seats or 1) * self.entity.seat_fill))
        if plan.pricing_model == "flat":
            seats = 1
        new = Version(
            current.item_id,
            plan,
            seats,
            current.unit_minor,
            current.discount if discount is None else discount,
            effective,
            known,
        )
        if plan.plan_id != current.plan.plan_id and current.unit_minor is not None:
            # a negotiated price keeps its ratio to the list price on the new plan
            new.unit_minor = round(plan.unit_minor * current.unit_minor / current.plan.unit_minor)
        current.valid_to, current.to_known_at = effective, known
        sub.versions.append(new)
        return new

    def end_subscription(self, sub: Subscription, effective: int, known: int, mode: str) -> int:
        """End `sub` on `effective` (known on `known`); returns the day it really ends."""
        current = sub.current
        effective = max(effective, current.valid_from + 1)
        known = max(min(known, effective), current.known_at)
        current.valid_to, current.to_known_at = effective, known
        sub.canceled_day, sub.ended_day, sub.cancel_mode = known, effective, mode
        return effective
