"""The benchmarks: the MRR chain's parts, and `make bench PRESET=small` itself.

`make bench-mrr` judges the dbt MRR chain by a ratio to the reference query
and by agreement with it, so the reference must be right: here it is checked
against a slow, obvious Python computation of the month-end snapshot rule on
a small landing. `make bench PRESET=small` runs once, as CI's smoke test of
the whole bench (two nights): what it prints and records is checked, never
how fast it was.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from cs_analytics.landing.discovery import discover_landing
from cs_analytics.settings import PROJECT_DIR
from cs_devtools.benchmark.landing import Landing, build_landing
from cs_devtools.benchmark.memory import PeakMemory
from cs_devtools.benchmark.night import NightPaths, night_env
from cs_devtools.benchmark.nightly import BENCH_PLANS
from cs_devtools.benchmark.pipeline import DbtTimes, ModelsRun
from cs_devtools.benchmark.reference import MICRO, MonthTotals, reference_totals, run_reference
from cs_devtools.benchmark.report import TABLE_HEADER, table_row
from cs_devtools.benchmark.results import (
    REQUIRED_FIELDS,
    format_table,
    latest_per_preset,
    read_results,
    scaling_exponent,
)
from cs_devtools.benchmark.run import Result
from cs_devtools.benchmark.timing import Seconds
from cs_devtools.demo_data import generate
from cs_devtools.demo_data.generate import count_events
from cs_devtools.demo_data.presets import PRESETS

ACCOUNTS = 200
MONTHS = 24


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Landing:
    root = tmp_path_factory.mktemp("bench") / "landing"
    return build_landing(root, ACCOUNTS, MONTHS, seed=3)


def rows(landing: Landing, table_path: str) -> list[dict]:
    return pq.read_table(landing.root / f"{table_path}.parquet").to_pylist()


def month_starts(first: date, last: date) -> list[date]:
    """First days of the months from `first`'s to `last`'s, inclusive."""
    months, current = [], date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def snapshot(month: date, as_of: date) -> date:
    """The instant month m reports (dates are midnight UTC): start of m+1, or AS_OF_DATE."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return min(following, as_of)


def python_mrr_by_month(landing: Landing) -> dict[date, Decimal]:
    """docs/metrics.md applied literally: every version, every month, in force at the snapshot?"""
    plans = {p["plan_id"]: p for p in rows(landing, "billing/plans")}
    subs = {s["subscription_id"]: s for s in rows(landing, "billing/subscriptions")}
    customers = {c["customer_id"]: c for c in rows(landing, "billing/customers")}
    items = rows(landing, "billing/subscription_items")
    first = min(i["valid_from"] for i in items)
    months = month_starts(first, landing.as_of)
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for item in items:
        plan = plans[item["plan_id"]]
        assert not customers[subs[item["subscription_id"]]["customer_id"]]["is_test"]
        seats = item["quantity"] if plan["pricing_model"] == "per_seat" else 1
        price = item["unit_amount"] if item["unit_amount"] is not None else plan["unit_amount"]
        mrr = seats * price * (100 - item["discount_percent"]) / 100
        mrr = mrr / plan["billing_interval_months"]
        for month in months:
            at = snapshot(month, landing.as_of)
            if item["valid_from"] < at and (item["valid_to"] is None or item["valid_to"] >= at):
                totals[month] += mrr
    return {m: v.quantize(Decimal("0.000001"), ROUND_HALF_UP) for m, v in totals.items() if v}


def test_reference_query_equals_the_snapshot_rule_in_python(landing: Landing) -> None:
    with duckdb.connect() as con:
        run_reference(con, landing)
        totals = reference_totals(con)
    reference = {m: Decimal(v) / MICRO for m, v in totals.mrr_micro.items() if v}
    assert reference == python_mrr_by_month(landing)


