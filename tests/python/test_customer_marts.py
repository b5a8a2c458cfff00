"""The customer marts on one demo build, against the generator's planted truth.

The truth is `_truth/lifecycle_events.parquet` (what happened to each account:
`new` on the first paid day, `churn_notice` with the reason code or "no reason
recorded", `churn` on the effective day with its mode), `_truth/accounts.parquet`
(merges) and `_truth/mrr.parquet` (exact MRR in the plan currency). Accounts
touched by a CRM merge are left out of the per-account comparisons: the truth
keeps their own ids while the marts roll them up to the survivor, whose churn
only happens when all its merged accounts stop paying.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from cs_devtools.demo_data import generate
from tests.python.pipeline_helpers import build_warehouse

AS_OF = date(2025, 1, 1)
LAST_COMPLETE_MONTH = date(2024, 12, 1)
NO_REASON = "no reason recorded"
NANO = Decimal("0.000000001")


def month_of(day: date) -> date:
    return day.replace(day=1)


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("customer_landing")
    generate(root, accounts=120, start=date(2023, 1, 1), end=date(2024, 12, 31), seed=5)
    return root


@pytest.fixture(scope="module")
def warehouse(landing: Path, manifest: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One nightly run, as `make run` does it."""
    from orchestration.run import main

    path = tmp_path_factory.mktemp("customer_warehouse") / "cs.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LANDING_DIR", str(landing))
        patch.setenv("WAREHOUSE_PATH", str(path))
        patch.setenv("REPORT_DIR", str(path.parent / "reports"))
        patch.setenv("AS_OF_DATE", AS_OF.isoformat())
        assert main() == 0
    return path


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def events(landing: Path) -> list[dict]:
    return pq.read_table(landing / "_truth" / "lifecycle_events.parquet").to_pylist()


@pytest.fixture(scope="module")
def survivors(landing: Path) -> dict[str, str]:
    """Truth account id -> the account the marts report it under."""
    accounts = pq.read_table(landing / "_truth" / "accounts.parquet").to_pylist()
    return {a["account_id"]: a["merged_into"] or a["account_id"] for a in accounts}


@pytest.fixture(scope="module")
def merged(survivors: dict[str, str]) -> set[str]:
    """Accounts merged away and the accounts they were merged into."""
    return {a for a, s in survivors.items() if a != s} | {s for a, s in survivors.items() if a != s}


def first_paid_days(events: list[dict], survivors: dict[str, str]) -> dict[str, date]:
    """Each reported account's first paid day (earliest `new` of its merged accounts)."""
    first: dict[str, date] = {}
    for e in events:
        if e["event_type"] == "new":
            account = survivors.get(e["account_id"], e["account_id"])
            first[account] = min(first.get(account, e["event_date"]), e["event_date"])
    return first


def planted_churns(events: list[dict], merged: set[str]) -> dict[tuple[str, date], dict]:
    """(account, churn month) -> planted mode and reason, for accounts outside merges."""
    notices: dict[str, list[str]] = defaultdict(list)
    churns: dict[tuple[str, date], dict] = {}
    for e in sorted(events, key=lambda e: (e["account_id"], e["event_date"])):
        if e["account_id"] in merged:
            continue
        if e["event_type"] == "churn_notice":
            notices[e["account_id"]].append(e["detail"])
        elif e["event_type"] == "churn":
            planted = notices[e["account_id"]].pop(0)
            # Billing customers without a CRM account have no CRM notice to read.
            recorded = planted != NO_REASON and not e["account_id"].startswith("billing:")
            churns[(e["account_id"], month_of(e["event_date"]))] = {
                "mode": e["detail"],
                "reason": planted if recorded else "unknown",
            }
    return churns


def test_every_planted_churn_is_a_churn_event_with_its_planted_reason(
    warehouse: Path, events: list[dict], merged: set[str]
) -> None:
    expected = planted_churns(events, merged)
    rows = query(
        warehouse,
        "select account_id, month, reason_code, voluntary_category, churn_number "
        "from marts.fct_churn_events",
    )
    actual = {(a, m): (reason, category) for a, m, reason, category, _ in rows if a not in merged}
    assert {key: reason for key, (reason, _) in actual.items()} == {
        key: churn["reason"] for key, churn in expected.items()
    }
    # Involuntary churns are the payment failures, whatever else was planted.
    for key, churn in expected.items():
        reason, category = actual[key]
        if reason != "unknown":
            assert (category == "involuntary") == (churn["mode"] == "involuntary"), key
        else:
            assert category == "unknown", key
    modes = Counter(c["mode"] for c in expected.values())
    reasons = Counter(c["reason"] for c in expected.values())
    assert modes["involuntary"] >= 1 and reasons["unknown"] >= 1 and len(expected) >= 8


