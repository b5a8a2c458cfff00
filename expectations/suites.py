"""Expectation suites, written as code so they are reviewed and versioned like the models.

Each suite names the query whose result it validates: GX 1.x has no working
DuckDB SQL datasource, so the checks read a DataFrame from DuckDB (typed by
that query) and validate it in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import great_expectations.expectations as gxe


@dataclass(frozen=True)
class SuiteDefinition:
    name: str
    # The relation in the working warehouse the suite is about, for messages.
    relation: str
    # The query producing the validated frame; fixed text, no user input.
    query: str
    expectations: Callable[[], list[gxe.Expectation]]


def _raw_subscription_items() -> list[gxe.Expectation]:
    """The blocking rules of raw_contract.md for subscription items.

    Duplicate versions are not refused here: a re-sent file repeats rows,
    which staging drops and the audit counts; overlapping versions are a dbt
    test on the de-duplicated items.
    """
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="subscription_item_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="subscription_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="plan_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="valid_from"),
        gxe.ExpectColumnValuesToBeBetween(column="quantity", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="unit_amount", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="discount_percent", min_value=0, max_value=100),
        # A value that does not parse as a number would otherwise become NULL silently.
        gxe.ExpectColumnValuesToBeNull(column="unparsable_number"),
    ]


RAW_SUBSCRIPTION_ITEMS = SuiteDefinition(
    name="raw_billing_subscription_items",
    relation="raw.billing__subscription_items",
    query="""
        select
            subscription_item_id,
            subscription_id,
            plan_id,
            valid_from,
            try_cast(quantity as double) as quantity,
            try_cast(unit_amount as double) as unit_amount,
            coalesce(try_cast(discount_percent as double), 0) as discount_percent,
            case
                when (
                    nullif(trim(quantity), '') is not null
                    and try_cast(quantity as double) is null
                ) or (
                    nullif(trim(unit_amount), '') is not null
                    and try_cast(unit_amount as double) is null
                ) or (
                    nullif(trim(discount_percent), '') is not null
                    and try_cast(discount_percent as double) is null
                )
                then concat_ws(' / ', quantity, unit_amount, discount_percent)
            end as unparsable_number,
            _source_file,
            _source_row
        from raw.billing__subscription_items
    """,
    expectations=_raw_subscription_items,
)

RAW_SUITES: tuple[SuiteDefinition, ...] = (RAW_SUBSCRIPTION_ITEMS,)
