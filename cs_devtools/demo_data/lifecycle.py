"""Accounts and their subscription lifecycles.

Each entity (account index *i*) draws its attributes and a latent trajectory
(healthy, declining-then-churning, contracting, expanding) from its own
generators, plans its lifecycle actions up front, and applies them over a fixed
horizon (`SIM_YEARS` after `--start`). Nothing here looks at `--end`: the
landing is cut at the end date later, which is what makes the data
prefix-stable.
"""

from __future__ import annotations

import heapq
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.hashing import (
    STREAM_ATTRIBUTES,
    STREAM_LIFECYCLE,
    STREAM_MERGE,
    STREAM_OPPORTUNITIES,
    entity_rng,
    hash_unit,
)
from cs_devtools.demo_data.model import (
    Churn,
    Customer,
    Entity,
    LifecycleEvent,
    Opportunity,
    Subscription,
    UsagePhase,
    Version,
)
from cs_devtools.demo_data.timeutil import (
    SECONDS_PER_DAY,
    add_months,
    clamp_dom,
    date_of,
    next_month_start,
)

SIM_YEARS = 12
"""Lifecycles are simulated this many years past --start, whatever --end says."""

MONTH_DAYS = 30.44
BILLING_ONLY_BLANK = 3  # index % 250: billing customer without account_id
BILLING_ONLY_UNKNOWN = 128  # index % 250: billing customer with an account_id unknown to CRM
TEST_CUSTOMER_MOD = 7  # index % 200: account also has an is_test billing customer

_TRAJECTORIES = (("healthy", 0.52), ("declining", 0.22), ("contracting", 0.11), ("expanding", 0.15))
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
_SEATS_BY_SEGMENT = {"smb": (2, 15), "mid_market": (10, 80), "enterprise": (50, 400)}
_EMPLOYEES_BY_SEGMENT = {"smb": (5, 199), "mid_market": (200, 1999), "enterprise": (2000, 60000)}
_TRIAL_SHARE = {"smb": 0.45, "mid_market": 0.3, "enterprise": 0.1}
_PRODUCT_WEIGHTS = (("prod_cms", 0.45), ("prod_mka", 0.35), ("prod_ecat", 0.2))
_DISCOUNTS = (Decimal(10), Decimal(15), Decimal(20), Decimal(25), Decimal("12.5"))
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


def _pick(rng: np.random.Generator, weighted: tuple[tuple[object, float], ...]) -> object:
    u = rng.random() * sum(w for _, w in weighted)
    for value, w in weighted:
        u -= w
        if u < 0:
            return value
    return weighted[-1][0]


def _pick_u(u: float, weighted: tuple[tuple[object, float], ...]) -> object:
    u *= sum(w for _, w in weighted)
    for value, w in weighted:
        u -= w
        if u < 0:
            return value
    return weighted[-1][0]


def _months(day: int, months: float) -> int:
    return day + round(months * MONTH_DAYS)


def account_id_of(index: int) -> str:
    return f"acc_{index:06d}"