def test_landing_meets_the_contract_and_looks_like_a_saas_company(
    landing: Landing,
) -> None:
    discover_landing(landing.root)  # raises on a missing table or column
    items = rows(landing, "billing/subscription_items")
    subs = rows(landing, "billing/subscriptions")
    assert 2 <= len(items) / len(subs) <= 3, "about 2–3 item versions per subscription"
    customer_of = {s["subscription_id"]: s["customer_id"] for s in subs}
    plans = {p["plan_id"]: p["product_id"] for p in rows(landing, "billing/plans")}
    products: dict[str, set[str]] = defaultdict(set)
    for item in items:
        products[customer_of[item["subscription_id"]]].add(plans[item["plan_id"]])
    assert {len(owned) for owned in products.values()} == {1, 2, 3}
    assert len({s["customer_id"] for s in subs}) == ACCOUNTS
    ended: dict[str, datetime] = {}
    for s in subs:
        if s["ended_at"] is not None:
            ended[s["customer_id"]] = min(s["ended_at"], ended.get(s["customer_id"], s["ended_at"]))
    assert ended, "some accounts churn"
    returned = {
        s["customer_id"]
        for s in subs
        if s["customer_id"] in ended and s["created_at"] > ended[s["customer_id"]]
    }
    assert returned, "some churned accounts come back (reactivation)"


def test_versions_of_an_item_do_not_overlap(landing: Landing) -> None:
    versions: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    for item in rows(landing, "billing/subscription_items"):
        versions[item["subscription_item_id"]].append((item["valid_from"], item["valid_to"]))
    for spans in versions.values():
        spans.sort()
        for (start, end), (next_start, _) in pairwise(spans):
            assert end is not None and start < end == next_start


def test_each_build_is_compared_with_the_reference_runs_around_it(
    landing: Landing,
) -> None:
    def build(wall: float) -> ModelsRun:
        return ModelsRun(Seconds(wall, 2 * wall), {}, wall)

    times = DbtTimes(Seconds(1.0, 1.0), [build(60.0), build(66.0)], None)
    references = [Seconds(wall, 2 * wall) for wall in (18.0, 22.0, 22.0)]
    result = Result(
        landing,
        references[0],
        MonthTotals({}, {}),
        times,
        [],
        0.0,
        reference_runs=references,
    )
    # 60 / mean(18, 22) and 66 / mean(22, 22); the best runs alone would say 60 / 18.
    assert result.paired_ratios == pytest.approx([3.0, 3.0])
    assert table_row(result)[TABLE_HEADER.index("paired models/ref")] == "3.0x"
    assert len(table_row(result)) == len(TABLE_HEADER)


# ---------------------------------------------------------------- make bench PRESET=...
def test_peak_memory_counts_the_children_of_a_process() -> None:
    """A parent that starts a child holding 200 MB: the tree's peak holds both."""
    child = "x = bytearray(200 * 2**20); import time; time.sleep(2)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    process = subprocess.Popen([sys.executable, "-c", parent])
    with PeakMemory(process.pid) as memory:
        process.wait()
    assert memory.peak > 200 * 2**20


def _row(preset: str, events: int, full: float, incremental: float | None) -> dict:
    return {
        "preset": preset,
        "accounts": 10,
        "usage_events": events,
        "full_build_s": full,
        "incremental_s": incremental,
        "incremental_over_full": incremental and incremental / full,
        "working_db_bytes": 3 * 2**20,
        "published_bytes": 2**20,
    }


def test_the_table_shows_each_preset_and_the_scaling_exponent() -> None:
    medium, large = (
        _row("medium", 30_000_000, 600.0, 60.0),
        _row("large", 300_000_000, 6000.0, 60.0),
    )
    earlier = [_row("large", 1, 1.0, 1.0), large, _row("small", 1, 1.0, 1.0) | {"failed": "x"}]
    rows = latest_per_preset(earlier, medium)
    assert [r["preset"] for r in rows] == ["medium", "large"]  # failed runs are not shown
    table = format_table(rows, medium).splitlines()
    assert table[2].split()[:2] == ["medium", "*"] and table[3].split()[0] == "large"
    assert scaling_exponent(rows) == (
        "scaling medium -> large: usage events x10.0, full_build_s x10.00, exponent 1.00 "
        "(1 = linear)"
    )
    assert "exponent 0.00" in scaling_exponent(rows, "incremental_s")


