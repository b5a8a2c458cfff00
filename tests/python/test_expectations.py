"""GX suites find what they are meant to find, say where, and are stored as the code says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from cs_analytics.landing.contract import TABLES, TABLES_BY_PATH
from cs_analytics.settings import RunSettings
from expectations.landing_rows import render_landing_rows
from expectations.register import code_configs, code_meta, comparable, own_meta
from expectations.suites import (
    ALL_SUITES,
    MART_SUITES,
    RAW_SUITES,
    SuiteDefinition,
)
from expectations.validate import stored_expectations, stored_meta
from orchestration.checks import validate_in

SUITES = {s.target: s for s in RAW_SUITES}
SETTINGS = RunSettings(
    landing_dir=Path("."),
    warehouse_path=Path("cs.duckdb"),
    report_dir=Path("."),
    reporting_timezone="Asia/Tokyo",
    reporting_currency="USD",
    as_of_date=date(2025, 1, 1),
    uses_demo_landing=False,
)

GOOD_ROWS: dict[str, dict[str, str]] = {
    "billing/subscription_items": {
        "subscription_item_id": "si_1",
        "subscription_id": "sub_1",
        "plan_id": "plan_1",
        "quantity": "5",
        "unit_amount": "",
        "discount_percent": "10",
        "valid_from": "2024-01-01",
        "valid_to": "",
    },
    "billing/plans": {
        "plan_id": "plan_1",
        "product_id": "prod_1",
        "plan_name": "Pro",
        "pricing_model": "per_seat",
        "billing_interval_months": "12",
        "unit_amount": "120",
        "currency": "EUR",
    },
    "billing/invoice_lines": {
        "invoice_line_id": "il_1",
        "invoice_id": "in_1",
        "subscription_item_id": "si_1",
        "plan_id": "plan_1",
        "amount": "100.00",
        "quantity": "1",
        "period_start": "2024-01-01T00:00:00Z",
        "period_end": "2024-02-01T00:00:00Z",
        "is_proration": "false",
    },
    "billing/fx_rates": {"rate_date": "2024-01-01", "currency": "EUR", "usd_per_unit": "1.1"},
    "usage/events": {
        "event_id": "ev_1",
        "account_id": "acc_1",
        "user_id": "u_1",
        "event_name": "page_published",
        "occurred_at": "2024-12-30T10:00:00Z",
        "received_at": "2024-12-30T10:00:05Z",
    },
    "crm/churn_reasons": {
        "account_id": "acc_1",
        "subscription_id": "sub_1",
        "reason_code": "budget_cut",
        "notice_at": "2024-05-01T09:00:00Z",
        "effective_at": "2024-06-01",
        "comment": "",
    },
    "crm/nps_responses": {
        "response_id": "r_1",
        "account_id": "acc_1",
        "contact_id": "c_1",
        "score": "9",
        "responded_at": "2024-06-01T00:00:00Z",
    },
}


def raw_table(table_path: str, rows: list[dict[str, str | None]]) -> duckdb.DuckDBPyConnection:
    """A database whose raw table holds `rows` (loaded from file.csv), as ingestion writes it."""
    table = TABLES_BY_PATH[table_path]
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute("create schema raw")
    columns = ", ".join(f"{name} varchar" for name in table.column_names)
    con.execute(
        f"create table raw.{table.raw_relation} ({columns}, "
        "_loaded_at timestamp, _source_file varchar, _source_row bigint)"
    )
    for number, row in enumerate(rows, start=1):
        values = [row.get(name) for name in table.column_names]
        con.execute(
            f"insert into raw.{table.raw_relation} values "
            f"({', '.join('?' * len(values))}, timestamp '2025-01-01', 'file.csv', ?)",
            [*values, number],
        )
    return con


def validate(table_path: str, rows: list[dict[str, str | None]]):
    """The table's raw suite on `rows`, as the asset check runs it."""
    return validate_in(raw_table(table_path, rows), SUITES[table_path], SETTINGS)


def test_every_landing_table_has_a_suite_and_mart_suites_check_public_marts(
    manifest: dict,
) -> None:
    assert {s.target for s in RAW_SUITES} == {t.path for t in TABLES}
    marts = {
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["fqn"][1] == "marts"
    }
    assert {s.target for s in MART_SUITES} <= marts