# ---------------------------------------------------------------- attributes
def draw_entity(seed: int, index: int, start_day: int) -> Entity:
    """Attributes of entity `index`: functions of (seed, index, start) only."""
    r = entity_rng(seed, index, STREAM_ATTRIBUTES)
    segment = str(_pick(r, cat.SEGMENT_WEIGHTS))
    lo, hi = _EMPLOYEES_BY_SEGMENT[segment]
    employees = int(math.exp(r.uniform(math.log(lo), math.log(hi + 1))))
    employees = min(max(employees, lo), hi)
    default_touch = cat.SEGMENT_CUTOFFS[segment][2]
    touch_u, touch_alt = r.random(), int(r.integers(0, 2))
    others = [t for t in cat.TOUCH_MODELS if t != default_touch]
    touch = default_touch if touch_u < 0.88 else others[touch_alt]
    region = str(_pick(r, cat.REGIONS))
    country = str(_pick(r, cat.COUNTRIES[region]))
    currency = cat.COUNTRY_CURRENCY.get(country, "USD")
    industry = cat.INDUSTRIES[int(r.integers(0, len(cat.INDUSTRIES)))]
    name = " ".join(
        (
            cat.COMPANY_WORDS_A[int(r.integers(0, len(cat.COMPANY_WORDS_A)))],
            cat.COMPANY_WORDS_B[int(r.integers(0, len(cat.COMPANY_WORDS_B)))],
            cat.COMPANY_SUFFIX[region][int(r.integers(0, len(cat.COMPANY_SUFFIX[region])))],
        )
    )
    segment_blank = bool(r.random() < 0.03)
    touch_blank = bool(r.random() < 0.03)
    trajectory = str(_pick(r, _TRAJECTORIES))
    u = r.random()
    if u < 0.4:
        created_day = start_day - int(r.integers(20, 3 * 365))
    else:
        created_day = start_day + int((u - 0.4) / 0.6 * 4 * 365.25)
        r.integers(0, 2)  # keep the draw count independent of the branch
    created_sec = created_day * SECONDS_PER_DAY + int(r.integers(7 * 3600, 19 * 3600))
    kind = "billing_only" if index % 250 in (BILLING_ONLY_BLANK, BILLING_ONLY_UNKNOWN) else "crm"
    return Entity(
        index=index,
        account_id=account_id_of(index),
        kind=kind,
        name=name,
        industry=industry,
        region=region,
        country=country,
        employee_count=employees,
        segment=segment,
        touch_model=touch,
        segment_blank=segment_blank,
        touch_blank=touch_blank,
        currency=currency,
        trajectory=trajectory,
        created_day=created_day,
        created_sec=created_sec,
        engagement=float(r.uniform(0.62, 0.88)),
        seat_fill=float(r.uniform(0.55, 1.0)),
    )


