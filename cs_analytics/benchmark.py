"""`make bench`: the MRR chain of the dbt project against a plain DuckDB query, same data.

The issue this answers: an MRR chain built as an account × month spine joined
back to the item versions with inequality joins grows with accounts × months ×
versions and took minutes at 100 k accounts, where one query that expands each
item version into the months it is paid in and aggregates takes about a
second. Our models must stay within a small factor (target ≤ 3×) of that plain
query, so this script times both in one process on one synthetic landing and
prints the ratio, and checks that both give the same MRR to the cent (a fast
wrong answer would be no answer).

The landing is written directly (numpy + pyarrow, vectorised), holding only
the tables the MRR chain reads: the demo generator also simulates usage,
support and invoices, which are irrelevant here and far too slow at 1 M
accounts. All money is USD so the plain query needs no FX, and prices are
chosen so every item MRR is exact at 4 decimals: both sides must agree
exactly, not just approximately.

Usage: python -m cs_analytics.benchmark [--accounts 100000 [--accounts 1000000]]
       [--months 60] [--seed 42] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cs_analytics.landing.loader import ingest_landing
from cs_analytics.settings import PROJECT_DIR, RunSettings
from cs_analytics.working_db import connect_working_db

DBT = str(Path(sys.executable).with_name("dbt"))
WINDOW_START = date(2021, 1, 1)
EPOCH = date(1970, 1, 1)
MRR_MARTS: tuple[str, ...] = ("fct_mrr", "fct_mrr_movements", "rpt_mrr_bridge")
REFERENCE_REPEATS = 3  # before the dbt builds; one more after each of them
DBT_RUNS = 2
EXCLUDE_TESTS = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
MICRO = 1_000_000  # the plain query sums MRR in integer millionths of a dollar

# Lifecycle parameters, tuned so 100 k accounts over 60 months give ~26 paying
# months per account, like the 2.6 M customer-months.
MEAN_LIFETIME_MONTHS = 55.0
REACTIVATION_SHARE = 0.25
PRODUCTS_PER_ACCOUNT_P = (0.55, 0.30, 0.15)  # 1, 2 or 3 products
EXTRA_VERSIONS_MEAN = 1.5  # versions per item = 1 + Poisson, capped
MAX_VERSIONS = 5
DISCOUNTS = np.array([0, 0, 0, 0, 5, 10, 15, 20])
DAYS_PER_MONTH = 30.4375


# ---------------------------------------------------------------- catalog


@dataclass(frozen=True)
class BenchPlan:
    plan_id: str
    product_id: str
    pricing_model: str
    interval: int
    unit_cents: int
    tier: int


def bench_plans() -> list[BenchPlan]:
    """Three products × three tiers × monthly/annual, USD.

    Monthly prices are multiples of 10 cents and annual ones 10.8 × that, so an
    annual price is a multiple of 12 cents and its monthly MRR, after any
    whole-percent discount, is exact at 4 decimals.
    """
    tiers = {
        "prod_cms": ("per_seat", (1500, 2900, 5500)),
        "prod_mka": ("per_seat", (2500, 4500, 7900)),
        "prod_ecat": ("flat", (8900, 44900, 159000)),
    }
    plans = []
    for product_id, (model, prices) in tiers.items():
        for tier, monthly_cents in enumerate(prices, start=1):
            for interval in (1, 12):
                cents = monthly_cents if interval == 1 else monthly_cents // 10 * 108
                plan_id = f"{product_id}_t{tier}_{'m' if interval == 1 else 'y'}"
                plans.append(BenchPlan(plan_id, product_id, model, interval, cents, tier))
    return plans


PRODUCT_IDS: tuple[str, ...] = ("prod_cms", "prod_mka", "prod_ecat")


# ---------------------------------------------------------------- landing


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


def _group_positions(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of `counts` rows: each row's group and its 0-based position in it."""
    group = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return group, np.arange(int(counts.sum())) - starts[group]


@dataclass
class Subscriptions:
    """One row per subscription (one product of one account in one paying stint)."""

    account: np.ndarray
    product: np.ndarray
    start: np.ndarray  # day offset
    end: np.ndarray  # day offset; meaningful where `ended`
    ended: np.ndarray


