"""GX suites find what they are meant to find, say where, and are stored as the code says."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
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
from expectations.validate import (
    ROW_COUNT_RULES,
    ROW_RULES,
    FrameTooLargeForRule,
    SuiteOutcome,
    stored_expectations,
    stored_meta,
    suite_query,
    validate_chunks,
)
from orchestration.checks import query_parameters, run_suite_on, validate_in

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
NIGHT = datetime(2025, 1, 1, 2)

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


def load_rows(
    con: duckdb.DuckDBPyConnection,
    table_path: str,
    rows: list[dict[str, str | None]],
    loaded_at: datetime = NIGHT,
    source_file: str = "file.csv",
) -> None:
    """Append `rows` to the raw table as ingestion does, from `source_file` at `loaded_at`."""
    table = TABLES_BY_PATH[table_path]
    con.execute("create schema if not exists raw")
    columns = ", ".join(f"{name} varchar" for name in table.column_names)
    con.execute(
        f"create table if not exists raw.{table.raw_relation} ({columns}, "
        "_loaded_at timestamp, _source_file varchar, _source_row bigint)"
    )
    landed = pd.DataFrame(
        [[row.get(name) for name in table.column_names] for row in rows],
        columns=list(table.column_names),
        dtype="object",
    )
    landed["_loaded_at"] = loaded_at
    landed["_source_file"] = source_file
    landed["_source_row"] = range(1, len(rows) + 1)
    con.register("landed", landed)
    con.execute(f"insert into raw.{table.raw_relation} select * from landed")
    con.unregister("landed")


def raw_table(table_path: str, rows: list[dict[str, str | None]]) -> duckdb.DuckDBPyConnection:
    """A database whose raw table holds `rows` (loaded from file.csv), as ingestion writes it."""
    con = duckdb.connect()
    load_rows(con, table_path, rows)
    return con


def validate(table_path: str, rows: list[dict[str, str | None]]) -> SuiteOutcome:
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
        # a compound key is dbt's unique test too, on a combination of columns
        rule = "unique" if rule == "unique_combination_of_columns" else rule
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


def test_no_mart_suite_reads_a_fact() -> None:
    """Facts grow with accounts × time: their row rules are dbt tests (mart_row_rules.sql)."""
    assert [s.name for s in MART_SUITES if s.target.startswith("fct_")] == []


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


# ---------------------------------------------------------------- checks that scale


def plans(count: int, bad: dict[int, str]) -> list[dict[str, str | None]]:
    """`count` good plans; plan i has unit_amount `bad[i]` where given."""
    good = GOOD_ROWS["billing/plans"]
    return [
        {**good, "plan_id": f"plan_{i}", "unit_amount": bad.get(i, good["unit_amount"])}
        for i in range(1, count + 1)
    ]


def test_rows_validated_in_chunks_fail_exactly_as_one_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counts add up over chunks and the sample is the first failing rows, wherever they fall."""
    con = raw_table("billing/plans", plans(5000, {10: "-1", 2500: "-2", 4999: "-3"}))
    whole = validate_in(con, SUITES["billing/plans"], SETTINGS)
    monkeypatch.setattr("orchestration.checks.CHUNK_VECTORS", 1)  # 2,048 rows a chunk
    chunked = validate_in(con, SUITES["billing/plans"], SETTINGS)
    assert chunked.rows == whole.rows == 5000
    assert [(f.column, f.unexpected_count) for f in chunked.failures] == [("unit_amount", 3)]
    assert [row["_source_row"] for row in chunked.failures[0].sample] == [10, 2500, 4999]
    assert chunked.outcomes == whole.outcomes


# The suites whose frame stays small at any volume: one row per landing file.
ONE_CHUNK_SUITES = {"raw_usage__events"}


@pytest.mark.parametrize("suite", ALL_SUITES, ids=lambda s: s.name)
def test_a_suite_validates_any_number_of_rows_in_chunks(suite: SuiteDefinition) -> None:
    """Rules deciding each row alone, and row counts; others only on a frame of one chunk."""
    configs = code_configs(suite)
    assert [c["type"] for c in configs if "mostly" in c["kwargs"]] == []
    if suite.name not in ONE_CHUNK_SUITES:
        kinds = ROW_RULES | ROW_COUNT_RULES
        assert [c["type"] for c in configs if c["type"] not in kinds] == []


def test_a_rule_needing_every_row_refuses_a_frame_of_several_chunks() -> None:
    suite = SUITES["usage/events"]
    con = raw_table("usage/events", [GOOD_ROWS["usage/events"]])
    frame = con.execute(*_query_and_parameters(suite)).df()
    with pytest.raises(FrameTooLargeForRule, match="expect_column_min_to_be_between"):
        validate_chunks(suite, [frame, frame], 1)


def _query_and_parameters(suite: SuiteDefinition) -> tuple[str, dict]:
    query = suite_query(suite)
    return query, query_parameters(query, SETTINGS)