# ---------------------------------------------------------------- simulation engine
class _Sim:
    """Applies lifecycle actions to one entity, keeping SCD2 versions consistent."""

    def __init__(self, e: Entity, seed: int, horizon: int) -> None:
        self.e = e
        self.seed = seed
        self.horizon = horizon
        self.n_sub = 0
        self.n_opp = 0

    # -- ids and records
    def customer(self, currency: str, day: int, is_test: bool = False) -> Customer:
        n = 9 if is_test else len([c for c in self.e.customers if not c.is_test]) + 1
        if self.e.kind == "crm":
            account_id: str | None = self.e.account_id
        elif self.e.index % 250 == BILLING_ONLY_BLANK:
            account_id = None
        else:
            account_id = f"acc_legacy_{self.e.index:06d}"
        created = max(day * SECONDS_PER_DAY + 9 * 3600 + 60 * n, self.e.created_sec + 300)
        c = Customer(f"cus_{self.e.index:06d}_{n}", account_id, currency, created, is_test)
        self.e.customers.append(c)
        return c

    def event(self, day: int, kind: str, product: str | None, detail: str = "") -> None:
        self.e.events.append(LifecycleEvent(day, kind, product, detail))

    def opportunity(
        self,
        kind: str,
        sub: Subscription,
        amount: Fraction,
        created: int,
        close: int,
        won: bool,
        start: int | None,
    ) -> None:
        self.n_opp += 1
        cur = sub.customer.currency
        end = None if start is None else add_months(start, max(12, sub.interval)) - 1
        self.e.opportunities.append(
            Opportunity(
                f"opp_{self.e.index:06d}_{self.n_opp:03d}",
                kind,
                sub.product_id,
                cur,
                max(0, round(amount)),
                min(created, close),
                close,
                won,
                start,
                end,
            )
        )

    # -- subscriptions
    def open_sub(
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
            self.n_sub += 1
            number = self.n_sub
        sid = f"sub_{self.e.index:06d}_{number:02d}"
        sub = Subscription(
            sub_id=sid,
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
                f"si_{self.e.index:06d}_{number:02d}",
                plan,
                quantity if plan.pricing_model == "per_seat" else 1,
                unit_minor,
                discount,
                start,
                booked,
            )
        )
        self.e.subscriptions.append(sub)
        return sub

    def boundary(self, sub: Subscription, day: int) -> int:
        """First billing period boundary strictly after `day` (and after the anchor)."""
        k = 1
        b = add_months(sub.anchor, sub.interval)
        while b <= day:
            k += 1
            b = add_months(sub.anchor, k * sub.interval)
        return b

    def period_index(self, sub: Subscription, boundary: int) -> int:
        k = 0
        while add_months(sub.anchor, k * sub.interval) < boundary:
            k += 1
        return k

    def active(self, day: int) -> list[Subscription]:
        """Subscriptions that are running and not cancelled as of `day`."""
        return [
            s
            for s in self.e.subscriptions
            if not s.customer.is_test
            and s.canceled_day is None
            and s.ended_day is None
            and s.booked_day <= day
        ]

    def change(
        self,
        sub: Subscription,
        eff: int,
        known: int,
        *,
        tier: int | None = None,
        quantity: int | None = None,
        unit_minor: int | str | None = "keep",
        discount: Decimal | None = None,
    ) -> Version | None:
        """Close the current version at `eff` and open the changed one (known at `known`)."""
        cur = sub.current
        if sub.canceled_day is not None or sub.ended_day is not None:
            return None
        if eff <= cur.valid_from or known < cur.known_at or eff > self.horizon:
            return None
        plan = (
            cur.plan
            if tier is None
            else cat.plan_for(sub.product_id, tier, sub.interval, sub.customer.currency)
        )
        qty = cur.quantity if quantity is None else quantity
        from_flat = cur.plan.pricing_model == "flat"
        if plan.pricing_model == "per_seat" and from_flat and quantity is None:
            qty = max(1, round((cur.plan.included_seats or 1) * self.e.seat_fill))
        if plan.pricing_model == "flat":
            qty = 1
        new = Version(
            cur.item_id,
            plan,
            qty,
            cur.unit_minor if unit_minor == "keep" else unit_minor,  # type: ignore[arg-type]
            cur.discount if discount is None else discount,
            eff,
            known,
        )
        if plan.plan_id != cur.plan.plan_id and unit_minor == "keep" and cur.unit_minor is not None:
            new.unit_minor = round(plan.unit_minor * cur.unit_minor / cur.plan.unit_minor)
        cur.valid_to, cur.to_known_at = eff, known
        sub.versions.append(new)
        return new

    def end_sub(self, sub: Subscription, eff: int, known: int, mode: str) -> int:
        cur = sub.current
        eff = max(eff, cur.valid_from + 1)
        known = max(min(known, eff), cur.known_at)
        cur.valid_to, cur.to_known_at = eff, known
        sub.canceled_day, sub.ended_day, sub.cancel_mode = known, eff, mode
        return eff


def _seats_for(r_u: float, segment: str) -> int:
    lo, hi = _SEATS_BY_SEGMENT[segment]
    return round(math.exp(math.log(lo) + r_u * (math.log(hi) - math.log(lo))))


def _custom_price(plan: cat.Plan, factor: float) -> int:
    return max(1, round(plan.unit_minor * factor))


