"""GX suites find what they are meant to find, and say where."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from expectations.suites import RAW_SUBSCRIPTION_ITEMS
from expectations.validate import validate_frame

GOOD_ROW = {
    "subscription_item_id": "si_1",
    "subscription_id": "sub_1",
    "plan_id": "plan_1",
    "quantity": "5",
    "unit_amount": "",
    "discount_percent": "10",
    "valid_from": "2024-01-01",
    "valid_to": "",
}


def raw_frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    """The suite's own query over a raw table holding `rows`, as the asset check runs it."""
    con = duckdb.connect()
    con.execute("create schema raw")
    columns = ", ".join(f"{name} varchar" for name in GOOD_ROW)
    con.execute(
        f"create table raw.billing__subscription_items ({columns}, "
        "_source_file varchar, _source_row bigint)"
    )
    for number, row in enumerate(rows, start=1):
        con.execute(
            "insert into raw.billing__subscription_items values "
            "(?, ?, ?, ?, ?, ?, ?, ?, 'items.csv', ?)",
            [*row.values(), number],
        )
    return con.execute(RAW_SUBSCRIPTION_ITEMS.query).df()


def test_clean_items_pass() -> None:
    outcome = validate_frame(RAW_SUBSCRIPTION_ITEMS, raw_frame([GOOD_ROW]))
    assert outcome.success, outcome.describe_failures()


@pytest.mark.parametrize(
    ("change", "expectation"),
    [
        ({"quantity": "-1"}, "expect_column_values_to_be_between"),
        ({"discount_percent": "120"}, "expect_column_values_to_be_between"),
        ({"unit_amount": "ten"}, "expect_column_values_to_be_null"),
        ({"subscription_id": None}, "expect_column_values_to_not_be_null"),
    ],
)
def test_blocking_defects_fail_with_a_sample(change: dict, expectation: str) -> None:
    bad = {**GOOD_ROW, "subscription_item_id": "si_2", **change}
    outcome = validate_frame(RAW_SUBSCRIPTION_ITEMS, raw_frame([GOOD_ROW, bad]))
    assert not outcome.success
    assert [f.expectation for f in outcome.failures] == [expectation]
    assert outcome.failures[0].unexpected_count == 1
    assert "raw.billing__subscription_items" in outcome.describe_failures()


def test_a_resent_row_is_not_a_defect_of_the_raw_table() -> None:
    outcome = validate_frame(RAW_SUBSCRIPTION_ITEMS, raw_frame([GOOD_ROW, {**GOOD_ROW}]))
    assert outcome.success, outcome.describe_failures()