def _stints(rng: np.random.Generator, accounts: int, horizon: int) -> tuple[np.ndarray, ...]:
    """Paying stints: every account's first one and, for some churned accounts, a return.

    Returns (account, start, end, ended) per stint, day offsets from WINDOW_START.
    """
    start = rng.integers(0, int(horizon * 0.9), accounts)
    life = np.maximum(rng.exponential(MEAN_LIFETIME_MONTHS * DAYS_PER_MONTH, accounts), 31)
    end = start + life.astype(np.int64)
    ended = end < horizon
    returns = ended & (rng.random(accounts) < REACTIVATION_SHARE)
    back = end + rng.integers(45, 300, accounts)
    returns &= back < horizon
    life2 = np.maximum(rng.exponential(MEAN_LIFETIME_MONTHS * DAYS_PER_MONTH, accounts), 31)
    end2 = back + life2.astype(np.int64)
    account = np.concatenate([np.arange(accounts), np.flatnonzero(returns)])
    starts = np.concatenate([start, back[returns]])
    ends = np.concatenate([end, end2[returns]])
    return account, starts, ends, ends < horizon


def build_subscriptions(rng: np.random.Generator, accounts: int, horizon: int) -> Subscriptions:
    """1–3 products per stint; later products are cross-sold during the stint."""
    account, start, end, ended = _stints(rng, accounts, horizon)
    per_account = rng.choice([1, 2, 3], size=accounts, p=PRODUCTS_PER_ACCOUNT_P)
    n_products = per_account[account]
    stint, position = _group_positions(n_products)
    # A random distinct product per position: rotate from a random first product.
    first_product = rng.integers(0, len(PRODUCT_IDS), len(account))
    product = (first_product[stint] + position) % len(PRODUCT_IDS)
    s_start, s_end = start[stint], np.minimum(end[stint], horizon)
    delay = (rng.random(len(stint)) * 0.6 * (s_end - s_start)).astype(np.int64)
    sub_start = s_start + np.where(position == 0, 0, delay)
    return Subscriptions(account[stint], product, sub_start, end[stint], ended[stint])


@dataclass
class Versions:
    """One row per subscription item version (item i = subscription i)."""

    subscription: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray
    has_end: np.ndarray
    plan: np.ndarray  # index into bench_plans()
    quantity: np.ndarray
    unit_cents: np.ndarray  # item's own price; -1 = the plan's
    discount: np.ndarray


def build_versions(
    rng: np.random.Generator, subs: Subscriptions, horizon: int, plans: list[BenchPlan]
) -> Versions:
    """Split each subscription's life into versions: seat, tier and price changes."""
    n = len(subs.start)
    span = np.where(subs.ended, subs.end, horizon) - subs.start
    count = np.minimum(1 + rng.poisson(EXTRA_VERSIONS_MEAN, n), MAX_VERSIONS)
    count = np.maximum(np.minimum(count, span), 1)
    sub, pos = _group_positions(count)
    # Strictly increasing change days inside [start, end): cumulative random
    # weights scaled into span - count days, plus the position.
    weight = rng.exponential(1.0, len(sub))
    cum = np.cumsum(weight)
    group_start = np.cumsum(count) - count
    before = cum - weight - (cum - weight)[group_start][sub]
    total = cum[group_start + count - 1][sub] - (cum - weight)[group_start][sub]
    offset = np.floor(before / total * (span[sub] - count[sub])).astype(np.int64)
    valid_from = subs.start[sub] + offset + pos
    is_last = pos == count[sub] - 1
    next_from = np.append(valid_from[1:], 0)
    valid_to = np.where(is_last, subs.end[sub], next_from)
    has_end = ~is_last | subs.ended[sub]
    return Versions(
        subscription=sub,
        valid_from=valid_from,
        valid_to=valid_to,
        has_end=has_end,
        **_version_prices(rng, subs, sub, pos, plans),
    )