def simulate_lifecycle(e: Entity, seed: int, start_day: int) -> None:
    """Plan and apply the entity's whole lifecycle up to the fixed horizon."""
    horizon = add_months(start_day, 12 * SIM_YEARS)
    r = entity_rng(seed, e.index, STREAM_LIFECYCLE)
    sim = _Sim(e, seed, horizon)
    seg = e.segment
    # ---- every draw up front, in a fixed order
    lead = int(r.integers(3, 45))
    product = str(_pick(r, _PRODUCT_WEIGHTS))
    tier = int(_pick(r, tuple(zip((1, 2, 3), _TIER_BY_SEGMENT[seg], strict=True))))
    interval = int(_pick(r, _INTERVAL_BY_SEGMENT[seg]))
    seats_u = r.random()
    trial_u, trial_len, converts = r.random(), (14 if r.random() < 0.6 else 30), r.random() < 0.85
    future_u, future_lead, book_early = r.random(), int(r.integers(7, 41)), r.random() < 0.5
    custom_u, custom_factor = r.random(), float(r.uniform(0.72, 0.95))
    disc_u = r.random()
    disc_pct = _DISCOUNTS[int(r.integers(0, len(_DISCOUNTS)))]
    disc_months = (3, 6, 12)[int(r.integers(0, 3))]
    lapse_lead = int(r.integers(1, 6))
    # declining
    churn_months, churn_mode_u = float(r.uniform(5, 28)), r.random()
    notice_lead, immediate_lead = int(r.integers(14, 61)), int(r.integers(1, 11))
    reason = str(_pick(r, cat.VOLUNTARY_REASONS))
    has_reason_u = r.random()
    decline_lead = int(r.integers(75, 181))
    reactivate_u, gap = r.random(), int(r.integers(60, 331))
    react_price_u, react_factor = r.random(), float(r.uniform(0.8, 1.15))
    # contracting
    c_months, c_lead, c_factor = (
        float(r.uniform(4, 22)),
        int(r.integers(45, 121)),
        float(r.uniform(0.4, 0.7)),
    )
    c_disc = Decimal((20, 30)[int(r.integers(0, 2))])
    # expanding
    n_exp = int(r.integers(1, 4))
    first_exp, exp_gaps = float(r.uniform(3, 14)), r.uniform(4, 10, size=3)
    exp_kind_u, exp_factor = r.random(size=3), r.uniform(1.3, 2.0, size=3)
    exp_lead, cross_u = r.integers(30, 91, size=3), r.random(size=3)
    second_cus_u, second_cur_u = r.random(size=3), r.random(size=3)
    future_up_u, future_up_lead = r.random(size=3), r.integers(7, 31, size=3)
    # healthy
    add_u, add_month, add_factor = (
        r.random(size=SIM_YEARS),
        r.uniform(0, 12, size=SIM_YEARS),
        r.uniform(1.1, 1.25, size=SIM_YEARS),
    )
    unavoidable_u, unavoidable_months = r.random(), float(r.uniform(12, 60))
    unavoidable_reason = str(_pick(r, cat.UNAVOIDABLE_REASONS))
    unavoidable_mode_u = r.random()
    first_of_month_u = r.random()

    # ---- first subscription (B2B contracts often start on the 1st of a month)
    start = clamp_dom(e.created_day + lead)
    if first_of_month_u < (0.25 if seg == "smb" else 0.5):
        start = next_month_start(start - 1)
    customer = sim.customer(e.currency, max(e.created_day, start - future_lead))
    quantity = _seats_for(seats_u, seg)
    plan = cat.plan_for(product, tier, interval, e.currency)
    custom = (seg == "enterprise" and custom_u < 0.6) or (seg == "mid_market" and custom_u < 0.2)
    unit_minor = _custom_price(plan, custom_factor) if custom else None
    discount = disc_pct if disc_u < 0.25 else Decimal(0)
    is_trial = trial_u < _TRIAL_SHARE[seg]
    e.onboarding_day = start
    if is_trial:
        trial_end = clamp_dom(start + trial_len)
        if date_of(start).day == 1 and trial_len == 30:
            trial_end = add_months(start, 1)  # a calendar-month trial
        customer.created_sec = max(start * SECONDS_PER_DAY + 3600 * 9, e.created_sec + 300)
        sub = sim.open_sub(
            customer,
            product,
            tier,
            interval,
            quantity,
            unit_minor,
            discount,
            start,
            start,
            trial_end=trial_end,
        )
        sim.event(start, "trial_start", product, f"trial until {trial_end}")
        if not converts:
            sim.end_sub(sub, trial_end, trial_end - lapse_lead, "trial_lapse")
            sim.opportunity(
                "new_business",
                sub,
                sub.current.mrr_minor() * 12,
                start - 5,
                trial_end - lapse_lead,
                False,
                None,
            )
            _add_test_customer(sim, e)
            return
        paid = trial_end
        sim.opportunity(
            "new_business",
            sub,
            sub.current.mrr_minor() * 12,
            start - 5,
            trial_end - lapse_lead,
            True,
            trial_end,
        )
    else:
        signed_future = future_u < (0.1 if seg == "smb" else 0.25)
        close = max(e.created_day, start - future_lead) if signed_future else start
        booked = close if (not signed_future or book_early) else start
        sub = sim.open_sub(
            customer, product, tier, interval, quantity, unit_minor, discount, start, booked
        )
        paid = start
        sim.opportunity(
            "new_business",
            sub,
            sub.current.mrr_minor() * 12,
            close - int(20 + 40 * custom_factor),
            close,
            True,
            start,
        )
    sim.event(paid, "new", product, sub.current.plan.plan_id)

    # ---- planned actions: (day, order, kind, payload)
    actions: list[tuple[int, int, str, tuple]] = []
    if discount > 0:
        actions.append(
            (sim.boundary(sub, add_months(paid, disc_months) - 1), 0, "discount_end", (sub,))
        )
    traj = e.trajectory
    if traj == "declining":
        mode = (
            "involuntary"
            if churn_mode_u < 0.25
            else "immediate"
            if churn_mode_u < 0.55
            else "period_end"
        )
        actions.append((_months(paid, churn_months), 5, "churn", (mode, reason, True)))
    elif traj == "contracting":
        actions.append((_months(paid, c_months), 3, "contract", ()))
    elif traj == "expanding":
        day = _months(paid, first_exp)
        for k in range(n_exp):
            actions.append((day, 2, "expand", (k,)))
            day = _months(day, float(exp_gaps[k]))
    if traj in ("healthy", "expanding") and unavoidable_u < 0.06:
        mode = "period_end" if unavoidable_mode_u < 0.7 else "immediate"
        actions.append(
            (_months(paid, unavoidable_months), 5, "churn", (mode, unavoidable_reason, False))
        )
    if traj == "healthy" and sub.current.plan.pricing_model == "per_seat":
        for y in range(SIM_YEARS):
            if add_u[y] < 0.35:
                actions.append(
                    (
                        _months(paid, 12 * y + float(add_month[y]) + 2),
                        1,
                        "seat_add",
                        (float(add_factor[y]),),
                    )
                )
    heapq.heapify(actions)
    seq = 0
    while actions:
        day, _, kind, payload = heapq.heappop(actions)
        if day > horizon:
            break
        seq += 1
        if kind == "discount_end":
            (s,) = payload
            v = sim.change(s, day, day, discount=Decimal(0))
            if v is not None:
                sim.event(
                    day, "discount_end", s.product_id, f"discount {s.versions[-2].discount}% ended"
                )
        elif kind == "seat_add":
            subs = sim.active(day)
            if subs and subs[0].current.plan.pricing_model == "per_seat":
                s = subs[0]
                q0 = s.current.quantity
                q1 = max(q0 + 1, math.ceil(q0 * payload[0]))
                before = s.current.mrr_minor()
                if sim.change(s, day, day, quantity=q1) is not None:
                    sim.event(day, "upgrade", s.product_id, f"seats {q0}->{q1}")
                    sim.opportunity(
                        "expansion",
                        s,
                        (s.current.mrr_minor() - before) * 12,
                        day - 21,
                        day,
                        True,
                        day,
                    )
        elif kind == "expand":
            _expand(
                sim,
                day,
                int(payload[0]),
                exp_kind_u,
                exp_factor,
                exp_lead,
                cross_u,
                second_cus_u,
                second_cur_u,
                future_up_u,
                future_up_lead,
            )
        elif kind == "contract":
            _contract(sim, day, c_lead, c_factor, c_disc)
        elif kind == "churn":
            mode, code, declining = payload
            eff = _churn(
                sim,
                day,
                mode,
                code,
                declining,
                has_reason_u,
                notice_lead,
                immediate_lead,
                decline_lead,
            )
            if eff is not None and declining and reactivate_u < 0.3:
                heapq.heappush(actions, (eff + gap, 6, "reactivate", (react_price_u,)))
        elif kind == "reactivate":
            _reactivate(sim, day, react_price_u, react_factor)
    _renewals(sim, seed, horizon)
    _add_test_customer(sim, e)


