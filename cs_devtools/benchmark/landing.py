"""The benchmark's synthetic landing: written directly as Parquet, MRR tables only.

The landing holds only the tables the MRR chain reads: the demo generator also
simulates usage, support and invoices, which are irrelevant here and far too
slow at 1 M accounts. All money is USD so the plain query needs no FX, and
prices are chosen so every item MRR is exact at 4 decimals: both sides must
agree exactly, not just approximately.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cs_devtools.benchmark.catalog import bench_plans
from cs_devtools.benchmark.lifecycles import build_subscriptions, build_versions
from cs_devtools.benchmark.tables import (
    WINDOW_START,
    accounts_table,
    catalog_tables,
    customers_table,
    items_table,
    subscriptions_table,
)


@dataclass(frozen=True)
class Landing:
    """Where a synthetic landing lives and the run's dates."""

    root: Path
    accounts: int
    months: int
    as_of: date
    item_versions: int
    subscriptions: int


def as_of_for(months: int) -> date:
    """Mid-month after a `months`-long window, so the as-of month is partial and non-empty."""
    total = WINDOW_START.month - 1 + months
    return date(WINDOW_START.year + total // 12, total % 12 + 1, 15)


def _write(root: Path, table_path: str, table: pa.Table) -> None:
    path = root / f"{table_path}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def build_landing(root: Path, accounts: int, months: int, seed: int) -> Landing:
    """Write the six required billing/CRM tables of a synthetic USD company as Parquet."""
    # One generator for everything, drawn in this order: subscriptions,
    # versions, then the accounts' attributes.
    rng = np.random.default_rng(seed)
    as_of = as_of_for(months)
    horizon = (as_of - WINDOW_START).days
    plans = bench_plans()
    subs = build_subscriptions(rng, accounts, horizon)
    versions = build_versions(rng, subs, horizon, plans)
    products, plan_table = catalog_tables(plans)
    _write(root, "crm/accounts", accounts_table(accounts, rng))
    _write(root, "billing/customers", customers_table(accounts))
    _write(root, "billing/products", products)
    _write(root, "billing/plans", plan_table)
    _write(root, "billing/subscriptions", subscriptions_table(subs))
    _write(root, "billing/subscription_items", items_table(versions, plans))
    return Landing(root, accounts, months, as_of, len(versions.subscription), len(subs.start))