def test_unknown_reasons_are_counted_by_category(warehouse: Path) -> None:
    events_unknown = query(
        warehouse, "select count(*) from marts.fct_churn_events where reason_code = 'unknown'"
    )[0][0]
    by_category = query(
        warehouse,
        "select sum(churned_accounts), sum(churned_accounts_without_reason) "
        "from marts.rpt_churn_by_category where voluntary_category = 'unknown'",
    )[0]
    assert events_unknown >= 1
    assert by_category == (events_unknown, events_unknown)


def test_cohort_sizes_are_the_accounts_first_paying_each_month(
    warehouse: Path, events: list[dict], survivors: dict[str, str]
) -> None:
    expected = Counter(month_of(d) for d in first_paid_days(events, survivors).values())
    cohorts = dict(
        query(
            warehouse,
            "select cohort_month, cohort_accounts from marts.rpt_cohort_retention "
            "where slice_dimension = 'all' and months_since_start = 0",
        )
    )
    started = dict(
        query(
            warehouse,
            "select cohort_month, accounts_started from marts.rpt_onboarding "
            "where slice_dimension = 'all'",
        )
    )
    assert cohorts == {m: n for m, n in expected.items() if m <= LAST_COMPLETE_MONTH}
    assert started == dict(expected)


def test_first_paid_day_and_ttv_follow_the_planted_start(
    warehouse: Path, landing: Path, events: list[dict], survivors: dict[str, str], merged: set[str]
) -> None:
    """TTV counts from the planted first paid day (after any trial) to first_value."""
    paid = {a: d for a, d in first_paid_days(events, survivors).items() if a not in merged}
    milestones = pacsv.read_csv(landing / "crm" / "onboarding_milestones.csv").to_pylist()
    first_value = {
        m["account_id"]: m["completed_at"].date()
        for m in milestones
        if m["milestone"] == "first_value" and m["completed_at"] is not None
    }
    rows = query(
        warehouse.with_name("cs.work.duckdb"),
        "select account_id, first_paid_date, value_source, ttv_days "
        "from intermediate.int_onboarding__account_progress",
    )
    facts = {a: (first_paid, source, ttv) for a, first_paid, source, ttv in rows}
    assert {a: facts[a][0] for a in paid} == paid
    expected_ttv = {a: max(0, (first_value[a] - paid[a]).days) for a in paid if a in first_value}
    assert {a: facts[a][2] for a in expected_ttv} == expected_ttv
    assert all(facts[a][1] == "first_value_milestone" for a in expected_ttv)
    assert len(expected_ttv) >= 40


def usd_rates(landing: Path) -> dict[str, list[tuple[date, Decimal]]]:
    rows = pacsv.read_csv(
        landing / "billing" / "fx_rates.csv",
        convert_options=pacsv.ConvertOptions(column_types={"usd_per_unit": "string"}),
    ).to_pylist()
    series: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for r in rows:
        series[r["currency"]].append((r["rate_date"], Decimal(r["usd_per_unit"])))
    return {c: sorted(s) for c, s in series.items()}


def month_end_rate(
    series: dict[str, list[tuple[date, Decimal]]], currency: str, month: date
) -> Decimal:
    if currency == "USD":
        return Decimal(1)
    last_day = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return [rate for day, rate in series[currency] if day <= last_day][-1]