def _add_test_customer(sim: _Sim, e: Entity) -> None:
    """A QA billing customer on some accounts: real-looking MRR that must be excluded."""
    if e.kind != "crm" or e.index % 200 != TEST_CUSTOMER_MOD:
        return
    day = e.created_day + 1
    c = sim.customer("USD", day, is_test=True)
    sim.open_sub(c, "prod_cms", 1, 1, 1, None, Decimal(0), day, day, number=90)


def _expand(
    sim: _Sim,
    day: int,
    k: int,
    kind_u: np.ndarray,
    factor: np.ndarray,
    lead: np.ndarray,
    cross_u: np.ndarray,
    second_cus_u: np.ndarray,
    second_cur_u: np.ndarray,
    future_u: np.ndarray,
    future_lead: np.ndarray,
) -> None:
    e = sim.e
    subs = sim.active(day)
    if not subs:
        return
    main = subs[0]
    cur = main.current
    owned = {s.product_id for s in subs}
    unowned = [p for p in cat.PRODUCT_IDS if p not in owned]
    u = float(kind_u[k])
    if cur.plan.pricing_model == "per_seat" and u < 0.55:
        kind = "seats"
    elif cur.plan.tier < 3 and u < 0.85:
        kind = "tier"
    elif unowned:
        kind = "cross_sell"
    elif cur.plan.tier < 3:
        kind = "tier"
    elif cur.plan.pricing_model == "per_seat":
        kind = "seats"
    else:
        return
    start_phase = day - int(lead[k])
    if kind == "cross_sell":
        product = unowned[int(cross_u[k] * len(unowned))]
        customer = main.customer
        if len([c for c in e.customers if not c.is_test]) == 1 and second_cus_u[k] < 0.35:
            others = [c for c in cat.CURRENCIES if c != e.currency]
            currency = e.currency if second_cur_u[k] < 0.5 else others[int(second_cur_u[k] * 4) % 2]
            customer = sim.customer(currency, day)
        tier = max(1, cur.plan.tier - (1 if e.segment == "smb" else 0))
        new = sim.open_sub(
            customer,
            product,
            tier,
            main.interval,
            max(2, round(cur.seats() * 0.5)),
            None,
            Decimal(0),
            day,
            day,
        )
        sim.event(day, "cross_sell", product, new.current.plan.plan_id)
        sim.opportunity("cross_sell", new, new.current.mrr_minor() * 12, day - 30, day, True, day)
        e.phases.append(UsagePhase("expand", start_phase, day, day, 0.0))
        return
    before = cur.mrr_minor()
    if kind == "seats":
        q1 = max(cur.quantity + 1, math.ceil(cur.quantity * float(factor[k])))
        v = sim.change(main, day, day, quantity=q1)
        detail = f"seats {cur.quantity}->{q1}"
        eff = day
    else:
        eff = day
        if main.interval >= 12 and future_u[k] < 0.3:
            eff = day + int(future_lead[k])
        up = cat.plan_for(main.product_id, cur.plan.tier + 1, main.interval, main.customer.currency)
        qty = None
        if up.pricing_model == "per_seat":
            # enough seats that the bigger plan costs more than the current one
            unit = (
                up.unit_minor
                if cur.unit_minor is None
                else round(up.unit_minor * cur.unit_minor / cur.plan.unit_minor)
            )
            floor_qty = (
                math.floor(
                    cur.interval_amount() / (max(1, unit) * (1 - Fraction(str(cur.discount)) / 100))
                )
                + 1
            )
            qty = max(
                floor_qty,
                cur.seats()
                if cur.plan.pricing_model == "per_seat"
                else round((cur.plan.included_seats or 1) * e.seat_fill),
            )
        v = sim.change(main, eff, day, tier=cur.plan.tier + 1, quantity=qty)
        detail = f"tier {cur.plan.tier}->{cur.plan.tier + 1}"
    if v is None:
        return
    sim.event(eff, "upgrade", main.product_id, detail)
    sim.opportunity("expansion", main, (v.mrr_minor() - before) * 12, day - 25, day, True, eff)
    e.phases.append(
        UsagePhase("expand" if kind == "seats" else "expand_tier", start_phase, day, eff, 0.0)
    )


