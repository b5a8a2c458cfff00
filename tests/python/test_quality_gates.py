"""Bad input stops the night with a message naming the check, table and row; marts stay.

Each test damages a copy of the clean demo landing the way a real export goes
wrong and runs the nightly as `make run` does. The published file (and its
Parquet copies) must stay byte for byte as they were, and the failure must be
recorded in the run history and the failure log.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from cs_analytics.settings import DBT_EXECUTABLE as DBT
from cs_analytics.settings import PROJECT_DIR, load_settings
from tests.python.conftest import dbt_env
from tests.python.pipeline_helpers import (
    assert_night_fails_keeping_marts,
    copy_warehouse,
    nightly_env,
    query,
    working_db,
)

Rows = list[dict[str, str]]


@pytest.fixture
def broken_landing(clean_landing: Path, tmp_path: Path) -> Path:
    broken = tmp_path / "landing"
    shutil.copytree(clean_landing, broken, ignore=shutil.ignore_patterns("_truth"))
    return broken


@pytest.fixture
def published(clean_warehouse: Path, tmp_path: Path) -> Path:
    """A copy of the clean night's warehouse, which the failing night must leave alone."""
    path = copy_warehouse(clean_warehouse, tmp_path / "warehouse")
    shutil.copytree(clean_warehouse.with_name("cs_parquet").resolve(), path.with_name("cs_parquet"))
    return path


def rewrite_csv(path: Path, change: Callable[[Rows], Rows], drop: str | None = None) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows = change(rows)
    names = [n for n in rows[0] if n != drop]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=names, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def assert_failure_recorded(warehouse: Path, dagster_home: Path, check: str) -> None:
    status, failed, message = query(
        working_db(warehouse),
        "select status, failed_checks, failure_message from run_metadata.runs "
        "order by started_at desc limit 1",
    )[0]
    assert status == "failed"
    assert check in (failed or "") + (message or "")
    logged = [json.loads(line) for line in (dagster_home / "nightly_failures.jsonl").open()]
    assert logged[-1]["status"] == "failed" and check in json.dumps(logged[-1])


