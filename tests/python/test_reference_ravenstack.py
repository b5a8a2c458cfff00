"""A foreign, messy export through the real nightly: the public RavenStack data set.

RavenStack (../shared/reference/README.md; tests/python/reference_data.py says
when it is absent) is a synthetic B2B SaaS company as real exports look:
subscriptions starting mid-month, mostly open-ended, several overlapping per
account, and churn events recorded per account (no subscription), which do not
agree with the subscriptions' end dates. We map it onto docs/landing_contract.md
the way an analyst would, run the nightly job, and check that it publishes, that
MRR at every month-end snapshot is what the subscriptions say (computed here
independently), and that the account-level churn reasons reach fct_churn_events.

Mapping: one CRM account and one USD billing customer per account; one product
with a flat plan per tier and billing frequency (monthly, or annual at 12
months); per subscription one item version priced at the period's price (the
export's MRR, or its ARR for annual ones: MRR = ARR / 12, exactly, since
arr_amount = 12 * mrr_amount there), valid from start_date to end_date (blank =
open); churn events as churn reasons on the account; support tickets; feature
usage as events of the subscription's account.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.python.landing_builder import write_csv
from tests.python.pipeline_helpers import build_warehouse
from tests.python.reference_data import reference_dir

AS_OF = date(2025, 1, 1)
PRODUCT_ID = "prod_ravenstack"

pytestmark = pytest.mark.slow

Rows = list[dict[str, str]]


def read(name: str) -> Rows:
    path = reference_dir("ravenstack") / f"ravenstack_{name}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def plan_id(subscription: dict[str, str]) -> str:
    return f"plan_{subscription['plan_tier'].lower()}_{subscription['billing_frequency']}"


def price(subscription: dict[str, str]) -> str:
    annual = subscription["billing_frequency"] == "annual"
    return subscription["arr_amount"] if annual else subscription["mrr_amount"]


def ravenstack_landing_rows() -> dict[str, Rows]:
    accounts, subscriptions = read("accounts"), read("subscriptions")
    account_of = {s["subscription_id"]: s["account_id"] for s in subscriptions}
    plans = {plan_id(s): s for s in subscriptions}
    return {
        "crm/accounts": [
            {
                "account_id": a["account_id"],
                "account_name": a["account_name"],
                "industry": a["industry"],
                "region": "",
                "country": a["country"],
                "employee_count": "",
                "segment": "",
                "touch_model": "",
                "csm_owner_id": "",
                "created_at": a["signup_date"],
                "updated_at": "",
                "merged_into_account_id": "",
            }
            for a in accounts
        ],
        "billing/customers": [
            {
                "customer_id": f"cus_{a['account_id']}",
                "account_id": a["account_id"],
                "currency": "USD",
                "created_at": a["signup_date"],
                "is_test": "false",
            }
            for a in accounts
        ],
        "billing/products": [
            {"product_id": PRODUCT_ID, "product_name": "RavenStack", "product_family": "saas"}
        ],
        "billing/plans": [
            {
                "plan_id": plan,
                "product_id": PRODUCT_ID,
                "plan_name": f"{s['plan_tier']} {s['billing_frequency']}",
                "pricing_model": "flat",
                "billing_interval_months": "12" if s["billing_frequency"] == "annual" else "1",
                "unit_amount": "0",
                "currency": "USD",
                "tier_rank": "",
                "included_seats": "",
            }
            for plan, s in sorted(plans.items())
        ],
        "billing/subscriptions": [
            {
                "subscription_id": s["subscription_id"],
                "customer_id": f"cus_{s['account_id']}",
                "status": "canceled" if s["end_date"] else "active",
                "created_at": s["start_date"],
                "trial_end_at": "",
                "canceled_at": "",
                "ended_at": s["end_date"],
            }
            for s in subscriptions
        ],
        "billing/subscription_items": [
            {
                "subscription_item_id": f"si_{s['subscription_id']}",
                "subscription_id": s["subscription_id"],
                "plan_id": plan_id(s),
                "quantity": "1",
                "unit_amount": price(s),
                "discount_percent": "0",
                "valid_from": s["start_date"],
                "valid_to": s["end_date"],
            }
            for s in subscriptions
        ],
        # Reasons are recorded on the account, as most CRMs keep them.
        "crm/churn_reasons": [
            {
                "account_id": c["account_id"],
                "subscription_id": "",
                "reason_code": c["reason_code"],
                "notice_at": c["churn_date"],
                "effective_at": c["churn_date"],
                "comment": c["feedback_text"],
            }
            for c in read("churn_events")
        ],
        "support/tickets": [
            {
                "ticket_id": t["ticket_id"],
                "account_id": t["account_id"],
                "priority": t["priority"],
                "status": "solved" if t["closed_at"] else "open",
                "category": "",
                "created_at": t["submitted_at"],
                "first_response_at": "",
                "solved_at": t["closed_at"],
                "csat_score": t["satisfaction_score"],
            }
            for t in read("support_tickets")
        ],
        "usage/events": [
            {
                "event_id": u["usage_id"],
                "account_id": account_of[u["subscription_id"]],
                "user_id": "",
                "event_name": u["feature_name"],
                "occurred_at": u["usage_date"],
                "received_at": "",
            }
            for u in read("feature_usage")
        ],
    }


@pytest.fixture(scope="module")
def warehouse(manifest: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("ravenstack_landing")
    for table_path, rows in ravenstack_landing_rows().items():
        write_csv(landing / f"{table_path}.csv", rows)
    return build_warehouse(landing, tmp_path_factory, "ravenstack_warehouse", AS_OF)


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def expected_mrr(subscriptions: Rows, month: date) -> tuple[Decimal, int]:
    """MRR and paying accounts at month m's snapshot, the start of m + 1 (docs/metrics.md).

    A subscription counts when it started before the snapshot and had not ended
    by it (end_date exclusive, blank = open).
    """
    snapshot = next_month(month).isoformat()
    active = [
        s
        for s in subscriptions
        if s["start_date"] < snapshot and (not s["end_date"] or s["end_date"] >= snapshot)
    ]
    paying = {s["account_id"] for s in active if Decimal(s["mrr_amount"]) > 0}
    return sum((Decimal(s["mrr_amount"]) for s in active), Decimal(0)), len(paying)


def test_every_month_end_mrr_is_what_the_subscriptions_say(warehouse: Path) -> None:
    subscriptions = read("subscriptions")
    bridge = query(
        warehouse,
        "select month, closing_mrr, closing_accounts from marts.rpt_mrr_bridge "
        f"where month < date '{AS_OF.isoformat()}' order by month",
    )
    assert len(bridge) == 24, "January 2023 to December 2024"
    mismatches = {
        month.isoformat(): ((mrr, accounts), expected_mrr(subscriptions, month))
        for month, mrr, accounts in bridge
        if (mrr, accounts) != expected_mrr(subscriptions, month)
    }
    assert mismatches == {}


def test_account_level_churn_reasons_reach_the_churn_events(warehouse: Path) -> None:
    codes = {c["reason_code"] for c in read("churn_events")}
    events = query(
        warehouse,
        "select reason_code, has_recorded_reason, notice_subscription_id "
        "from marts.fct_churn_events",
    )
    matched = [code for code, recorded, _ in events if recorded]
    assert matched, "some churn events match an account's churn"
    assert set(matched) <= codes
    assert {subscription for *_, subscription in events} == {None}


def test_the_messy_export_is_counted_not_lost(warehouse: Path) -> None:
    work = warehouse.with_name(f"{warehouse.stem}.work.duckdb")
    reconciled = query(
        work, "select bool_and(is_reconciled) from audit.audit_landing_reconciliation"
    )
    assert reconciled == [(True,)]
    blanks = dict(
        query(
            work,
            "select audited_column, values_blank from audit.audit_landing_parse_failures "
            "where table_path = 'crm/churn_reasons'",
        )
    )
    assert blanks["crm/churn_reasons.subscription_id"] == len(read("churn_events"))