def _contract(sim: _Sim, day: int, lead: int, factor: float, retention_discount: Decimal) -> None:
    e = sim.e
    subs = sim.active(day)
    if not subs:
        return
    main = subs[0]
    cur = main.current
    if len(subs) > 1:
        s = subs[-1]
        eff = sim.end_sub(s, sim.boundary(s, max(day, s.current.valid_from)), day, "period_end")
        sim.event(eff, "downgrade", s.product_id, "product_removed")
    else:
        eff = sim.boundary(main, max(day, cur.valid_from))
        if cur.plan.pricing_model == "per_seat" and cur.quantity > 2:
            q1 = max(1, round(cur.quantity * factor))
            v = sim.change(main, eff, day, quantity=q1)
            detail = f"seats {cur.quantity}->{q1}"
        elif (
            cur.plan.tier > 1
            and cat.plan_for(
                main.product_id, cur.plan.tier - 1, main.interval, main.customer.currency
            ).unit_minor
            < cur.interval_amount()
        ):
            v = sim.change(main, eff, day, tier=cur.plan.tier - 1)
            detail = f"tier {cur.plan.tier}->{cur.plan.tier - 1}"
        else:
            v = sim.change(main, eff, day, discount=retention_discount)
            detail = f"retention discount {retention_discount}%"
        if v is None:
            return
        sim.event(eff, "downgrade", main.product_id, detail)
    e.phases.append(UsagePhase("decline", day - lead, day, eff, 0.45))


