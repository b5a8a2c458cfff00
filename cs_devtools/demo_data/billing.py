"""Billing tables: customers, catalog, subscriptions, SCD2 items and money.

Rows are the export a billing system would give at the end of `end_day`:
only what was known by then, with later changes (an item closed later, an
invoice paid later) shown in their state of that day. Per-invoice randomness is
keyed by (seed, entity, subscription, period) so it never depends on the end.
"""

from __future__ import annotations

from fractions import Fraction

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.hashing import hash_unit
from cs_devtools.demo_data.model import Entity, Subscription, Version
from cs_devtools.demo_data.timeutil import SECONDS_PER_DAY, add_months

Columns = dict[str, list]

_SALT_PAY = 11
_SALT_LAG = 12
_SALT_REFUND = 13
_SALT_VOID = 14
_SALT_FAILS = 15
_RETRY_DAYS = (0, 3, 7, 12)


def _cols(*names: str) -> Columns:
    return {n: [] for n in names}


def _add(cols: Columns, *values: object) -> None:
    for lst, v in zip(cols.values(), values, strict=True):
        lst.append(v)


def _m(minor: int, currency: str) -> object:
    return cat.money(minor, currency)


def catalog_tables() -> dict[str, Columns]:
    """billing/products and billing/plans (static)."""
    products = _cols("product_id", "product_name", "product_family")
    for p in cat.PRODUCTS:
        _add(products, p.product_id, p.name, p.family)
    plans = _cols(
        "plan_id",
        "product_id",
        "plan_name",
        "pricing_model",
        "billing_interval_months",
        "unit_amount",
        "currency",
        "tier_rank",
        "included_seats",
    )
    for pl in cat.PLANS:
        _add(
            plans,
            pl.plan_id,
            pl.product_id,
            pl.plan_name,
            pl.pricing_model,
            pl.interval,
            pl.unit_amount,
            pl.currency,
            pl.tier,
            pl.included_seats,
        )
    return {"billing/products": products, "billing/plans": plans}


def _in_decline(e: Entity, day: int) -> bool:
    return any(p.kind == "decline" and p.start_day <= day <= p.end_day for p in e.phases)


def subscription_status(sub: Subscription, end_day: int) -> str:
    if sub.ended_day is not None and sub.ended_day <= end_day:
        return "canceled"
    if sub.trial_end is not None and end_day < sub.trial_end:
        return "trialing"
    for k, (_, recovered) in sub.dunning.items():
        p = add_months(sub.anchor, k * sub.interval)
        if not recovered and p <= end_day < p + 14:
            return "past_due"
    return "active"


def subscription_tables(entities: list[Entity], end_day: int) -> dict[str, Columns]:
    """billing/customers, subscriptions and subscription_items as of `end_day`."""
    end_sec = (end_day + 1) * SECONDS_PER_DAY
    customers = _cols("customer_id", "account_id", "currency", "created_at", "is_test")
    subs = _cols(
        "subscription_id",
        "customer_id",
        "status",
        "created_at",
        "trial_end_at",
        "canceled_at",
        "ended_at",
    )
    items = _cols(
        "subscription_item_id",
        "subscription_id",
        "plan_id",
        "quantity",
        "unit_amount",
        "discount_percent",
        "valid_from",
        "valid_to",
    )
    for e in entities:
        for c in e.customers:
            if c.created_sec < end_sec:
                _add(customers, c.customer_id, c.account_id, c.currency, c.created_sec, c.is_test)
        for s in e.subscriptions:
            if s.booked_day > end_day:
                continue
            canceled = (
                None
                if s.canceled_day is None or s.canceled_day > end_day
                else s.canceled_day * SECONDS_PER_DAY + 12 * 3600
            )
            ended = (
                None
                if s.ended_day is None or s.ended_day > end_day
                else s.ended_day * SECONDS_PER_DAY
            )
            _add(
                subs,
                s.sub_id,
                s.customer.customer_id,
                subscription_status(s, end_day),
                s.created_sec,
                s.trial_end,
                canceled,
                ended,
            )
            for v in s.versions:
                if v.known_at > end_day:
                    continue
                valid_to = (
                    v.valid_to if v.to_known_at is not None and v.to_known_at <= end_day else None
                )
                unit = None if v.unit_minor is None else _m(v.unit_minor, v.plan.currency)
                _add(
                    items,
                    v.item_id,
                    s.sub_id,
                    v.plan.plan_id,
                    v.quantity,
                    unit,
                    v.discount,
                    v.valid_from,
                    valid_to,
                )
    return {
        "billing/customers": customers,
        "billing/subscriptions": subs,
        "billing/subscription_items": items,
    }


def _round(x: Fraction) -> int:
    """Round half away from zero to an integer of minor units."""
    n = abs(x)
    q = int(n + Fraction(1, 2))
    return q if x >= 0 else -q