def _version_prices(
    rng: np.random.Generator,
    subs: Subscriptions,
    sub: np.ndarray,
    pos: np.ndarray,
    plans: list[BenchPlan],
) -> dict[str, np.ndarray]:
    """Plan (tier random walk, fixed interval), seats (random walk) and negotiated prices."""
    n_subs, n_versions = len(subs.start), len(sub)
    tier0 = rng.integers(1, 4, n_subs)
    annual = rng.random(n_subs) < 0.3
    step = np.where(pos == 0, 0, rng.choice([-1, 0, 0, 1], n_versions))
    tier = np.clip(tier0[sub] + _cumsum_by_group(step, sub), 1, 3)
    product = subs.product[sub]
    plan_index = {(p.product_id, p.tier, p.interval): i for i, p in enumerate(plans)}
    lookup = np.zeros((len(PRODUCT_IDS), 4, 13), dtype=np.int64)
    for (product_id, t, interval), i in plan_index.items():
        lookup[PRODUCT_IDS.index(product_id), t, interval] = i
    plan = lookup[product, tier, np.where(annual[sub], 12, 1)]
    seats0 = np.maximum(rng.lognormal(2.0, 1.0, n_subs).astype(np.int64), 1)
    seat_step = np.where(pos == 0, 0, rng.integers(-3, 8, n_versions))
    quantity = np.maximum(seats0[sub] + _cumsum_by_group(seat_step, sub), 1)
    plan_cents = np.array([p.unit_cents for p in plans])[plan]
    negotiated = rng.random(n_versions) < 0.2
    factor = rng.choice([80, 90, 95, 110], n_versions)
    own = plan_cents * factor // 100 // 12 * 12  # keeps annual prices a multiple of 12 cents
    unit_cents = np.where(negotiated, own, -1)
    discount = DISCOUNTS[rng.integers(0, len(DISCOUNTS), n_subs)][sub]
    return {"plan": plan, "quantity": quantity, "unit_cents": unit_cents, "discount": discount}