def _churn(
    sim: _Sim,
    day: int,
    mode: str,
    reason: str,
    declining: bool,
    has_reason_u: float,
    notice_lead: int,
    immediate_lead: int,
    decline_lead: int,
) -> int | None:
    e = sim.e
    subs = sim.active(day)
    if not subs:
        return None
    main = subs[0]
    cur = main.current
    if mode == "involuntary":
        p = sim.boundary(main, max(day, cur.valid_from))
        eff, notice, known = p + 14, p, p + 14
        main.dunning[sim.period_index(main, p)] = (4, False)
        for lag in (0, 3, 7, 12):
            sim.event(p + lag, "payment_failure", main.product_id, "renewal payment failed")
        code: str | None = cat.INVOLUNTARY_REASON
    elif mode == "immediate":
        eff = max(day, max(s.current.valid_from for s in subs) + 1)
        notice = max(eff - immediate_lead, max(s.current.known_at for s in subs))
        known = notice
        code = reason
    else:
        eff = sim.boundary(main, max(day, cur.valid_from))
        notice = max(eff - notice_lead, max(s.current.known_at for s in subs), day - 30)
        known = notice
        code = reason
    if has_reason_u >= (0.9 if mode == "involuntary" else 0.85):
        code = None
    for s in subs:
        sim.end_sub(s, eff, known, mode)
    notice_sec = notice * SECONDS_PER_DAY + 3600 * 11 + 60 * (e.index % 60)
    e.churn = e.churn or Churn(
        notice, notice_sec, eff, main.sub_id, code, mode, _CHURN_COMMENTS.get(code or "", "")
    )
    sim.event(notice, "churn_notice", main.product_id, code or "no reason recorded")
    sim.event(eff, "churn", None, mode)
    if declining:
        e.phases.append(UsagePhase("decline", eff - decline_lead, eff, eff, 0.12))
    return eff


