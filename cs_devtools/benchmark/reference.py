"""The plain query: each item version expanded into the months it is paid in.

This is the yardstick of `make bench` (what one query costs) and its answer
(the MRR per month the dbt chain must reproduce to the cent).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from cs_analytics.working_db import connect_working_db
from cs_devtools.benchmark.landing import Landing
from cs_devtools.benchmark.timing import Seconds, timed

REFERENCE_REPEATS = 3  # before the dbt builds; one more after each of them
MICRO = 1_000_000  # the plain query sums MRR in integer millionths of a dollar

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


def _reference_connection(database: Path | None) -> duckdb.DuckDBPyConnection:
    # A file takes the working database's storage format, so "ref to file"
    # costs what writing costs our models.
    con = connect_working_db(database) if database else duckdb.connect(":memory:")
    con.execute(f"set memory_limit = '{os.environ.get('DUCKDB_MEMORY_LIMIT', '8GB')}'")
    return con


def _best_reference_run(con: duckdb.DuckDBPyConnection, landing: Landing, repeats: int) -> Seconds:
    return Seconds.best([timed(lambda: run_reference(con, landing)) for _ in range(repeats)])


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
