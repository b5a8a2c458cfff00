"""Every random choice of an account's lifecycle, drawn up front in one fixed order.

Drawing everything first, whether the trajectory uses it or not, keeps the
number of draws the same for every account: a change to how one trajectory
uses its draws never shifts another's. The order of the draws below is part of
the output (the same seed must give the same landing byte for byte), so new
draws go at the end, and the grouping into dataclasses is only for reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.lifecycle.horizon import SIM_YEARS
from cs_devtools.demo_data.lifecycle.weighted import pick

EXPANSION_STEPS = 3  # at most this many expansions per account

_TIER_BY_SEGMENT = {
    "smb": (0.72, 0.25, 0.03),
    "mid_market": (0.2, 0.6, 0.2),
    "enterprise": (0.03, 0.3, 0.67),
}
_INTERVAL_BY_SEGMENT = {
    "smb": ((1, 0.62), (3, 0.1), (12, 0.28)),
    "mid_market": ((1, 0.3), (3, 0.15), (12, 0.55)),
    "enterprise": ((1, 0.06), (3, 0.1), (6, 0.12), (12, 0.72)),
}
_PRODUCT_WEIGHTS = (("prod_cms", 0.45), ("prod_mka", 0.35), ("prod_ecat", 0.2))
_DISCOUNTS = (Decimal(10), Decimal(15), Decimal(20), Decimal(25), Decimal("12.5"))


@dataclass(frozen=True)
class OpeningDraws:
    """The first subscription: when it starts, what it buys, and how it is signed."""

    start_after_days: int  # from the account's creation
    product: str
    tier: int
    interval: int
    seats_u: float
    trial_u: float
    trial_days: int
    trial_converts: bool
    signed_ahead_u: float  # signed (and maybe booked) before it starts
    signed_days_ahead: int
    booked_when_signed: bool
    custom_price_u: float
    custom_price_factor: float  # of the list price; also sets the sales cycle's length
    discount_u: float
    discount_percent: Decimal
    discount_months: int
    trial_decided_days_before_end: int


@dataclass(frozen=True)
class ChurnDraws:
    """A declining account's churn, and the details of any churn's notice."""

    after_months: float  # from the first paid day
    mode_u: float
    notice_days: int  # notice before a period-end churn
    immediate_notice_days: int
    reason: str
    reason_recorded_u: float
    decline_days: int  # usage declines over this many days before the churn


@dataclass(frozen=True)
class ReactivationDraws:
    """Whether a churned declining account comes back, when, and at what price."""

    returns_u: float
    days_away: int
    list_price_u: float
    price_factor: float  # of the list price, when not at list price


@dataclass(frozen=True)
class ContractionDraws:
    """A contracting account's one downgrade."""

    after_months: float  # from the first paid day
    decline_days: int  # usage declines over this many days before it
    seat_factor: float  # seats kept when seats are cut
    retention_discount: Decimal  # percent, when neither seats nor tier can go down


@dataclass(frozen=True)
class ExpansionStep:
    """One expansion of an expanding account (kind decided when it happens)."""

    months_to_next: float
    kind_u: float
    seat_factor: float
    usage_lead_days: int  # usage rises over this many days before it
    cross_sell_product_u: float
    second_customer_u: float  # a cross-sell billed to a new billing customer
    second_currency_u: float
    scheduled_ahead_u: float  # an annual tier upgrade that takes effect later
    scheduled_days_ahead: int


@dataclass(frozen=True)
class ExpansionDraws:
    count: int
    first_after_months: float  # from the first paid day
    steps: tuple[ExpansionStep, ...]


@dataclass(frozen=True)
class SeatAddDraws:
    """A healthy per-seat account's seat growth in one year of its life."""

    happens_u: float
    month_in_year: float
    growth_factor: float


@dataclass(frozen=True)
class UnavoidableChurnDraws:
    """A rare churn of a healthy or expanding account (business closed, acquired, ...)."""

    happens_u: float
    after_months: float  # from the first paid day
    reason: str
    mode_u: float


@dataclass(frozen=True)
class LifecycleDraws:
    opening: OpeningDraws
    churn: ChurnDraws
    reactivation: ReactivationDraws
    contraction: ContractionDraws
    expansion: ExpansionDraws
    seat_adds: tuple[SeatAddDraws, ...]  # one per year of the simulation
    unavoidable_churn: UnavoidableChurnDraws
    # Belongs to the opening, but is the last draw: it was added last.
    starts_on_month_first_u: float


def draw_lifecycle(rng: np.random.Generator, segment: str) -> LifecycleDraws:
    """All draws of one lifecycle from its generator, in the one order that is allowed."""
    opening = _draw_opening(rng, segment)
    churn = _draw_churn(rng)
    reactivation = _draw_reactivation(rng)
    contraction = _draw_contraction(rng)
    expansion = _draw_expansion(rng)
    seat_adds = _draw_seat_adds(rng)
    unavoidable_churn = _draw_unavoidable_churn(rng)
    starts_on_month_first_u = rng.random()
    return LifecycleDraws(
        opening,
        churn,
        reactivation,
        contraction,
        expansion,
        seat_adds,
        unavoidable_churn,
        starts_on_month_first_u,
    )