def _reactivate(sim: _Sim, day: int, price_u: float, factor: float) -> None:
    e = sim.e
    if sim.active(day):
        return
    last = max((s for s in e.subscriptions if not s.customer.is_test), key=lambda s: s.start_day)
    plan = last.versions[-1].plan
    start = clamp_dom(day)
    unit = None if price_u < 0.5 else _custom_price(plan, factor)
    sub = sim.open_sub(
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
    sim.event(
        start, "reactivation", sub.product_id, "list price" if unit is None else "custom price"
    )
    sim.opportunity(
        "new_business", sub, sub.current.mrr_minor() * 12, start - 20, start, True, start
    )


def _renewals(sim: _Sim, seed: int, horizon: int) -> None:
    """Renewal opportunities for annual subscriptions, one per term end."""
    e = sim.e
    r = entity_rng(seed, e.index, STREAM_OPPORTUNITIES)
    for s in list(e.subscriptions):
        if s.interval < 12 or s.customer.is_test:
            continue
        k = 1
        while True:
            b = add_months(s.anchor, 12 * k)
            if b > horizon:
                break
            close_lag = int(r.integers(0, 21))
            if s.ended_day is not None and s.ended_day < b:
                break
            v = s.version_at(b - 1) or s.current
            sim.n_opp += 1
            oid = f"opp_{e.index:06d}_r{s.sub_id[-2:]}{k:02d}"
            won = s.ended_day is None or s.ended_day > b
            close = b - close_lag if won else (s.canceled_day or b)
            e.opportunities.append(
                Opportunity(
                    oid,
                    "renewal",
                    s.product_id,
                    s.customer.currency,
                    round(v.mrr_minor() * 12),
                    b - 90,
                    close,
                    won,
                    b,
                    add_months(b, 12) - 1,
                )
            )
            k += 1
    # a few lost expansion attempts on healthy accounts
    for y in range(SIM_YEARS):
        u, m = r.random(), float(r.uniform(0, 12))
        if e.trajectory == "healthy" and u < 0.15 and e.subscriptions:
            s = e.subscriptions[0]
            day = _months(s.anchor, 12 * y + m)
            if s.ended_day is None or day < s.ended_day:
                e.opportunities.append(
                    Opportunity(
                        f"opp_{e.index:06d}_l{y:02d}",
                        "expansion",
                        s.product_id,
                        s.customer.currency,
                        round(s.current.mrr_minor() * 6),
                        day - 40,
                        day,
                        False,
                        None,
                        None,
                    )
                )


# ---------------------------------------------------------------- merges
def plan_merges(seed: int, entities: list[Entity]) -> None:
    """CRM merges: into an older account, chains of at most two, never cycles.

    Targets always have a smaller index, so a cycle is impossible; entity i's
    merge depends only on entities j < i, so it does not change with --accounts.
    Candidates are sampled (a bounded number of tries), which keeps this linear
    in the number of accounts.
    """
    merged: list[Entity] = []
    for e in entities:
        if e.kind != "crm" or e.index < 4 or hash_unit(seed, e.index, STREAM_MERGE) >= 0.035:
            continue
        r = entity_rng(seed, e.index, STREAM_MERGE)
        day = e.created_day + int(r.integers(20, 700))
        chain_u = r.random()
        tries = r.integers(0, e.index, size=40)
        chain = [
            o
            for o in merged
            if o.merge_day > day  # type: ignore[operator]
            and entities[o.merge_target].merge_day is None  # type: ignore[index]
            and o.created_day < day - 14
        ]
        target = None
        if chain and chain_u < 0.6:
            target = chain[int(r.integers(0, len(chain)))]
        else:
            for j in tries.tolist():
                o = entities[j]
                if o.kind == "crm" and o.merge_day is None and o.created_day < day - 14:
                    target = o
                    break
        if target is None:
            continue
        e.merge_day, e.merge_target = day, target.index
        e.events.append(LifecycleEvent(day, "merge", None, f"merged into {target.account_id}"))
        merged.append(e)


def simulate_entities(seed: int, accounts: int, start_day: int) -> list[Entity]:
    """All entities with their lifecycles and merges (independent of --end)."""
    entities = []
    for i in range(accounts):
        e = draw_entity(seed, i, start_day)
        simulate_lifecycle(e, seed, start_day)
        e.events.sort(key=lambda ev: (ev.day, ev.event_type))
        entities.append(e)
    plan_merges(seed, entities)
    return entities


def survivor(entities: list[Entity], index: int, end_day: int) -> int:
    """Final surviving account of `index` following merges known by `end_day`."""
    seen = set()
    while True:
        e = entities[index]
        if e.merge_day is None or e.merge_day > end_day or index in seen:
            return index
        seen.add(index)
        index = e.merge_target  # type: ignore[assignment]