def test_cohort_retention_at_the_cohort_months_rates_matches_the_truth(
    warehouse: Path, landing: Path, events: list[dict], survivors: dict[str, str]
) -> None:
    """Logo and revenue retention of the `all` slice recomputed from _truth/mrr.parquet.

    The cohort is the month of the first planted `new`; every month's MRR in
    the plan currency is converted at the cohort month's month-end rate
    (latest on or before its last day, USD = 1) and rounded to 9 decimals per
    row. The truth's MRR starts with --start, so cohorts from then on.
    """
    first_month = date(2023, 1, 1)
    cohort = {
        a: month_of(d)
        for a, d in first_paid_days(events, survivors).items()
        if first_month <= month_of(d) <= LAST_COMPLETE_MONTH
    }
    rates = usd_rates(landing)
    mrr: dict[tuple[date, int], Decimal] = defaultdict(Decimal)
    active: dict[tuple[date, int], set[str]] = defaultdict(set)
    for row in pq.read_table(landing / "_truth" / "mrr.parquet").to_pylist():
        start = cohort.get(row["account_id"])
        if start is None or row["month"] > LAST_COMPLETE_MONTH:
            continue
        key = (start, months_between(start, row["month"]))
        rate = month_end_rate(rates, row["currency"], start)
        mrr[key] += (row["mrr_original"] * rate).quantize(NANO, ROUND_HALF_UP)
        active[key].add(row["account_id"])
    rows = query(
        warehouse,
        "select cohort_month, months_since_start, active_accounts, cohort_mrr, "
        "revenue_retention from marts.rpt_cohort_retention "
        f"where slice_dimension = 'all' and cohort_month >= '{first_month}'",
    )
    actual = {(c, k): (n, m, rr) for c, k, n, m, rr in rows}
    reached = {
        (start, k)
        for start in set(cohort.values())
        for k in range(months_between(start, LAST_COMPLETE_MONTH) + 1)
    }
    assert set(actual) == reached, "every month a cohort reached, and no other"
    for key in reached:
        n, m, rr = actual[key]
        assert n == len(active.get(key, ())), key
        assert abs(m - mrr.get(key, Decimal(0))) < Decimal("0.000001"), key
        start_mrr = mrr[(key[0], 0)]
        assert abs(rr - mrr.get(key, Decimal(0)) / start_mrr) < Decimal("0.000000001"), key
    assert len(reached) > 100
    assert any(rr > 1 for _, _, rr in actual.values()), "an expanding cohort exceeds 100 %"


def test_survival_starts_with_every_cohort_year(
    warehouse: Path, events: list[dict], survivors: dict[str, str]
) -> None:
    years = Counter(
        d.year
        for d in first_paid_days(events, survivors).values()
        if month_of(d) <= LAST_COMPLETE_MONTH
    )
    rows = query(
        warehouse,
        "select cohort_year, at_risk, survival from marts.rpt_survival "
        "where slice_dimension = 'all' and months_since_start = 0",
    )
    assert {y: n for y, n, _ in rows} == dict(years)
    assert all(s == 1 for _, _, s in rows)
    minimum = query(
        warehouse,
        "select min(survival) from marts.rpt_survival where slice_dimension = 'all'",
    )[0][0]
    assert 0 < minimum < 1


# ---------------------------------------------------------------- account-level churn reasons


@pytest.fixture(scope="module")
def account_level_landing(clean_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo with every churn reason recorded on the account, as most CRMs do."""
    root = tmp_path_factory.mktemp("account_level") / "landing"
    shutil.copytree(clean_landing, root, ignore=shutil.ignore_patterns("_truth"))
    path = root / "crm" / "churn_reasons.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(r["subscription_id"] for r in rows)
    for row in rows:
        row["subscription_id"] = ""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return root


def test_a_landing_of_account_level_churn_reasons_publishes_them(
    account_level_landing: Path,
    clean_warehouse: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """No gate stops the night, and every churn keeps the reason its subscription's notice gave."""
    published = build_warehouse(account_level_landing, tmp_path_factory, "account_level_wh")
    events = (
        "select month, account_id, reason_code, voluntary_category, avoidability_category, "
        "notice_date, has_recorded_reason, notice_subscription_id from marts.fct_churn_events "
        "order by month, account_id"
    )
    with_subscriptions = query(clean_warehouse, events)
    on_accounts = query(published, events)
    assert any(row[6] for row in on_accounts), "the demo plants recorded reasons"
    assert [row[:7] for row in on_accounts] == [row[:7] for row in with_subscriptions]
    assert {row[7] for row in on_accounts} == {None}
    categories = "select * from marts.rpt_churn_by_category order by all"
    assert query(published, categories) == query(clean_warehouse, categories)
