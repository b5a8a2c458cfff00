"""Data classes of one simulated entity (a CRM account or a billing-only customer).

Every object carries the day it became known (`known_at`, booking day) next to
the day it takes effect, so that a landing cut at any end date shows exactly
what a live export would have shown that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from cs_devtools.demo_data.catalog import Plan


@dataclass
class Customer:
    customer_id: str
    account_id: str | None
    currency: str
    created_sec: int
    is_test: bool = False


@dataclass
class Version:
    """One SCD2 version of a subscription item."""

    item_id: str
    plan: Plan
    quantity: int
    unit_minor: int | None
    discount: Decimal
    valid_from: int
    known_at: int
    valid_to: int | None = None
    to_known_at: int | None = None
    _amount: Fraction | None = field(default=None, repr=False, compare=False)

    @property
    def price_minor(self) -> int:
        return self.plan.unit_minor if self.unit_minor is None else self.unit_minor

    def interval_amount(self) -> Fraction:
        """Amount per billing interval after discount, in minor units (exact)."""
        if self._amount is None:
            qty = self.quantity if self.plan.pricing_model == "per_seat" else 1
            self._amount = Fraction(self.price_minor * qty) * (
                1 - Fraction(str(self.discount)) / 100
            )
        return self._amount

    def mrr_minor(self) -> Fraction:
        """Item MRR in minor units, exact (docs/metrics.md, MRR)."""
        return self.interval_amount() / self.plan.interval

    def seats(self) -> int:
        """Licensed seats: per-seat quantity or the flat plan's allowance."""
        if self.plan.pricing_model == "per_seat":
            return self.quantity
        return self.plan.included_seats or 1


@dataclass
class Subscription:
    sub_id: str
    customer: Customer
    product_id: str
    booked_day: int
    created_sec: int
    start_day: int
    trial_end: int | None
    anchor: int
    interval: int
    versions: list[Version] = field(default_factory=list)
    canceled_day: int | None = None
    ended_day: int | None = None
    cancel_mode: str | None = None
    # billing period index -> (failed attempts, recovered)
    dunning: dict[int, tuple[int, bool]] = field(default_factory=dict)

    @property
    def current(self) -> Version:
        return self.versions[-1]

    def version_at(self, day: int) -> Version | None:
        for v in self.versions:
            if v.valid_from <= day and (v.valid_to is None or day < v.valid_to):
                return v
        return None


@dataclass
class LifecycleEvent:
    day: int
    event_type: str
    product_id: str | None
    detail: str


@dataclass
class Churn:
    notice_day: int
    notice_sec: int
    effective_day: int
    subscription_id: str
    reason_code: str | None
    mode: str
    comment: str


@dataclass
class Opportunity:
    opportunity_id: str
    opportunity_type: str
    product_id: str
    currency: str
    amount_minor: int
    created_day: int
    close_day: int
    is_won: bool
    contract_start: int | None
    contract_end: int | None


@dataclass
class UsagePhase:
    """A stretch of days where behaviour drifts: before churn, contraction or expansion."""

    kind: str  # "decline" | "expand"
    start_day: int
    bottom_day: int  # the drift is complete on this day ...
    end_day: int  # ... and holds until this day
    floor: float = 0.15


@dataclass
class Entity:
    index: int
    account_id: str
    kind: str  # "crm" | "billing_only"
    name: str
    industry: str
    region: str
    country: str
    employee_count: int
    segment: str
    touch_model: str
    segment_blank: bool
    touch_blank: bool
    currency: str
    trajectory: str
    created_day: int
    created_sec: int
    engagement: float
    seat_fill: float
    csm_owner: str | None = None
    owner_change: tuple[int, str] | None = None
    customers: list[Customer] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    events: list[LifecycleEvent] = field(default_factory=list)
    churn: Churn | None = None
    merge_day: int | None = None
    merge_target: int | None = None
    phases: list[UsagePhase] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)
    onboarding_day: int | None = None

    @property
    def is_crm(self) -> bool:
        return self.kind == "crm"

    def active_intervals(self) -> list[tuple[int, int | None]]:
        """Merged [from, to) day ranges where any subscription item is in force."""
        spans = sorted(
            (s.start_day, s.versions[-1].valid_to)
            for s in self.subscriptions
            if not s.customer.is_test
        )
        merged: list[tuple[int, int | None]] = []
        for a, b in spans:
            if merged and (merged[-1][1] is None or a <= merged[-1][1]):
                pa, pb = merged[-1]
                merged[-1] = (pa, None if pb is None or b is None else max(pb, b))
            else:
                merged.append((a, b))
        return merged


def health_at(e: Entity, day: int) -> float:
    """Latent health in [0, 1]: 1 normally, drifting down before churn or contraction.

    Side tables (tickets, NPS, milestones) read it so that their signal comes from
    the same trajectory as usage, without any score being written.
    """
    h = 1.0
    for p in e.phases:
        if p.kind != "decline" or day < p.start_day or day > p.end_day:
            continue
        if day >= p.bottom_day:
            h = min(h, p.floor)
        else:
            frac = (day - p.start_day) / max(1, p.bottom_day - p.start_day)
            h = min(h, 1.0 - (1.0 - p.floor) * frac)
    return h