class _Money:
    """Accumulates invoices, lines, payments and refunds."""

    def __init__(self, seed: int, end_day: int) -> None:
        self.seed = seed
        self.end_day = end_day
        self.end_sec = (end_day + 1) * SECONDS_PER_DAY
        self.invoices = _cols(
            "invoice_id",
            "customer_id",
            "subscription_id",
            "status",
            "currency",
            "amount_due",
            "amount_paid",
            "issued_at",
            "due_at",
            "paid_at",
            "period_start",
            "period_end",
        )
        self.lines = _cols(
            "invoice_line_id",
            "invoice_id",
            "subscription_item_id",
            "plan_id",
            "amount",
            "quantity",
            "period_start",
            "period_end",
            "is_proration",
        )
        self.payments = _cols(
            "payment_id",
            "invoice_id",
            "amount",
            "currency",
            "status",
            "attempted_at",
            "failure_code",
        )
        self.refunds = _cols(
            "refund_id", "invoice_id", "amount", "currency", "created_at", "reason"
        )

    def invoice(
        self,
        e: Entity,
        sub: Subscription,
        inv_id: str,
        issued: int,
        lines: list[tuple[Version, int, int, int, bool]],
        period: tuple[int, int],
        key: tuple[int, ...],
        dunning: tuple[int, bool] | None,
        terms_days: int,
        void: bool = False,
    ) -> int | None:
        """Write one invoice with its lines and payment attempts; returns paid_at or None."""
        if issued >= self.end_sec:
            return None
        cur = sub.customer.currency
        amount = sum(a for _, a, _, _, _ in lines)
        attempts: list[tuple[int, bool]] = []  # (time, succeeded)
        uncollectible_at = None
        if void:
            pass
        elif dunning is not None:
            fails, recovered = dunning
            for j in range(fails):
                attempts.append((issued + _RETRY_DAYS[j] * SECONDS_PER_DAY + 600, False))
            if recovered:
                attempts.append((issued + (_RETRY_DAYS[fails - 1] + 2) * SECONDS_PER_DAY, True))
            else:
                uncollectible_at = issued + 14 * SECONDS_PER_DAY - 3600
        else:
            fail_rate = 0.12 if _in_decline(e, issued // SECONDS_PER_DAY) else 0.03
            if hash_unit(self.seed, *key, _SALT_PAY) < fail_rate:
                n = 1 + int(hash_unit(self.seed, *key, _SALT_FAILS) < 0.4)
                for j in range(n):
                    attempts.append((issued + _RETRY_DAYS[j] * SECONDS_PER_DAY + 600, False))
                attempts.append((issued + (_RETRY_DAYS[n - 1] + 2) * SECONDS_PER_DAY, True))
            else:
                lag_u = hash_unit(self.seed, *key, _SALT_LAG)
                if terms_days == 0:
                    lag = 60 + int(lag_u * 1800)
                else:
                    lag = int((1 + lag_u * (terms_days + 12)) * SECONDS_PER_DAY)
                attempts.append((issued + lag, True))
        paid_at = None
        for j, (t, ok) in enumerate(attempts):
            if t >= self.end_sec:
                break
            code = (
                None
                if ok
                else cat.FAILURE_CODES[
                    int(hash_unit(self.seed, *key, j, _SALT_FAILS) * len(cat.FAILURE_CODES))
                ]
            )
            _add(
                self.payments,
                f"py_{inv_id[3:]}_{j + 1}",
                inv_id,
                _m(amount, cur),
                cur,
                "succeeded" if ok else "failed",
                t,
                code,
            )
            if ok:
                paid_at = t
        if void:
            status = "void"
        elif paid_at is not None:
            status = "paid"
        elif uncollectible_at is not None and uncollectible_at < self.end_sec:
            status = "uncollectible"
        else:
            status = "open"
        p0, p1 = period
        _add(
            self.invoices,
            inv_id,
            sub.customer.customer_id,
            sub.sub_id,
            status,
            cur,
            _m(amount, cur),
            _m(amount if paid_at is not None else 0, cur),
            issued,
            issued + terms_days * SECONDS_PER_DAY,
            paid_at,
            p0 * SECONDS_PER_DAY,
            p1 * SECONDS_PER_DAY,
        )
        for n, (v, amt, l0, l1, proration) in enumerate(lines, start=1):
            _add(
                self.lines,
                f"il_{inv_id[3:]}_{n}",
                inv_id,
                v.item_id,
                v.plan.plan_id,
                _m(amt, cur),
                v.quantity,
                l0 * SECONDS_PER_DAY,
                l1 * SECONDS_PER_DAY,
                proration,
            )
        return paid_at

    def refund(
        self, ref_id: str, inv_id: str, amount: int, currency: str, at: int, reason: str
    ) -> None:
        if at < self.end_sec and amount > 0:
            _add(self.refunds, ref_id, inv_id, _m(amount, currency), currency, at, reason)


def _terms(e: Entity, sub: Subscription) -> int:
    if e.segment == "smb" or sub.interval == 1:
        return 0
    return 30 if e.segment == "enterprise" else 14


def money_tables(entities: list[Entity], seed: int, end_day: int) -> dict[str, Columns]:
    """billing/invoices, invoice_lines, payments and refunds as of `end_day`."""
    mo = _Money(seed, end_day)
    for e in entities:
        for s in e.subscriptions:
            if s.booked_day > end_day:
                continue
            sub_no = int(s.sub_id[-2:])
            terms = _terms(e, s)
            k = 0
            paid_by_period: dict[int, tuple[str, int | None, int]] = {}
            while True:
                p0 = add_months(s.anchor, k * s.interval)
                if p0 > end_day or (s.ended_day is not None and p0 >= s.ended_day):
                    break
                p1 = add_months(s.anchor, (k + 1) * s.interval)
                v = s.version_at(p0)
                if v is not None:
                    amount = _round(v.interval_amount())
                    key = (e.index, sub_no, k)
                    issued = p0 * SECONDS_PER_DAY + 3600 * (2 + sub_no % 5)
                    inv_id = f"in_{e.index:06d}_{sub_no:02d}_{k:04d}"
                    if hash_unit(seed, *key, _SALT_VOID) < 0.004:
                        mo.invoice(
                            e,
                            s,
                            inv_id + "v",
                            issued,
                            [(v, amount, p0, p1, False)],
                            (p0, p1),
                            key,
                            None,
                            terms,
                            void=True,
                        )
                        issued += 3600
                    paid = mo.invoice(
                        e,
                        s,
                        inv_id,
                        issued,
                        [(v, amount, p0, p1, False)],
                        (p0, p1),
                        key,
                        s.dunning.get(k),
                        terms,
                    )
                    paid_by_period[k] = (inv_id, paid, amount)
                    if paid is not None and hash_unit(seed, *key, _SALT_REFUND) < 0.015:
                        share = Fraction(1 + int(hash_unit(seed, *key, _SALT_REFUND, 1) * 4), 10)
                        mo.refund(
                            f"re_{inv_id[3:]}_1",
                            inv_id,
                            _round(amount * share),
                            s.customer.currency,
                            paid + SECONDS_PER_DAY * (2 + k % 20),
                            "requested_by_customer",
                        )
                k += 1
            _prorations(mo, e, s, seed, sub_no, terms, paid_by_period)
    return {
        "billing/invoices": mo.invoices,
        "billing/invoice_lines": mo.lines,
        "billing/payments": mo.payments,
        "billing/refunds": mo.refunds,
    }


def _period_of(s: Subscription, day: int) -> tuple[int, int, int]:
    k = 0
    while add_months(s.anchor, (k + 1) * s.interval) <= day:
        k += 1
    return k, add_months(s.anchor, k * s.interval), add_months(s.anchor, (k + 1) * s.interval)


def _prorations(
    mo: _Money,
    e: Entity,
    s: Subscription,
    seed: int,
    sub_no: int,
    terms: int,
    paid_by_period: dict[int, tuple[str, int | None, int]],
) -> None:
    """Mid-period changes: a proration invoice (credit old, charge new) or a refund."""
    cur = s.customer.currency
    for idx in range(1, len(s.versions)):
        v, old = s.versions[idx], s.versions[idx - 1]
        if v.valid_from < s.anchor:
            continue
        k, p0, p1 = _period_of(s, v.valid_from)
        if v.valid_from == p0:
            continue
        frac = Fraction(p1 - v.valid_from, p1 - p0)
        credit = -_round(old.interval_amount() * frac)
        charge = _round(v.interval_amount() * frac)
        if credit + charge <= 0:
            continue
        inv_id = f"in_{e.index:06d}_{sub_no:02d}_x{idx:03d}"
        issued = v.valid_from * SECONDS_PER_DAY + 3600 * 14
        mo.invoice(
            e,
            s,
            inv_id,
            issued,
            [(old, credit, v.valid_from, p1, True), (v, charge, v.valid_from, p1, True)],
            (v.valid_from, p1),
            (e.index, sub_no, 5000 + idx),
            None,
            terms,
        )
    # immediate cancellations mid-period: refund the unused part of the paid period
    if s.cancel_mode == "immediate" and s.ended_day is not None and s.ended_day > s.anchor:
        k, p0, p1 = _period_of(s, s.ended_day)
        if s.ended_day != p0 and k in paid_by_period:
            inv_id, paid, amount = paid_by_period[k]
            if paid is not None and hash_unit(seed, e.index, sub_no, _SALT_REFUND, 7) < 0.6:
                unused = _round(amount * Fraction(p1 - s.ended_day, p1 - p0))
                mo.refund(
                    f"re_{inv_id[3:]}_c",
                    inv_id,
                    unused,
                    cur,
                    s.ended_day * SECONDS_PER_DAY + 3 * SECONDS_PER_DAY,
                    "cancellation",
                )