def _cumsum_by_group(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Running sum of `values` restarting at each group (rows sorted by group)."""
    total = np.cumsum(values)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    base = np.repeat(total[starts] - values[starts], np.diff(np.r_[starts, len(values)]))
    return total - base


def _write(root: Path, table_path: str, table: pa.Table) -> None:
    path = root / f"{table_path}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def _accounts_table(accounts: int, rng: np.random.Generator) -> pa.Table:
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


def _customers_table(accounts: int) -> pa.Table:
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


def _catalog_tables(plans: list[BenchPlan]) -> tuple[pa.Table, pa.Table]:
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


def _subscriptions_table(subs: Subscriptions) -> pa.Table:
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


def _items_table(versions: Versions, plans: list[BenchPlan]) -> pa.Table:
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


def build_landing(root: Path, accounts: int, months: int, seed: int) -> Landing:
    """Write the six required billing/CRM tables of a synthetic USD company as Parquet."""
    rng = np.random.default_rng(seed)
    as_of = as_of_for(months)
    horizon = (as_of - WINDOW_START).days
    plans = bench_plans()
    subs = build_subscriptions(rng, accounts, horizon)
    versions = build_versions(rng, subs, horizon, plans)
    products, plan_table = _catalog_tables(plans)
    _write(root, "crm/accounts", _accounts_table(accounts, rng))
    _write(root, "billing/customers", _customers_table(accounts))
    _write(root, "billing/products", products)
    _write(root, "billing/plans", plan_table)
    _write(root, "billing/subscriptions", _subscriptions_table(subs))
    _write(root, "billing/subscription_items", _items_table(versions, plans))
    return Landing(root, accounts, months, as_of, len(versions.subscription), len(subs.start))


# ---------------------------------------------------------------- the plain query


REFERENCE_SQL = """
create or replace table reference_mrr as
with items as (
    select
        c.account_id,
        p.product_id,
        cast(i.valid_from as date) as valid_from,
        cast(i.valid_to as date) as valid_to,
        -- exact: quantity × price × (100 − discount) ÷ (100 × interval), in millionths
        cast(
            (case when p.pricing_model = 'per_seat' then i.quantity else 1 end)
            * coalesce(i.unit_amount, p.unit_amount)
            * (100 - coalesce(i.discount_percent, 0)) * 10000 as hugeint
        ) as numerator,
        cast(p.billing_interval_months as hugeint) as interval_months
    from read_parquet($items) as i
    inner join read_parquet($subscriptions) as s on i.subscription_id = s.subscription_id
    inner join read_parquet($customers) as c on s.customer_id = c.customer_id
    inner join read_parquet($plans) as p on i.plan_id = p.plan_id
    where not c.is_test
),
paid as (
    select
        account_id,
        product_id,
        (2 * numerator + interval_months) // (2 * interval_months) as mrr_micro,
        cast(date_trunc('month', valid_from) as timestamp) as first_month,
        case
            when valid_to is null or valid_to >= $as_of
                then cast(date_trunc('month', $as_of) as timestamp)
            else cast(date_trunc('month', valid_to) as timestamp) - interval 1 month
        end as last_month
    from items
    where valid_from < $as_of and numerator > 0
),
expanded as (
    select
        account_id,
        product_id,
        mrr_micro,
        unnest(generate_series(first_month, last_month, interval 1 month)) as month
    from paid
    where first_month <= last_month
)
select account_id, product_id, cast(month as date) as month, sum(mrr_micro) as mrr_micro
from expanded
group by all
"""


@dataclass(frozen=True)
class MonthTotals:
    """Per month: MRR in millionths and paying accounts."""

    mrr_micro: dict[date, int]
    accounts: dict[date, int]

    @property
    def account_months(self) -> int:
        return sum(self.accounts.values())


def run_reference(con: duckdb.DuckDBPyConnection, landing: Landing) -> None:
    """The plain query: each item version expanded into the months it is paid in.

    Month m counts a version when it is in force at m's snapshot (the start of
    m+1, or for the as-of month the start of AS_OF_DATE): the months from the
    one of valid_from to the one before valid_to's (docs/metrics.md, Time).
    """
    billing = landing.root / "billing"
    con.execute(
        REFERENCE_SQL,
        {
            "items": str(billing / "subscription_items.parquet"),
            "subscriptions": str(billing / "subscriptions.parquet"),
            "customers": str(billing / "customers.parquet"),
            "plans": str(billing / "plans.parquet"),
            "as_of": landing.as_of,
        },
    )


def reference_totals(con: duckdb.DuckDBPyConnection) -> MonthTotals:
    rows = con.execute(
        "select month, cast(sum(mrr_micro) as hugeint), count(distinct account_id) "
        "from reference_mrr where mrr_micro > 0 group by month"
    ).fetchall()
    return MonthTotals({m: int(v) for m, v, _ in rows}, {m: int(n) for m, _, n in rows})


@dataclass(frozen=True)
class Seconds:
    """Wall-clock and CPU seconds (user + system, all threads) of one step.

    CPU seconds barely move when other work shares the machine, so their
    ratio is the figure to trust on a busy machine; wall seconds are what a
    user waits on an idle one.
    """

    wall: float
    cpu: float

    @staticmethod
    def best(runs: Sequence[Seconds]) -> Seconds:
        """The fastest wall and the fewest CPU seconds among `runs`."""
        return Seconds(min(r.wall for r in runs), min(r.cpu for r in runs))


def _reference_connection(database: Path | None) -> duckdb.DuckDBPyConnection:
    # A file takes the working database's storage format, so "ref to file"
    # costs what writing costs our models.
    con = connect_working_db(database) if database else duckdb.connect(":memory:")
    con.execute(f"set memory_limit = '{os.environ.get('DUCKDB_MEMORY_LIMIT', '8GB')}'")
    return con


def _best_reference_run(con: duckdb.DuckDBPyConnection, landing: Landing, repeats: int) -> Seconds:
    return Seconds.best([_timed(lambda: run_reference(con, landing)) for _ in range(repeats)])


def time_reference(
    landing: Landing, repeats: int = REFERENCE_REPEATS, database: Path | None = None
) -> Seconds:
    """Best wall and CPU time of the plain query over `repeats` runs.

    It is short, so one run is at the mercy of whatever else the machine does;
    the best run is its own cost. dbt's builds are taken the same way (the
    best of `--dbt-runs`), and the reference runs again after each build, so
    each build can also be compared with the runs around it
    (Result.paired_ratios) when the machine's speed drifts.

    By default the result table is in memory, as the issue's reference ran.
    With `database` it is written into that DuckDB file instead, as our
    models must write theirs: the difference is what persisting (compressing
    and writing to disk) costs DuckDB itself, whatever the SQL.
    """
    with _reference_connection(database) as con:
        return _best_reference_run(con, landing, repeats)


def time_reference_with_totals(landing: Landing) -> tuple[Seconds, MonthTotals]:
    """time_reference in memory, and the MRR totals its result holds (the
    answer the models must agree with)."""
    with _reference_connection(None) as con:
        return _best_reference_run(con, landing, REFERENCE_REPEATS), reference_totals(con)


def _timed(action: Callable[[], object]) -> Seconds:
    started, cpu_started = time.perf_counter(), time.process_time()
    action()
    return Seconds(time.perf_counter() - started, time.process_time() - cpu_started)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- our pipeline


@dataclass(frozen=True)
class ModelsRun:
    """One `dbt build` of the chain without tests."""

    seconds: Seconds
    model_seconds: dict[str, float]
    # dbt's own "Finished running … in X s": the models' execution, without
    # dbt's fixed start-up (Python imports, manifest, artifacts).
    models_elapsed: float


@dataclass(frozen=True)
class DbtTimes:
    """Seconds per step; None = skipped. Model seconds come from dbt's run_results.

    `runs` are the builds of the chain without tests: the first into the
    freshly ingested database, the others rebuilding it as the nightly does.
    The figures are the best of them (by wall time), as the reference's are
    the best of its runs.
    """

    ingest: Seconds
    runs: list[ModelsRun]
    build_with_tests: Seconds | None

    @property
    def best(self) -> ModelsRun:
        return min(self.runs, key=lambda run: run.seconds.wall)

    @property
    def models(self) -> Seconds:
        return self.best.seconds

    @property
    def model_seconds(self) -> dict[str, float]:
        return self.best.model_seconds

    @property
    def models_elapsed(self) -> float:
        return self.best.models_elapsed


@dataclass(frozen=True)
class PipelineOptions:
    with_tests: bool = True
    dbt_timeout: float | None = None
    dbt_runs: int = DBT_RUNS


class DbtFailed(RuntimeError):
    """dbt failed (e.g. out of memory) or ran past --dbt-timeout.

    The size is then reported as not completed rather than with a number, and
    the other sizes still run.
    """

    def __init__(self, status: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def present_marts() -> list[str]:
    """The MRR marts that exist in this checkout (the benchmark predates some of them)."""
    return [
        name for name in MRR_MARTS if (PROJECT_DIR / "models" / "marts" / f"{name}.sql").exists()
    ]


def _settings(landing: Landing, workdir: Path) -> RunSettings:
    return RunSettings(
        landing_dir=landing.root,
        warehouse_path=workdir / "bench.duckdb",
        report_dir=workdir / "reports",
        reporting_timezone="UTC",
        reporting_currency="USD",
        as_of_date=landing.as_of,
        uses_demo_landing=False,
    )


def _profiles_dir(workdir: Path) -> Path:
    """A private profiles.yml (the example one): paths come from DBT_DUCKDB_PATH."""
    folder = workdir / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_DIR / "profiles.example.yml", folder / "profiles.yml")
    return folder


def _dbt(args: list[str], workdir: Path, settings: RunSettings, timeout: float | None) -> Seconds:
    """Run dbt with its own target and log folders, so the project's manifest is untouched."""
    env = dict(os.environ)
    env.update(settings.dbt_env())
    env["DBT_PROFILES_DIR"] = str(_profiles_dir(workdir))
    folders = ["--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    started, cpu_started = time.perf_counter(), _children_cpu()
    try:
        done = subprocess.run(
            [DBT, *args, *folders],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise DbtFailed(
            "timeout", f"dbt {args[0]} did not finish within {timeout:.0f} s"
        ) from error
    seconds = Seconds(time.perf_counter() - started, _children_cpu() - cpu_started)
    if done.returncode != 0:
        errors = [line for line in done.stdout.splitlines() if "Error" in line]
        raise DbtFailed("failed", f"dbt {args[0]} failed: " + " | ".join(errors[:6]))
    return seconds


def _model_seconds(workdir: Path) -> tuple[dict[str, float], float]:
    """Per-model execution seconds of the last dbt invocation (where the time
    goes), and the seconds dbt spent running them all."""
    run_results = json.loads((workdir / "target" / "run_results.json").read_text())
    per_model = {
        r["unique_id"].rsplit(".", 1)[-1]: float(r["execution_time"])
        for r in run_results["results"]
        if r["unique_id"].startswith("model.")
    }
    return per_model, float(run_results["elapsed_time"])


def time_pipeline(
    landing: Landing,
    workdir: Path,
    options: PipelineOptions,
    after_each_build: Callable[[], object] = lambda: None,
) -> tuple[DbtTimes, RunSettings]:
    """Ingestion, then the MRR chain's models (`options.dbt_runs` times), then
    the same chain with its tests.

    `after_each_build` runs between the builds (the benchmark times the
    reference there), so both sides are sampled across the same stretch of a
    machine whose speed drifts.
    """
    settings = _settings(landing, workdir)
    db = settings.working_db_path
    db.unlink(missing_ok=True)
    ingest = _timed(
        lambda: ingest_landing(db, landing.root, run_id="bench", started_at=datetime.now(UTC))
    )
    select = ["--select", *(f"+{name}" for name in present_marts())]
    vars_ = ["--vars", settings.dbt_vars_json()]
    timeout = options.dbt_timeout
    _dbt(["parse", "--quiet", *vars_], workdir, settings, None)  # untimed: not the chain
    runs = []
    for _ in range(options.dbt_runs):
        seconds = _dbt(["build", *select, *vars_, *EXCLUDE_TESTS], workdir, settings, timeout)
        runs.append(ModelsRun(seconds, *_model_seconds(workdir)))
        after_each_build()
    with_tests = None
    if options.with_tests:
        # Cautious: only tests whose every parent is in the chain (not e.g.
        # relationships to dim_accounts, which the chain does not build).
        cautious = ["--indirect-selection", "cautious"]
        with_tests = _dbt(["build", *select, *vars_, *cautious], workdir, settings, timeout)
    return DbtTimes(ingest, runs, with_tests), settings


def pipeline_totals(settings: RunSettings) -> MonthTotals:
    with duckdb.connect(str(settings.working_db_path), read_only=True) as con:
        rows = con.execute(
            "select month, cast(sum(mrr) * 1000000 as hugeint), "
            "count(distinct account_id) filter (where mrr > 0) "
            "from marts.fct_mrr group by month"
        ).fetchall()
    return MonthTotals({m: int(v) for m, v, _ in rows}, {m: int(n) for m, _, n in rows})


def disagreements(reference: MonthTotals, ours: MonthTotals) -> list[str]:
    """Months whose MRR differs by a cent or more, or whose paying accounts differ."""
    problems = []
    for month in sorted(set(reference.mrr_micro) | set(ours.mrr_micro)):
        ref, got = reference.mrr_micro.get(month, 0), ours.mrr_micro.get(month, 0)
        if abs(ref - got) >= MICRO // 100:
            problems.append(
                f"{month}: MRR reference {ref / MICRO:.6f} vs fct_mrr {got / MICRO:.6f}"
            )
        ref_n, got_n = reference.accounts.get(month, 0), ours.accounts.get(month, 0)
        if ref_n != got_n:
            problems.append(f"{month}: paying accounts reference {ref_n} vs fct_mrr {got_n}")
    return problems


# ---------------------------------------------------------------- the run


@dataclass(frozen=True)
class Result:
    landing: Landing
    reference: Seconds
    totals: MonthTotals
    times: DbtTimes | None
    problems: list[str]
    build_seconds: float
    failure: str | None = None  # "timeout" or "failed" when dbt did not complete
    reference_on_disk: Seconds | None = None  # the plain query writing into a file
    # In time order: the best of the runs before the builds, then one after each.
    reference_runs: list[Seconds] = field(default_factory=list)

    @property
    def paired_ratios(self) -> list[float]:
        """Each build's wall time over the mean of the reference runs around it.

        The machine's speed drifts by 10-20 % over a long benchmark (the
        reference's runs after the builds are often slower than those before),
        so the best of each side alone can pit a build against the reference
        on a faster stretch. Pairing each build with the reference runs just
        before and after it compares the two on the same stretch of machine.
        The first build's "before" is the best initial run, the figure least
        favourable to the models.
        """
        if self.times is None:
            return []
        around = pairwise(self.reference_runs)
        return [
            run.seconds.wall / ((before.wall + after.wall) / 2)
            for run, (before, after) in zip(self.times.runs, around, strict=True)
        ]


@contextmanager
def _workdir(keep: Path | None, accounts: int) -> Iterator[Path]:
    if keep is not None:
        path = keep / f"accounts_{accounts}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="cs_bench_") as folder:
        yield Path(folder)


def bench_one(
    accounts: int, months: int, seed: int, keep: Path | None, options: PipelineOptions
) -> Result:
    with _workdir(keep, accounts) as workdir:
        started = time.perf_counter()
        landing = build_landing(workdir / "landing", accounts, months, seed)
        build_seconds = time.perf_counter() - started
        _log(f"{accounts} accounts: landing written in {build_seconds:.1f} s ({landing.root})")
        reference_runs: list[Seconds] = []
        reference, totals = time_reference_with_totals(landing)
        reference_runs.append(reference)
        on_disk = time_reference(landing, database=workdir / "reference.duckdb")
        _log(
            f"  reference query {reference.wall:.2f} s (CPU {reference.cpu:.2f} s), "
            f"into a file {on_disk.wall:.2f} s, {totals.account_months} account-months"
        )
        if not present_marts():
            _log("  models/marts/fct_mrr.sql is missing: only the reference query was timed")
            return Result(
                landing, reference, totals, None, [], build_seconds, reference_on_disk=on_disk
            )
        try:
            times, settings = time_pipeline(
                landing,
                workdir,
                options,
                after_each_build=lambda: reference_runs.append(time_reference(landing, 1)),
            )
        except DbtFailed as error:
            _log(f"  {error}")
            return Result(
                landing,
                reference,
                totals,
                None,
                [str(error)],
                build_seconds,
                error.status,
                reference_on_disk=on_disk,
            )
        problems = disagreements(totals, pipeline_totals(settings))
        reference = Seconds.best(reference_runs)
        builds = ", ".join(
            f"{run.seconds.wall:.1f} s (nodes {run.models_elapsed:.1f} s, "
            f"CPU {run.seconds.cpu:.1f} s)"
            for run in times.runs
        )
        _log(f"  ingest {times.ingest.wall:.1f} s, dbt models {builds}")
        _log(
            "  reference after each build: "
            + ", ".join(f"{r.wall:.2f} s" for r in reference_runs[1:])
        )
        result = Result(
            landing,
            reference,
            totals,
            times,
            problems,
            build_seconds,
            reference_on_disk=on_disk,
            reference_runs=reference_runs,
        )
        _log("  paired models/ref: " + ", ".join(f"{x:.2f}x" for x in result.paired_ratios))
        return result


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


TABLE_HEADER: tuple[str, ...] = (
    "accounts",
    "acct-months",
    "item versions",
    "reference s",
    "ref to file s",
    "ingest s",
    "dbt models s",
    "dbt nodes s",
    "dbt +tests s",
    "models/ref",
    "paired models/ref",
    "nodes/ref",
    "models/ref to file",
    "(ingest+models)/ref",
    "ref CPU s",
    "dbt CPU s",
    "CPU models/ref",
    "agree",
)


def _row(r: Result) -> tuple[str, ...]:
    t = r.times
    on_disk = r.reference_on_disk
    cells = [f"{r.landing.accounts:,}", f"{r.totals.account_months:,}"]
    cells += [f"{r.landing.item_versions:,}", f"{r.reference.wall:.2f}"]
    cells.append("-" if on_disk is None else f"{on_disk.wall:.2f}")
    if t is None:
        cells += ["-", r.failure or "-"] + ["-"] * 7 + [f"{r.reference.cpu:.2f}"] + ["-"] * 3
        return tuple(cells)
    cells += [f"{t.ingest.wall:.1f}", f"{t.models.wall:.1f}", f"{t.models_elapsed:.1f}"]
    cells.append("-" if t.build_with_tests is None else f"{t.build_with_tests.wall:.1f}")
    cells += [
        f"{t.models.wall / r.reference.wall:.1f}x",
        f"{min(r.paired_ratios):.1f}x",
        f"{t.models_elapsed / r.reference.wall:.1f}x",
        "-" if on_disk is None else f"{t.models.wall / on_disk.wall:.1f}x",
        f"{(t.ingest.wall + t.models.wall) / r.reference.wall:.1f}x",
        f"{r.reference.cpu:.2f}",
        f"{t.models.cpu:.1f}",
        f"{t.models.cpu / r.reference.cpu:.1f}x",
        "yes" if not r.problems else f"NO ({len(r.problems)})",
    ]
    return tuple(cells)


def format_table(results: Sequence[Result]) -> str:
    rows = [TABLE_HEADER, *(_row(r) for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_HEADER))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_slowest(result: Result, top: int = 6) -> str:
    """Where the models-only build spends its time: the first place to optimise."""
    if result.times is None:
        return ""
    ranked = sorted(result.times.model_seconds.items(), key=lambda kv: -kv[1])[:top]
    total = sum(result.times.model_seconds.values())
    cells = ", ".join(f"{name} {seconds:.1f}" for name, seconds in ranked)
    return (
        f"{result.landing.accounts:,} accounts, slowest models (s; all models {total:.1f}): {cells}"
    )


def _at_least_one(text: str) -> int:
    runs = int(text)
    if runs < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {runs}")
    return runs


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m cs_analytics.benchmark",
        description="Time the dbt MRR chain against a plain DuckDB query on synthetic data.",
    )
    parser.add_argument(
        "--accounts",
        type=int,
        action="append",
        help="accounts to generate; repeat for several sizes (default 100000)",
    )
    parser.add_argument("--months", type=int, default=60, help="months of history (default 60)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="keep landings and databases under this folder")
    parser.add_argument(
        "--skip-tests", action="store_true", help="time the models only, not the build with tests"
    )
    parser.add_argument(
        "--dbt-timeout", type=float, help="give up on a size when one dbt build exceeds this (s)"
    )
    parser.add_argument(
        "--dbt-runs",
        type=_at_least_one,
        default=DBT_RUNS,
        help=f"builds of the chain, the best one counts (default {DBT_RUNS})",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    options = PipelineOptions(
        with_tests=not args.skip_tests, dbt_timeout=args.dbt_timeout, dbt_runs=args.dbt_runs
    )
    results = [
        bench_one(accounts, args.months, args.seed, args.keep, options)
        for accounts in (args.accounts or [100_000])
    ]
    print(format_table(results))
    print(
        f"\nmonths={args.months} seed={args.seed} as_of={results[0].landing.as_of}; "
        f"reference = best of {REFERENCE_REPEATS} runs of the plain query before the dbt "
        "builds and one after each, its result in memory (ref to file: the same query "
        "writing its result into a DuckDB file, as the models must); dbt models = wall "
        f"time of the best of {args.dbt_runs} runs of "
        f"`dbt build --select {' '.join('+' + m for m in present_marts())}` without tests "
        "(the first into the freshly ingested database, then rebuilding it as the nightly "
        "does; models/ref, target <= 3x); paired = the lowest over the builds of one's "
        "wall time over the mean of the reference runs just before and after it (the "
        "machine's speed drifts over the run, so the best of each side alone may pit them "
        "against different speeds); dbt nodes "
        "= the part of it dbt spent running the models (its 'Finished running' time, "
        "without dbt's fixed start-up), and with tests; CPU = user + system seconds of "
        "all threads (the dbt subprocess, the reference's own process), steadier than "
        "wall time when other work shares the machine; agree = MRR per month equal to "
        "the cent and the same paying accounts per month. DuckDB memory_limit="
        f"{os.environ.get('DUCKDB_MEMORY_LIMIT', '8GB')} (DUCKDB_MEMORY_LIMIT), dbt threads="
        f"{os.environ.get('DBT_THREADS', '2')} (DBT_THREADS), {os.cpu_count()} CPUs."
    )
    for result in results:
        if result.times is not None:
            print(format_slowest(result))
    failed = [r for r in results if r.problems]
    for r in failed:
        print(f"\n{r.landing.accounts} accounts: not comparable or fct_mrr disagrees:")
        print("\n".join(f"  {p}" for p in r.problems[:20]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