def test_a_missing_required_column_fails_naming_table_and_column(
    broken_landing: Path,
    published: Path,
    dagster_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    items = broken_landing / "billing" / "subscription_items.csv"
    rewrite_csv(items, lambda rows: rows, drop="discount_percent")
    assert_night_fails_keeping_marts(
        monkeypatch,
        capsys,
        broken_landing,
        published,
        "required column 'discount_percent' of table billing/subscription_items is missing",
    )
    assert_failure_recorded(published, dagster_home, "discount_percent")


def _overlap(rows: Rows) -> Rows:
    """A second version of an open item, starting while the first is still in force."""
    open_item = next(r for r in rows if not r["valid_to"])
    return [*rows, {**open_item, "valid_from": "2024-12-20", "quantity": "99"}]


def _negative_price(rows: Rows) -> Rows:
    rows[3]["unit_amount"] = "-10"
    return rows


@pytest.mark.parametrize(
    ("change", "expectation", "row"),
    [
        (_overlap, "overlaps_next_version", "'_source_row': "),
        (_negative_price, "expect_column_values_to_be_between(unit_amount)", "'_source_row': 4"),
    ],
    ids=["overlapping_version", "negative_unit_amount"],
)
def test_a_bad_subscription_item_blocks_naming_check_and_row(
    change: Callable[[Rows], Rows],
    expectation: str,
    row: str,
    broken_landing: Path,
    published: Path,
    dagster_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rewrite_csv(broken_landing / "billing" / "subscription_items.csv", change)
    err = assert_night_fails_keeping_marts(
        monkeypatch,
        capsys,
        broken_landing,
        published,
        "check gx_raw_billing__subscription_items failed",
        "raw.billing__subscription_items",
        expectation,
        row,
    )
    assert "'_source_file': 'billing/subscription_items.csv'" in err
    assert_failure_recorded(published, dagster_home, "gx_raw_billing__subscription_items")


def test_a_negative_invoice_charge_blocks_but_prorations_do_not(
    broken_landing: Path,
    published: Path,
    dagster_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = broken_landing / "billing" / "invoice_lines.csv"
    with lines.open(newline="", encoding="utf-8") as handle:
        prorations = [r for r in csv.DictReader(handle) if r["amount"].startswith("-")]
    assert prorations and all(r["is_proration"] == "true" for r in prorations)

    def negative_charge(rows: Rows) -> Rows:
        charge = next(r for r in rows if r["is_proration"] == "false")
        charge["amount"] = "-" + charge["amount"]
        return rows

    rewrite_csv(lines, negative_charge)
    # The failed night leaves the file's rows in raw, unpassed: rerunning the
    # same landing (the file now unchanged, not read again) fails again.
    for _night in range(2):
        assert_night_fails_keeping_marts(
            monkeypatch,
            capsys,
            broken_landing,
            published,
            "check gx_raw_billing__invoice_lines failed",
            "is_negative_charge",
        )
        assert_failure_recorded(published, dagster_home, "gx_raw_billing__invoice_lines")


def test_a_per_seat_item_without_a_quantity_blocks(
    broken_landing: Path,
    published: Path,
    dagster_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Its MRR would silently be none; one table alone cannot tell it is per seat."""
    with (broken_landing / "billing" / "plans.csv").open(newline="", encoding="utf-8") as handle:
        per_seat = {
            r["plan_id"] for r in csv.DictReader(handle) if r["pricing_model"] == "per_seat"
        }
    blanked: list[str] = []

    def blank_quantity(rows: Rows) -> Rows:
        item = next(r for r in rows if r["plan_id"] in per_seat)
        item["quantity"] = ""
        blanked.append(item["subscription_item_id"])
        return rows

    rewrite_csv(broken_landing / "billing" / "subscription_items.csv", blank_quantity)
    assert_night_fails_keeping_marts(
        monkeypatch,
        capsys,
        broken_landing,
        published,
        "dbt test assert_subscription_item_versions_have_a_price_and_seats failed for 1 row(s)",
        f"'subscription_item_id': '{blanked[0]}'",
    )
    assert_failure_recorded(
        published, dagster_home, "assert_subscription_item_versions_have_a_price_and_seats"
    )


def test_a_failed_dbt_test_is_reported_with_its_failing_rows(tmp_path: Path) -> None:
    """dbt stores no failures; the message re-runs the test's compiled query for a sample."""
    import duckdb

    from orchestration.assets.dbt import describe_dbt_failures

    db = tmp_path / "work.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table items as select 'si_1' as item, 2 as versions_overlapping")
    results = {
        "results": [
            {
                "unique_id": "test.cs_analytics.assert_versions_do_not_overlap.abc123",
                "status": "fail",
                "failures": 1,
                "compiled_code": "select * from items where versions_overlapping > 1;",
            },
            {
                "unique_id": "model.cs_analytics.int_revenue__fx_rates_by_month",
                "status": "error",
                "message": "Runtime Error\n  FX rate missing: no EUR rate",
            },
            {"unique_id": "test.cs_analytics.warned.x", "status": "warn", "failures": 3},
        ]
    }
    message = describe_dbt_failures(results, db)
    assert message == (
        "dbt build failed: dbt test assert_versions_do_not_overlap failed for 1 row(s), "
        "e.g. [{'item': 'si_1', 'versions_overlapping': 2}]; "
        "dbt model int_revenue__fx_rates_by_month error: Runtime Error FX rate missing: no EUR rate"
    )


def test_a_bad_score_in_the_daily_health_mart_fails_its_blocking_dbt_test(
    clean_warehouse: Path, tmp_path: Path
) -> None:
    """The daily facts are too big for a GX frame: their row rules are dbt tests, naming the row."""
    import duckdb

    from orchestration.assets.dbt import describe_dbt_failures

    warehouse = copy_warehouse(clean_warehouse, tmp_path / "warehouse")
    db = working_db(warehouse)
    with duckdb.connect(str(db)) as con:
        account, day = con.execute(
            "select account_id, score_date from marts.fct_account_health_daily "
            "where usage_score is not null order by all limit 1"
        ).fetchone()
        con.execute(
            "update marts.fct_account_health_daily set usage_score = 100.5 "
            "where account_id = $account and score_date = $day",
            {"account": account, "day": day},
        )
    target = tmp_path / "target"
    target.mkdir()
    shutil.copy2(PROJECT_DIR / "target" / "partial_parse.msgpack", target)
    dbt_vars = load_settings(nightly_env(tmp_path, warehouse)).dbt_vars_json()
    done = subprocess.run(
        [
            *(DBT, "test", "--select", "fct_account_health_daily", "--vars", dbt_vars),
            *("--target-path", str(target)),
        ],
        cwd=PROJECT_DIR,
        env=dbt_env(DBT_DUCKDB_PATH=str(db)),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout  # an error-severity test failed: the build stops
    run_results = json.loads((target / "run_results.json").read_text())
    message = describe_dbt_failures(run_results, db)
    assert message.startswith(
        "dbt build failed: dbt test accepted_range_fct_account_health_daily_usage_score__100__0 "
        "failed for 1 row(s), e.g. [{'score_date': "
    ), message
    assert f"'account_id': '{account}'" in message
    assert message.count("failed for") == 1