@pytest.fixture
def working(tmp_path: Path) -> tuple[RunSettings, Path]:
    """Settings whose working database is a file of the test's own."""
    settings = replace(SETTINGS, warehouse_path=tmp_path / "cs.duckdb")
    return settings, settings.working_db_path


def load_night(db: Path, table_path: str, rows: list, night: int, source_file: str) -> None:
    with duckdb.connect(str(db)) as con:
        load_rows(con, table_path, rows, NIGHT + timedelta(days=night), source_file)


def test_a_night_validates_the_rows_no_passing_check_has_validated(
    working: tuple[RunSettings, Path],
) -> None:
    settings, db = working
    suite = SUITES["billing/plans"]
    load_night(db, "billing/plans", plans(3, {}), 1, "billing/plans_1.csv")
    first = run_suite_on(suite, settings, "night-1")
    assert (first.success, first.rows, first.relation_rows) == (True, 3, 3)

    load_night(db, "billing/plans", [{**plans(1, {1: "-1"})[0], "plan_id": "p_bad"}], 2, "b.csv")
    second = run_suite_on(suite, settings, "night-2")
    assert (second.success, second.rows, second.relation_rows) == (False, 1, 4)
    assert second.failures[0].sample[0]["_source_file"] == "b.csv"
    # Nothing passed the bad row: the next night validates it again, new file or not.
    third = run_suite_on(suite, settings, "night-3")
    assert (third.success, third.rows) == (False, 1)

    with duckdb.connect(str(db)) as con:
        con.execute("delete from raw.billing__plans where _source_file = 'b.csv'")
    load_night(db, "billing/plans", plans(1, {}), 4, "b.csv")
    fourth = run_suite_on(suite, settings, "night-4")
    assert (fourth.success, fourth.rows) == (True, 1)
    assert run_suite_on(suite, settings, "night-5").rows == 0


def test_a_changed_suite_validates_every_row_again(
    working: tuple[RunSettings, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, db = working
    suite = SUITES["billing/plans"]
    load_night(db, "billing/plans", plans(3, {}), 1, "billing/plans.csv")
    assert run_suite_on(suite, settings, "night-1").rows == 3
    assert run_suite_on(suite, settings, "night-2").rows == 0
    monkeypatch.setattr("orchestration.checks.suite_fingerprint", lambda suite: "other rules")
    assert run_suite_on(suite, settings, "night-3").rows == 3


def test_a_new_version_overlapping_one_of_an_earlier_night_blocks(
    working: tuple[RunSettings, Path],
) -> None:
    """The rule compares a new row with the earlier versions of its item, and only those."""
    settings, db = working
    suite = SUITES["billing/subscription_items"]
    open_item = GOOD_ROWS["billing/subscription_items"]
    other = {**open_item, "subscription_item_id": "si_2"}
    load_night(db, "billing/subscription_items", [open_item, other], 1, "items_1.csv")
    assert run_suite_on(suite, settings, "night-1").success

    overlapping = {**open_item, "valid_from": "2024-03-01"}
    load_night(db, "billing/subscription_items", [overlapping], 2, "items_2.csv")
    outcome = run_suite_on(suite, settings, "night-2")
    assert outcome.rows == 2  # the new version and the one of si_1 it is compared with
    assert [(f.column, f.unexpected_count) for f in outcome.failures] == [
        ("overlaps_next_version", 1)
    ]
    assert outcome.failures[0].sample[0]["_source_file"] == "items_1.csv"


def test_a_bad_event_in_tonights_file_of_a_big_table_blocks(
    working: tuple[RunSettings, Path],
) -> None:
    """A million events passed on earlier nights; tonight's file alone is read, and blocks."""
    settings, db = working
    suite = SUITES["usage/events"]
    with duckdb.connect(str(db)) as con:
        load_rows(con, "usage/events", [])
        con.execute(
            """
            insert into raw.usage__events
            select 'ev_' || i, 'acc_1', 'u_1', 'page_published', '2024-12-30T10:00:00Z',
                   '2024-12-30T10:00:05Z', $night + to_milliseconds(i // 100000),
                   'usage/events/part-' || (i // 100000) || '.csv', i % 100000 + 1
            from range(1000000) as numbers(i)
            """,
            {"night": NIGHT},
        )
    first = run_suite_on(suite, settings, "night-1")
    assert (first.success, first.rows, first.relation_rows) == (True, 10, 1_000_000)

    good = GOOD_ROWS["usage/events"]
    tonight = [{**good, "event_id": f"ev_new_{i}"} for i in range(99)] + [{**good, "event_id": " "}]
    load_night(db, "usage/events", tonight, 1, "usage/events/part-new.csv")
    outcome = run_suite_on(suite, settings, "night-2")
    assert (outcome.rows, outcome.relation_rows) == (1, 1_000_100)
    assert [(f.column, f.sample) for f in outcome.failures] == [
        ("event_id__blank", [{"_source_file": "usage/events/part-new.csv", "event_id__blank": 1}])
    ]