def test_a_night_that_failed_has_no_time_in_the_table_or_the_exponent() -> None:
    """A large run that ran out of disk in its full night: its time until then is no build."""
    medium = _row("medium", 30_000_000, 600.0, 60.0)
    stopped = _row("large", 300_000_000, 1234.1, None) | {"failed": "full night"}
    rows = latest_per_preset([medium], stopped)
    line = format_table(rows, stopped).splitlines()[3]
    assert "failed after 1,234" in line
    assert scaling_exponent(rows) is None and scaling_exponent(rows, "incremental_s") is None
    next_night_failed = _row("large", 300_000_000, 6000.0, 99.0) | {"failed": "incremental night"}
    rows = latest_per_preset([medium], next_night_failed)
    assert "exponent 1.00" in scaling_exponent(rows)
    assert scaling_exponent(rows, "incremental_s") is None


@pytest.mark.slow
def test_a_preset_sets_the_nights_dbt_threads_unless_the_shell_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = NightPaths.inside(tmp_path)
    as_of = date(2026, 6, 15)
    monkeypatch.delenv("DBT_THREADS", raising=False)
    assert "DBT_THREADS" not in night_env(paths, as_of)
    assert night_env(paths, as_of, BENCH_PLANS["large"].dbt_threads)["DBT_THREADS"] == "1"
    monkeypatch.setenv("DBT_THREADS", "2")
    assert night_env(paths, as_of, BENCH_PLANS["large"].dbt_threads)["DBT_THREADS"] == "2"


def test_make_bench_small_runs_both_nights_and_records_them(tmp_path: Path) -> None:
    """What CI runs once: `make bench PRESET=small`, into a temporary bench folder."""
    results = tmp_path / "bench_results.json"
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "bench",
            "PRESET=small",
            f"BENCH_DIR={tmp_path / 'bench'}",
            f"BENCH_RESULTS={results}",
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    small = PRESETS["small"]
    next_day, as_of = small.end + timedelta(days=1), small.end + timedelta(days=2)
    for said in (
        "generating the small landing",
        f"full night: AS_OF_DATE={next_day}",
        "adding one day",
        f"incremental night: AS_OF_DATE={as_of}",
    ):
        assert f"bench: {said}" in done.stderr
    table = done.stdout.splitlines()
    header = table.index(next(line for line in table if line.lstrip().startswith("preset")))
    assert table[header + 2].split()[:2] == ["small", "*"]

    (record,) = read_results(results)
    assert set(REQUIRED_FIELDS) <= set(record)
    fresh = tmp_path / "fresh"
    generate(
        fresh,
        small.accounts,
        small.start,
        small.end,
        small.seed,
        fmt="parquet",
        usage_density=small.usage_density,
        month_stable=True,
    )
    landing = tmp_path / "bench" / "small" / "landing"
    assert record["preset"] == "small" and record["accounts"] == small.accounts
    assert record["usage_events"] == count_events(fresh)
    assert record["usage_events_next_day"] == count_events(landing) > record["usage_events"]
    assert record["failed"] is None
    assert record["generate_s"] > 0 and record["generate_peak_rss_mb"] > 0
    assert record["full_build_s"] > 0 and record["incremental_s"] > 0
    assert record["incremental_over_full"] == round(
        record["incremental_s"] / record["full_build_s"], 3
    )
    assert record["peak_rss_mb"] > 100 and record["incremental_peak_rss_mb"] > 100
    assert record["mrr_chain_over_reference"] > 0 and record["mrr_chain_agrees"] is True
    assert record["usage_rollup_over_raw"] > 0 and record["usage_rollup_agrees"] is True
    assert record["working_db_bytes"] > record["published_bytes"] > 0
    for key in ("largest_steps", "incremental_largest_steps"):
        seconds = [step["seconds"] for step in record[key]]
        assert seconds and seconds == sorted(seconds, reverse=True) and seconds[-1] > 0
        assert any(step["step"] == "step dbt" for step in record[key])
    # the new day rewrote one month of events, not the closed ones
    assert f"moved the end from {small.end} to {next_day}: generated 1 month(s)" in done.stderr
