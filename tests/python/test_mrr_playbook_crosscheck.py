"""The MRR marts against a third party's answer: dbt Labs' mrr-playbook on its own seed.

The playbook (../shared/reference/README.md; tests/python/reference_data.py says
when it is absent) is an independently written
MRR model whose output on its 121 subscription periods we hold as CSV. We map
those periods onto our landing contract, run the real nightly job on them and
compare every month of the bridge and every customer-month of fct_mrr and
fct_mrr_movements with what the playbook computed.

Why the two conventions agree here: every playbook date is the 1st of a month
and `end_date` is exclusive, so the playbook's "month m is covered when
start_date <= m < end_date" is exactly our month-end snapshot rule
(docs/metrics.md, Time: a version counts for m when valid_from < start(m+1) <=
valid_to). A period [2018-11-01, 2019-02-01) counts in Nov, Dec and Jan in both
and churns in Feb in both. The playbook never lets a customer become "new"
twice (`is_first_month` is the first active month ever), which is our default
`reactivation_window_months` = 0. Checked by hand month by month: no month of
the reference is excluded.
"""

from __future__ import annotations

import csv
import subprocess
from collections import defaultdict
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest

from cs_analytics.settings import PROJECT_DIR
from tests.python.conftest import DBT, dbt_env
from tests.python.landing_builder import write_csv
from tests.python.pipeline_helpers import build_warehouse
from tests.python.reference_data import reference_dir

FCT_MRR_SQL = PROJECT_DIR / "models" / "marts" / "fct_mrr.sql"
# 2020-01 (the playbook's last active month) and 2020-02 (its last churn) are complete.
AS_OF = date(2020, 3, 1)
PRODUCT_ID = "prod_playbook"
PLAN_ID = "plan_playbook_monthly"
ZERO = Decimal(0)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not FCT_MRR_SQL.exists(),
        reason="models/marts/fct_mrr.sql does not exist yet: the MRR marts are not written",
    ),
]

# Reference column -> (bridge column, sign that turns the reference into ours).
# The playbook signs downgrades and churn negative; our bridge shows them positive.
MONEY_COLUMNS: dict[str, tuple[str, int]] = {
    "total_mrr": ("closing_mrr", 1),
    "new_mrr": ("new_mrr", 1),
    "reactivation_mrr": ("reactivation_mrr", 1),
    "upgrade_mrr": ("expansion_mrr", 1),
    "downgrade_mrr": ("contraction_mrr", -1),
    "churn_mrr": ("churn_mrr", -1),
}
COUNT_COLUMNS: dict[str, str] = {
    "active_customers": "closing_accounts",
    "new_customers": "new_accounts",
    "churned_customers": "churned_accounts",
    "reactivated_customers": "reactivated_accounts",
}
CATEGORIES: dict[str, str] = {
    "new": "new",
    "reactivation": "reactivation",
    "upgrade": "expansion",
    "downgrade": "contraction",
    "churn": "churn",
}
# Months where we believe the reference is wrong, with the reason. None so far:
# every month of expected_monthly.csv was recomputed by hand under docs/metrics.md
# and agrees (see the module docstring).
EXCLUDED_MONTHS: dict[date, str] = {}


def account_id(customer_id: str) -> str:
    """Distinct CRM and billing ids, so a test cannot pass by confusing the two."""
    return f"acct_{customer_id}"