def _draw_opening(rng: np.random.Generator, segment: str) -> OpeningDraws:
    start_after_days = int(rng.integers(3, 45))
    product = str(pick(rng, _PRODUCT_WEIGHTS))
    tier = int(pick(rng, tuple(zip((1, 2, 3), _TIER_BY_SEGMENT[segment], strict=True))))
    interval = int(pick(rng, _INTERVAL_BY_SEGMENT[segment]))
    seats_u = rng.random()
    trial_u = rng.random()
    trial_days = 14 if rng.random() < 0.6 else 30
    trial_converts = rng.random() < 0.85
    signed_ahead_u = rng.random()
    signed_days_ahead = int(rng.integers(7, 41))
    booked_when_signed = rng.random() < 0.5
    custom_price_u = rng.random()
    custom_price_factor = float(rng.uniform(0.72, 0.95))
    discount_u = rng.random()
    discount_percent = _DISCOUNTS[int(rng.integers(0, len(_DISCOUNTS)))]
    discount_months = (3, 6, 12)[int(rng.integers(0, 3))]
    trial_decided_days_before_end = int(rng.integers(1, 6))
    return OpeningDraws(
        start_after_days=start_after_days,
        product=product,
        tier=tier,
        interval=interval,
        seats_u=seats_u,
        trial_u=trial_u,
        trial_days=trial_days,
        trial_converts=trial_converts,
        signed_ahead_u=signed_ahead_u,
        signed_days_ahead=signed_days_ahead,
        booked_when_signed=booked_when_signed,
        custom_price_u=custom_price_u,
        custom_price_factor=custom_price_factor,
        discount_u=discount_u,
        discount_percent=discount_percent,
        discount_months=discount_months,
        trial_decided_days_before_end=trial_decided_days_before_end,
    )


def _draw_churn(rng: np.random.Generator) -> ChurnDraws:
    after_months = float(rng.uniform(5, 28))
    mode_u = rng.random()
    notice_days = int(rng.integers(14, 61))
    immediate_notice_days = int(rng.integers(1, 11))
    reason = str(pick(rng, cat.VOLUNTARY_REASONS))
    reason_recorded_u = rng.random()
    decline_days = int(rng.integers(75, 181))
    return ChurnDraws(
        after_months=after_months,
        mode_u=mode_u,
        notice_days=notice_days,
        immediate_notice_days=immediate_notice_days,
        reason=reason,
        reason_recorded_u=reason_recorded_u,
        decline_days=decline_days,
    )


def _draw_reactivation(rng: np.random.Generator) -> ReactivationDraws:
    returns_u = rng.random()
    days_away = int(rng.integers(60, 331))
    list_price_u = rng.random()
    price_factor = float(rng.uniform(0.8, 1.15))
    return ReactivationDraws(returns_u, days_away, list_price_u, price_factor)


def _draw_contraction(rng: np.random.Generator) -> ContractionDraws:
    after_months = float(rng.uniform(4, 22))
    decline_days = int(rng.integers(45, 121))
    seat_factor = float(rng.uniform(0.4, 0.7))
    retention_discount = Decimal((20, 30)[int(rng.integers(0, 2))])
    return ContractionDraws(after_months, decline_days, seat_factor, retention_discount)


def _draw_expansion(rng: np.random.Generator) -> ExpansionDraws:
    n = EXPANSION_STEPS
    count = int(rng.integers(1, n + 1))
    first_after_months = float(rng.uniform(3, 14))
    # One array per field, drawn field by field (not step by step).
    months_to_next = rng.uniform(4, 10, size=n)
    kind_u, seat_factor = rng.random(size=n), rng.uniform(1.3, 2.0, size=n)
    usage_lead_days, cross_sell_product_u = rng.integers(30, 91, size=n), rng.random(size=n)
    second_customer_u, second_currency_u = rng.random(size=n), rng.random(size=n)
    scheduled_ahead_u, scheduled_days_ahead = rng.random(size=n), rng.integers(7, 31, size=n)
    steps = tuple(
        ExpansionStep(
            months_to_next=float(months_to_next[k]),
            kind_u=float(kind_u[k]),
            seat_factor=float(seat_factor[k]),
            usage_lead_days=int(usage_lead_days[k]),
            cross_sell_product_u=float(cross_sell_product_u[k]),
            second_customer_u=float(second_customer_u[k]),
            second_currency_u=float(second_currency_u[k]),
            scheduled_ahead_u=float(scheduled_ahead_u[k]),
            scheduled_days_ahead=int(scheduled_days_ahead[k]),
        )
        for k in range(n)
    )
    return ExpansionDraws(count, first_after_months, steps)


def _draw_seat_adds(rng: np.random.Generator) -> tuple[SeatAddDraws, ...]:
    happens_u = rng.random(size=SIM_YEARS)
    month_in_year = rng.uniform(0, 12, size=SIM_YEARS)
    growth_factor = rng.uniform(1.1, 1.25, size=SIM_YEARS)
    return tuple(
        SeatAddDraws(float(happens_u[y]), float(month_in_year[y]), float(growth_factor[y]))
        for y in range(SIM_YEARS)
    )


def _draw_unavoidable_churn(rng: np.random.Generator) -> UnavoidableChurnDraws:
    happens_u = rng.random()
    after_months = float(rng.uniform(12, 60))
    reason = str(pick(rng, cat.UNAVOIDABLE_REASONS))
    mode_u = rng.random()
    return UnavoidableChurnDraws(happens_u, after_months, reason, mode_u)