def _dbt_assertions(manifest: dict) -> set[tuple[str, str, str]]:
    """(mart, rule, column) that dbt already enforces: error tests and contract constraints."""
    marts = {
        n["unique_id"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["fqn"][1] == "marts"
    }
    asserted = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or node["config"]["severity"].lower() != "error":
            continue
        rule = (node.get("test_metadata") or {}).get("name", "")
        for model in node["depends_on"]["nodes"][:1]:
            if model in marts:
                asserted.add((marts[model]["name"], rule, node.get("column_name") or ""))
    for mart in marts.values():
        for column, spec in mart["columns"].items():
            if any(c["type"] == "not_null" for c in spec.get("constraints", [])):
                asserted.add((mart["name"], "not_null", column))
    return asserted


RULE_OF = {
    "expect_column_values_to_not_be_null": "not_null",
    "expect_column_values_to_be_in_set": "accepted_values",
    "expect_column_values_to_be_unique": "unique",
}


def test_mart_suites_do_not_repeat_what_dbt_tests_assert(manifest: dict) -> None:
    """Keys, accepted values and not-null columns are dbt's (tests and enforced contracts)."""
    asserted = _dbt_assertions(manifest)
    repeated = [
        f"{suite.name}: {config['type']}({config['kwargs'].get('column', '')})"
        for suite in MART_SUITES
        for config in code_configs(suite)
        if config["type"] == "expect_compound_columns_to_be_unique"
        or (suite.target, RULE_OF.get(config["type"]), config["kwargs"].get("column")) in asserted
    ]
    assert repeated == []
    # dbt tests the key by which each suite names its failing rows as unique.
    unique_tested = {mart for mart, rule, _ in asserted if rule == "unique"}
    assert {s.target for s in MART_SUITES} <= unique_tested


@pytest.mark.parametrize("suite", ALL_SUITES, ids=lambda s: s.name)
def test_the_stored_suite_is_the_code(suite: SuiteDefinition) -> None:
    """expectations/gx/ holds exactly what suites.py defines (run expectations.register)."""
    assert comparable(list(stored_expectations(suite.name))) == code_configs(suite)


@pytest.fixture(scope="module")
def rendered_landing_rows(manifest: dict) -> dict[str, str]:
    return render_landing_rows()


def test_the_stored_landing_queries_are_what_dbt_renders_now(
    rendered_landing_rows: dict[str, str],
) -> None:
    """Raw suites parse with staging's macros: change one, run expectations.register."""
    stale = [
        suite.name
        for suite in ALL_SUITES
        if own_meta(stored_meta(suite.name)) != code_meta(suite, rendered_landing_rows)
    ]
    assert stale == [], "run `python -m expectations.register`"


@pytest.mark.parametrize("table_path", sorted(GOOD_ROWS))
def test_clean_rows_pass(table_path: str) -> None:
    outcome = validate(table_path, [GOOD_ROWS[table_path]])
    assert outcome.success, outcome.describe_failures()
    assert outcome.warnings == [], outcome.describe_warnings()


BLOCKING = [
    ("billing/subscription_items", {"quantity": "-1"}, "expect_column_values_to_be_between"),
    ("billing/subscription_items", {"unit_amount": "-5"}, "expect_column_values_to_be_between"),
    (
        "billing/subscription_items",
        {"discount_percent": "120"},
        "expect_column_values_to_be_between",
    ),
    ("billing/subscription_items", {"unit_amount": "ten"}, "expect_column_values_to_be_null"),
    ("billing/subscription_items", {"valid_to": "someday"}, "expect_column_values_to_be_null"),
    (
        "billing/subscription_items",
        {"subscription_id": None},
        "expect_column_values_to_not_be_null",
    ),
    ("billing/plans", {"billing_interval_months": "5"}, "expect_column_values_to_be_in_set"),
    ("billing/plans", {"pricing_model": "usage"}, "expect_column_values_to_be_in_set"),
    ("billing/plans", {"unit_amount": "-1"}, "expect_column_values_to_be_between"),
    ("billing/invoice_lines", {"amount": "-10"}, "expect_column_values_to_be_in_set"),
    ("billing/fx_rates", {"usd_per_unit": "0"}, "expect_column_values_to_be_between"),
    ("billing/fx_rates", {"usd_per_unit": "1,1"}, "expect_column_values_to_be_null"),
]


@pytest.mark.parametrize(("table_path", "change", "expectation"), BLOCKING)
def test_blocking_defects_fail_with_a_sample_naming_the_row(
    table_path: str, change: dict, expectation: str
) -> None:
    good = GOOD_ROWS[table_path]
    key = TABLES_BY_PATH[table_path].primary_key[0]
    bad = {**good, key: f"{good[key]}_bad", **change}
    outcome = validate(table_path, [good, bad])
    assert [f.expectation for f in outcome.failures] == [expectation]
    assert outcome.failures[0].unexpected_count == 1
    sample = outcome.failures[0].sample[0]
    assert sample["_source_file"] == "file.csv" and sample["_source_row"] == 2
    assert f"raw.{TABLES_BY_PATH[table_path].raw_relation}" in outcome.describe_failures()


def test_overlapping_item_versions_block_but_a_resent_version_does_not() -> None:
    first = {**GOOD_ROWS["billing/subscription_items"], "valid_to": "2024-03-01"}
    second = {**first, "valid_from": "2024-03-01", "valid_to": ""}
    assert validate("billing/subscription_items", [first, second, {**first}]).success
    overlapping = {**second, "valid_from": "2024-02-15"}
    outcome = validate("billing/subscription_items", [first, overlapping])
    assert [(f.column, f.unexpected_count) for f in outcome.failures] == [
        ("overlaps_next_version", 1)
    ]


@pytest.mark.parametrize(
    "change",
    [{"amount": "-10", "is_proration": "true"}, {"amount": "-10", "subscription_item_id": ""}],
    ids=["proration", "credit"],
)
def test_negative_prorations_and_credits_are_allowed(change: dict) -> None:
    line = {**GOOD_ROWS["billing/invoice_lines"], **change}
    assert validate("billing/invoice_lines", [line]).success


def test_unparsable_values_outside_revenue_columns_are_warnings() -> None:
    outcome = validate("crm/nps_responses", [{**GOOD_ROWS["crm/nps_responses"], "score": "nine"}])
    assert outcome.success
    assert [w.column for w in outcome.warnings] == ["score__unparsable"]


def test_churn_reasons_recorded_on_the_account_pass() -> None:
    """docs/landing_contract.md: a churn reason's subscription_id may be empty."""
    good = GOOD_ROWS["crm/churn_reasons"]
    outcome = validate(
        "crm/churn_reasons",
        [{**good, "subscription_id": ""}, {**good, "subscription_id": None, "reason_code": ""}],
    )
    assert outcome.success, outcome.describe_failures()
    assert outcome.warnings == [], outcome.describe_warnings()


def test_a_blank_nothing_depends_on_is_a_warning_not_a_block() -> None:
    good = GOOD_ROWS["crm/churn_reasons"]
    outcome = validate("crm/churn_reasons", [good, {**good, "effective_at": ""}])
    assert outcome.success, outcome.describe_failures()
    assert [(w.column, w.unexpected_count) for w in outcome.warnings] == [("effective_at__text", 1)]
    nps = GOOD_ROWS["crm/nps_responses"]
    outcome = validate("crm/nps_responses", [{**nps, "account_id": " "}])
    assert outcome.success, outcome.describe_failures()
    assert [w.column for w in outcome.warnings] == ["account_id"]


@pytest.mark.parametrize(
    ("table_path", "change", "column"),
    [
        ("crm/churn_reasons", {"account_id": ""}, "account_id"),
        ("crm/churn_reasons", {"notice_at": "last spring"}, "notice_at__unparsable"),
        ("billing/plans", {"currency": ""}, "currency"),
        ("billing/subscription_items", {"valid_from": ""}, "valid_from__text"),
    ],
)
def test_a_blank_or_unparsable_value_a_number_depends_on_blocks(
    table_path: str, change: dict, column: str
) -> None:
    outcome = validate(table_path, [{**GOOD_ROWS[table_path], **change}])
    assert column in [f.column for f in outcome.failures], outcome.describe_failures()


def test_events_are_validated_per_file_not_per_row() -> None:
    good = GOOD_ROWS["usage/events"]
    outcome = validate("usage/events", [good, {**good, "event_id": None}])
    assert outcome.rows == 1
    assert [(f.column, f.sample) for f in outcome.failures] == [
        ("event_id__blank", [{"_source_file": "file.csv", "event_id__blank": 1}])
    ]
    old = {"occurred_at": "2024-12-01T00:00:00Z", "received_at": "2024-12-01T00:00:05Z"}
    stale = validate("usage/events", [{**good, **old}])
    assert stale.success
    assert [w.column for w in stale.warnings] == ["days_since_latest_received"]


def test_a_required_table_with_no_rows_blocks() -> None:
    outcome = validate("billing/plans", [])
    assert [f.expectation for f in outcome.failures] == ["expect_table_row_count_to_be_between"]