def read_reference(name: str) -> list[dict[str, str]]:
    with (reference_dir("mrr-playbook") / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def money(value: object) -> Decimal:
    """An exact decimal from the reference text or a DuckDB DECIMAL; floats are refused."""
    if value is None or value == "":
        return ZERO
    if isinstance(value, float):
        raise TypeError(f"money came back as a float ({value!r}); marts must be exact decimal")
    return Decimal(str(value))


# ---------------------------------------------------------------- the landing


def playbook_landing_rows(periods: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """The playbook's periods as docs/landing_contract.md lands them (CSV text, bare dates).

    One CRM account and one USD billing customer per playbook customer, one
    product with one flat monthly plan, and per period one subscription with a
    single item version priced at the period's monthly amount.
    """
    customers = sorted({p["customer_id"] for p in periods}, key=int)
    accounts = [
        {
            "account_id": account_id(c),
            "account_name": f"Playbook customer {c}",
            "industry": "software",
            "region": "NA",
            "country": "US",
            "employee_count": "50",
            "segment": "smb",
            "touch_model": "tech",
            "csm_owner_id": "",
            "created_at": "2017-01-01T00:00:00Z",
            "updated_at": "2017-01-01T00:00:00Z",
            "merged_into_account_id": "",
        }
        for c in customers
    ]
    billing_customers = [
        {
            "customer_id": f"cus_{c}",
            "account_id": account_id(c),
            "currency": "USD",
            "created_at": "2017-01-01T00:00:00Z",
            "is_test": "false",
        }
        for c in customers
    ]
    subscriptions = [
        {
            "subscription_id": f"sub_{p['subscription_id']}",
            "customer_id": f"cus_{p['customer_id']}",
            "status": "canceled",
            "created_at": f"{p['start_date']}T00:00:00Z",
            "trial_end_at": "",
            "canceled_at": f"{p['end_date']}T00:00:00Z",
            "ended_at": f"{p['end_date']}T00:00:00Z",
        }
        for p in periods
    ]
    items = [
        {
            "subscription_item_id": f"si_{p['subscription_id']}",
            "subscription_id": f"sub_{p['subscription_id']}",
            "plan_id": PLAN_ID,
            "quantity": "1",
            "unit_amount": p["monthly_amount"],
            "discount_percent": "0",
            "valid_from": p["start_date"],
            "valid_to": p["end_date"],
        }
        for p in periods
    ]
    return {
        "crm/accounts": accounts,
        "billing/customers": billing_customers,
        "billing/products": [
            {"product_id": PRODUCT_ID, "product_name": "Playbook", "product_family": "saas"}
        ],
        "billing/plans": [
            {
                "plan_id": PLAN_ID,
                "product_id": PRODUCT_ID,
                "plan_name": "Playbook monthly",
                "pricing_model": "flat",
                "billing_interval_months": "1",
                "unit_amount": "0",
                "currency": "USD",
                "tier_rank": "1",
                "included_seats": "",
            }
        ],
        "billing/subscriptions": subscriptions,
        "billing/subscription_items": items,
    }


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("playbook_landing")
    for table_path, rows in playbook_landing_rows(
        read_reference("subscription_periods.csv")
    ).items():
        write_csv(root / f"{table_path}.csv", rows)
    return root


def refresh_manifest() -> None:
    """Dagster runs and publishes what target/manifest.json lists, so it must be current.

    `make test` parses first; run alone, a manifest from before the MRR marts
    (or any newer model) existed makes the job fail on an unknown node or
    silently leave the marts unpublished.
    """
    subprocess.run([DBT, "parse", "--quiet"], cwd=PROJECT_DIR, env=dbt_env(), check=True)


@pytest.fixture(scope="module")
def warehouse(landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The nightly job, run once for the module on the playbook landing."""
    refresh_manifest()
    return build_warehouse(landing, tmp_path_factory, "playbook_warehouse", AS_OF)


def query(path: Path, sql: str) -> list[dict[str, object]]:
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# ---------------------------------------------------------------- the bridge


def expected_bridge() -> dict[date, dict[str, object]]:
    """expected_monthly.csv in our bridge's columns and signs (blank = 0)."""
    months: dict[date, dict[str, object]] = {}
    for row in read_reference("expected_monthly.csv"):
        values: dict[str, object] = {
            ours: sign * money(row[theirs]) for theirs, (ours, sign) in MONEY_COLUMNS.items()
        }
        values.update({ours: int(row[theirs] or 0) for theirs, ours in COUNT_COLUMNS.items()})
        months[date.fromisoformat(row["date_month"])] = values
    return months


def bridge_columns() -> list[str]:
    return [ours for ours, _ in MONEY_COLUMNS.values()] + list(COUNT_COLUMNS.values())


def actual_bridge(warehouse: Path) -> dict[date, dict[str, object]]:
    rows = query(
        warehouse, f"select month, {', '.join(bridge_columns())} from marts.rpt_mrr_bridge"
    )
    return {
        row["month"]: {
            col: money(row[col]) if col.endswith("_mrr") else int(row[col] or 0)  # type: ignore[call-overload]
            for col in bridge_columns()
        }
        for row in rows
    }


def zero_month() -> dict[str, object]:
    """A month absent on one side: nothing happened and nobody was active."""
    return {col: ZERO if col.endswith("_mrr") else 0 for col in bridge_columns()}


def test_bridge_months_run_from_first_data_to_as_of(warehouse: Path) -> None:
    months = [r["month"] for r in query(warehouse, "select month from marts.rpt_mrr_bridge")]
    assert min(months) == date(2017, 9, 1)
    assert max(months) == date(AS_OF.year, AS_OF.month, 1)
    assert len(months) == len(set(months))


def test_every_month_of_the_bridge_matches_the_playbook(warehouse: Path) -> None:
    expected = expected_bridge()
    actual = actual_bridge(warehouse)
    months = sorted((set(expected) | set(actual)) - set(EXCLUDED_MONTHS))
    mismatches = {}
    for month in months:
        want = expected.get(month, zero_month())
        got = actual.get(month, zero_month())
        diff = {col: (got[col], want[col]) for col in bridge_columns() if got[col] != want[col]}
        if diff:
            mismatches[month.isoformat()] = diff
    # Each entry: column -> (ours, playbook's).
    assert mismatches == {}


def test_bridge_chains_and_has_no_fx_in_a_usd_only_company(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select month, opening_mrr, fx_mrr, closing_mrr, opening_accounts, closing_accounts "
        "from marts.rpt_mrr_bridge order by month",
    )
    for previous, current in pairwise(rows):
        assert money(current["opening_mrr"]) == money(previous["closing_mrr"]), current["month"]
        assert current["opening_accounts"] == previous["closing_accounts"], current["month"]
    assert all(money(r["fx_mrr"]) == ZERO for r in rows)


# ---------------------------------------------------------------- customer-months


def expected_customer_mrr() -> dict[tuple[str, date], Decimal]:
    """Paying customer-months of the playbook (its zero rows are gaps and churn months)."""
    return {
        (account_id(r["customer_id"]), date.fromisoformat(r["date_month"])): money(r["mrr"])
        for r in read_reference("expected_customer_months.csv")
        if money(r["mrr"]) > ZERO
    }


def expected_customer_movements() -> dict[tuple[str, date], tuple[str, Decimal, Decimal, Decimal]]:
    """(movement, signed amount, previous MRR, current MRR) per categorised customer-month."""
    return {
        (account_id(r["customer_id"]), date.fromisoformat(r["date_month"])): (
            CATEGORIES[r["change_category"]],
            money(r["mrr_change"]),
            money(r["previous_month_mrr"]),
            money(r["mrr"]),
        )
        for r in read_reference("expected_customer_months.csv")
        if r["change_category"]
    }


def test_fct_mrr_matches_the_playbook_per_customer_month(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select account_id, month, sum(mrr) as mrr from marts.fct_mrr "
        "group by all having sum(mrr) <> 0",
    )
    actual = {(r["account_id"], r["month"]): money(r["mrr"]) for r in rows}
    expected = {
        key: value
        for key, value in expected_customer_mrr().items()
        if key[1] not in EXCLUDED_MONTHS
    }
    actual = {key: value for key, value in actual.items() if key[1] not in EXCLUDED_MONTHS}
    assert {k: (actual.get(k), v) for k, v in expected.items() if actual.get(k) != v} == {}
    assert set(actual) - set(expected) == set()


def test_fct_mrr_rows_are_usd_on_the_one_product(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select month, product_id, currency, mrr, mrr_original, arr, is_partial_month "
        "from marts.fct_mrr where mrr <> 0",
    )
    assert rows
    for row in rows:
        assert (row["product_id"], row["currency"]) == (PRODUCT_ID, "USD")
        assert money(row["mrr_original"]) == money(row["mrr"])
        assert money(row["arr"]) == 12 * money(row["mrr"])
        assert row["is_partial_month"] == (row["month"] == date(AS_OF.year, AS_OF.month, 1))


def test_fct_mrr_movements_match_the_playbook_per_customer_month(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select account_id, month, movement_type, sum(amount) as amount, "
        "max(previous_mrr) as previous_mrr, max(current_mrr) as current_mrr "
        "from marts.fct_mrr_movements where movement_type <> 'fx' group by all",
    )
    by_key: dict[tuple[str, date], list[tuple[str, Decimal, Decimal, Decimal]]] = defaultdict(list)
    for r in rows:
        by_key[(r["account_id"], r["month"])].append(  # type: ignore[index]
            (
                str(r["movement_type"]),
                money(r["amount"]),
                money(r["previous_mrr"]),
                money(r["current_mrr"]),
            )
        )
    assert {k: v for k, v in by_key.items() if len(v) > 1} == {}, "one movement per account-month"
    actual = {k: v[0] for k, v in by_key.items() if k[1] not in EXCLUDED_MONTHS}
    expected = {
        k: v for k, v in expected_customer_movements().items() if k[1] not in EXCLUDED_MONTHS
    }
    assert {k: (actual.get(k), v) for k, v in expected.items() if actual.get(k) != v} == {}
    assert set(actual) - set(expected) == set()


def test_fx_movements_are_zero_in_a_usd_only_company(warehouse: Path) -> None:
    rows = query(warehouse, "select amount from marts.fct_mrr_movements where movement_type = 'fx'")
    assert all(money(r["amount"]) == ZERO for r in rows)
