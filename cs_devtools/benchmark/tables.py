"""The six landing tables the MRR chain reads, as Arrow tables in the contract's columns.

All money is USD, so the plain query needs no FX. Days arrive as offsets from
WINDOW_START and leave as dates or UTC timestamps.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cs_devtools.benchmark.catalog import PRODUCT_IDS, BenchPlan
from cs_devtools.benchmark.lifecycles import Subscriptions, Versions

WINDOW_START = date(2021, 1, 1)
EPOCH = date(1970, 1, 1)


def _ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    """String ids without a Python loop (fast at millions of rows)."""
    text = pc.cast(pa.array(numbers, pa.int64()), pa.string())
    return pc.binary_join_element_wise(prefix, text, "")


def _days_to_date(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Day offsets from WINDOW_START as a date32 column (NULL where not valid)."""
    epoch_days = (days + (WINDOW_START - EPOCH).days).astype(np.int32)
    mask = None if valid is None else ~valid
    return pa.array(epoch_days, pa.int32(), mask=mask).cast(pa.date32())


def _days_to_timestamp(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Day offsets as UTC midnight timestamps (for the contract's `_at` columns)."""
    micros = (days.astype(np.int64) + (WINDOW_START - EPOCH).days) * 86_400 * 1_000_000
    mask = None if valid is None else ~valid
    return pa.array(micros, pa.int64(), mask=mask).cast(pa.timestamp("us", tz="UTC"))


def accounts_table(accounts: int, rng: np.random.Generator) -> pa.Table:
    numbers = np.arange(accounts)
    segments = np.array(["smb", "mid_market", "enterprise"])[
        rng.choice(3, accounts, p=[0.6, 0.3, 0.1])
    ]
    touch = np.select([segments == "smb", segments == "mid_market"], ["tech", "low"], "high")
    created = _days_to_timestamp(np.zeros(accounts, dtype=np.int64))
    nulls = pa.nulls(accounts, pa.string())
    return pa.table(
        {
            "account_id": _ids("acct_", numbers),
            "account_name": _ids("Account ", numbers),
            "industry": pa.array(np.full(accounts, "software")),
            "region": pa.array(np.array(["NA", "EMEA", "APAC"])[numbers % 3]),
            "country": pa.array(np.array(["US", "DE", "JP"])[numbers % 3]),
            "employee_count": pa.array(rng.integers(5, 5000, accounts)),
            "segment": pa.array(segments),
            "touch_model": pa.array(touch),
            "csm_owner_id": nulls,
            "created_at": created,
            "updated_at": created,
            "merged_into_account_id": nulls,
        }
    )


def customers_table(accounts: int) -> pa.Table:
    numbers = np.arange(accounts)
    return pa.table(
        {
            "customer_id": _ids("cus_", numbers),
            "account_id": _ids("acct_", numbers),
            "currency": pa.array(np.full(accounts, "USD")),
            "created_at": _days_to_timestamp(np.zeros(accounts, dtype=np.int64)),
            "is_test": pa.array(np.zeros(accounts, dtype=bool)),
        }
    )


def catalog_tables(plans: list[BenchPlan]) -> tuple[pa.Table, pa.Table]:
    products = pa.table(
        {
            "product_id": list(PRODUCT_IDS),
            "product_name": ["Atlas CMS", "Pulse Marketing Automation", "Shelf E-Catalog"],
            "product_family": ["content", "marketing", "commerce"],
        }
    )
    plan_table = pa.table(
        {
            "plan_id": [p.plan_id for p in plans],
            "product_id": [p.product_id for p in plans],
            "plan_name": [p.plan_id for p in plans],
            "pricing_model": [p.pricing_model for p in plans],
            "billing_interval_months": [p.interval for p in plans],
            "unit_amount": pa.array(
                [Decimal(p.unit_cents).scaleb(-2) for p in plans], pa.decimal128(20, 2)
            ),
            "currency": ["USD"] * len(plans),
            "tier_rank": [p.tier for p in plans],
            "included_seats": pa.array([None] * len(plans), pa.int64()),
        }
    )
    return products, plan_table


def subscriptions_table(subs: Subscriptions) -> pa.Table:
    n = len(subs.start)
    ended_at = _days_to_timestamp(subs.end, subs.ended)
    return pa.table(
        {
            "subscription_id": _ids("sub_", np.arange(n)),
            "customer_id": _ids("cus_", subs.account),
            "status": pa.array(np.where(subs.ended, "canceled", "active")),
            "created_at": _days_to_timestamp(subs.start),
            "trial_end_at": pa.nulls(n, pa.timestamp("us", tz="UTC")),
            "canceled_at": ended_at,
            "ended_at": ended_at,
        }
    )


def items_table(versions: Versions, plans: list[BenchPlan]) -> pa.Table:
    own = versions.unit_cents >= 0
    cents = pa.array(versions.unit_cents, pa.int64(), mask=~own).cast(pa.decimal128(19, 0))
    unit_amount = pc.multiply(cents, pa.scalar(Decimal("0.01"), pa.decimal128(3, 2)))
    return pa.table(
        {
            "subscription_item_id": _ids("si_", versions.subscription),
            "subscription_id": _ids("sub_", versions.subscription),
            "plan_id": pa.array(np.array([p.plan_id for p in plans])[versions.plan]),
            "quantity": pa.array(versions.quantity),
            "unit_amount": unit_amount.cast(pa.decimal128(20, 2)),
            "discount_percent": pa.array(versions.discount.astype(np.int64))
            .cast(pa.decimal128(19, 0))
            .cast(pa.decimal128(7, 4)),
            "valid_from": _days_to_date(versions.valid_from),
            "valid_to": _days_to_date(versions.valid_to, versions.has_end),
        }
    )
