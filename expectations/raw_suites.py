"""Raw suites: each landing table as landed, checked before dbt runs.

What dbt cannot do: stop a night before any model (incremental ones included)
reads a bad landing, naming the file and line of each failing row. The
expectations come from the contract (the staging sources' meta, read by
cs_analytics/landing/contract.py):

- a required table has at least one row;
- a blank value blocks where the column's `blank` is `block` (keys, and the
  columns a number depends on), is a warning where it is `warn`, and is only
  counted (audit.audit_landing_parse_failures) where it is `allow`;
- a value that does not parse as the column's type blocks where its
  `unparsable` is `block`, and is a warning otherwise;

plus each table's own domain rules below (ranges, accepted values, versions).
The rows are parsed by staging's own macros: the query is rendered by dbt
(macros/landing/landing_check_query.sql) and stored with the suite.

A night validates the rows the suite has not passed yet
(expectations/validated_rows.py), with the earlier rows a rule compares them
with (`compared_by`); "at least one row" is about the whole table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import great_expectations.expectations as gxe

from cs_analytics.landing.contract import TABLES, Column, Table
from cs_analytics.sql import quote_identifier
from expectations.definitions import (
    CRITICAL,
    LANDING_ROWS,
    WARNING,
    SuiteDefinition,
    accepted,
    between,
)

SEVERITY = {"block": CRITICAL, "warn": WARNING}


@dataclass(frozen=True)
class RawRules:
    """Table-specific rules on top of the contract's."""

    # Extra columns computed over the parsed rows (fixed SQL).
    flags: tuple[str, ...] = ()
    expectations: Callable[[], list[gxe.Expectation]] = field(default=lambda: [])
    # The flags compare rows that share these columns (part of the primary
    # key), among the rows staging keeps (`_key_rank` = 1): a night's new rows
    # are validated with the earlier rows they are compared with.
    compared_by: tuple[str, ...] = ()


def _lower(column: str) -> str:
    """The value in lower case: staging lower-cases these codes, so any case is accepted."""
    return f"lower({quote_identifier(column)}) as {quote_identifier(column + '__lower')}"


RAW_RULES: dict[str, RawRules] = {
    "billing/subscription_items": RawRules(
        flags=(
            # Versions of one item must not overlap (block); only among the rows
            # staging keeps, since a re-sent version is not an overlap.
            """case when _key_rank = 1 and lead(valid_from) over (
                    partition by subscription_item_id, _key_rank order by valid_from
                ) < coalesce(valid_to, 'infinity'::timestamp)
                then true else false end as overlaps_next_version""",
            "case when valid_to <= valid_from then true else false end as ends_before_it_starts",
        ),
        expectations=lambda: [
            between("quantity", CRITICAL, min_value=0),
            between("unit_amount", CRITICAL, min_value=0),
            between("discount_percent", CRITICAL, min_value=0, max_value=100),
            accepted("overlaps_next_version", [False], CRITICAL),
            accepted("ends_before_it_starts", [False], WARNING),
        ],
        compared_by=("subscription_item_id",),
    ),
    "billing/plans": RawRules(
        flags=(_lower("pricing_model"),),
        expectations=lambda: [
            accepted("billing_interval_months", [1, 3, 6, 12], CRITICAL),
            accepted("pricing_model__lower", ["flat", "per_seat"], CRITICAL),
            between("unit_amount", CRITICAL, min_value=0),
        ],
    ),
    "billing/invoice_lines": RawRules(
        flags=(
            # Negative lines are prorations or credits (a line billing no
            # subscription item); anything else is a billing error (block).
            """case when amount < 0 and not coalesce(is_proration, false)
                    and subscription_item_id is not null
                then true else false end as is_negative_charge""",
        ),
        expectations=lambda: [accepted("is_negative_charge", [False], CRITICAL)],
    ),
    "billing/fx_rates": RawRules(
        expectations=lambda: [
            between("usd_per_unit", CRITICAL, min_value=0, strict_min=True),
            gxe.ExpectColumnValueLengthsToEqual(column="currency", value=3, severity=CRITICAL),
        ]
    ),
    "billing/customers": RawRules(
        expectations=lambda: [
            gxe.ExpectColumnValueLengthsToEqual(column="currency", value=3, severity=WARNING)
        ]
    ),
    "billing/invoices": RawRules(
        flags=(_lower("status"),),
        expectations=lambda: [
            accepted("status__lower", ["draft", "open", "paid", "void", "uncollectible"], WARNING),
            between("amount_paid", WARNING, min_value=0),
        ],
    ),
    "billing/payments": RawRules(
        flags=(_lower("status"),),
        expectations=lambda: [accepted("status__lower", ["succeeded", "failed"], WARNING)],
    ),
    "billing/refunds": RawRules(expectations=lambda: [between("amount", WARNING, min_value=0)]),
    "crm/accounts": RawRules(
        flags=(_lower("segment"), _lower("touch_model")),
        expectations=lambda: [
            accepted("segment__lower", ["smb", "mid_market", "enterprise"], WARNING),
            accepted("touch_model__lower", ["high", "low", "tech"], WARNING),
            between("employee_count", WARNING, min_value=0),
        ],
    ),
    "crm/opportunities": RawRules(
        flags=(_lower("opportunity_type"),),
        expectations=lambda: [
            accepted(
                "opportunity_type__lower",
                ["new_business", "expansion", "cross_sell", "renewal"],
                WARNING,
            ),
            between("amount", WARNING, min_value=0),
        ],
    ),
    "crm/activities": RawRules(
        flags=(_lower("activity_type"),),
        expectations=lambda: [
            accepted(
                "activity_type__lower",
                ["call", "meeting", "email", "qbr", "onboarding_session", "training"],
                WARNING,
            )
        ],
    ),
    "crm/nps_responses": RawRules(
        expectations=lambda: [between("score", WARNING, min_value=0, max_value=10)]
    ),
    "crm/onboarding_milestones": RawRules(
        flags=(_lower("milestone"),),
        expectations=lambda: [
            accepted(
                "milestone__lower",
                ["kickoff", "configured", "first_value", "trained", "go_live"],
                WARNING,
            )
        ],
    ),
    "support/tickets": RawRules(
        flags=(_lower("priority"),),
        expectations=lambda: [
            accepted("priority__lower", ["low", "normal", "high", "urgent"], WARNING),
            between("csat_score", WARNING, min_value=1, max_value=5),
        ],
    ),
}

# usage/events is the big table (10^8+ rows at scale): its suite validates one
# aggregate row per landing file, so the frame stays small whatever the volume.
# Row-level rules on events (one row per event_id after de-duplication,
# attribution to a known account) are dbt tests and audit models.
PER_FILE_TABLES = frozenset({"usage/events"})

COMPARED_BY: dict[str, tuple[str, ...]] = {
    path: rules.compared_by for path, rules in RAW_RULES.items() if rules.compared_by
}


def blank_column(column: Column) -> str:
    """The frame column that is NULL exactly where the landing value is blank."""
    return f"{column.name}__text" if column.is_typed else column.name


def unparsable_column(column: Column) -> str:
    return f"{column.name}__unparsable"


def contract_expectations(table: Table) -> list[gxe.Expectation]:
    """Row count, blanks and parsing, as the contract rules them for `table`."""
    expectations: list[gxe.Expectation] = []
    if table.required:
        expectations.append(gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=CRITICAL))
    expectations += [
        gxe.ExpectColumnValuesToNotBeNull(column=blank_column(c), severity=SEVERITY[c.blank])
        for c in table.columns
        if c.blank != "allow"
    ]
    expectations += [
        gxe.ExpectColumnValuesToBeNull(column=unparsable_column(c), severity=SEVERITY[c.unparsable])
        for c in table.columns
        if c.is_typed
    ]
    return expectations


def _row_suite(table: Table) -> SuiteDefinition:
    rules = RAW_RULES.get(table.path, RawRules())

    def expectations() -> list[gxe.Expectation]:
        return contract_expectations(table) + rules.expectations()

    return SuiteDefinition(
        name=f"raw_{table.raw_relation}",
        kind="raw",
        target=table.path,
        relation=f"raw.{table.raw_relation}",
        query=f"select {', '.join(['*', *rules.flags])} from ({LANDING_ROWS}) as landing_rows",
        expectations=expectations,
        row_id_columns=("_source_file", "_source_row", *table.primary_key),
        description=f"Landing table {table.path}: contract (blanks, parsing) and domain rules.",
    )


def _count(column: str, condition: str) -> str:
    return f"count(*) filter (where {condition}) as {quote_identifier(column)}"


def _events_suite(table: Table) -> SuiteDefinition:
    """The contract's rules counted per landing file, plus arrival order and freshness."""
    blanks = [c for c in table.columns if c.blank != "allow"]
    typed = [c for c in table.columns if c.is_typed]
    counts = [
        *(_count(f"{c.name}__blank", f"{blank_column(c)} is null") for c in blanks),
        *(_count(unparsable_column(c), f"{unparsable_column(c)} is not null") for c in typed),
        _count("received_before_occurred", "received_at < occurred_at"),
    ]
    query = f"""
        select
            _source_file,
            count(*) as rows_in_file,
            {", ".join(counts)},
            date_diff('day', cast(max(received_at) as date), $as_of_date)
                as days_since_latest_received
        from ({LANDING_ROWS}) as landing_rows
        group by _source_file
    """

    def expectations() -> list[gxe.Expectation]:
        return [
            *(between(f"{c.name}__blank", SEVERITY[c.blank], max_value=0) for c in blanks),
            *(between(unparsable_column(c), SEVERITY[c.unparsable], max_value=0) for c in typed),
            between("received_before_occurred", WARNING, max_value=0),
            # Freshness: the newest file holds an event received in the last 3 days
            # (no file read since the last pass: observed None, a warning too).
            gxe.ExpectColumnMinToBeBetween(
                column="days_since_latest_received", max_value=3, severity=WARNING
            ),
        ]

    return SuiteDefinition(
        name=f"raw_{table.raw_relation}",
        kind="raw",
        target=table.path,
        relation=f"raw.{table.raw_relation}",
        query=query,
        expectations=expectations,
        row_id_columns=("_source_file",),
        description=(
            f"Landing {table.path}, one aggregate row per file read since the last pass: "
            "blanks, parsing, freshness (none read: warned as stale)."
        ),
    )


RAW_SUITES: tuple[SuiteDefinition, ...] = tuple(
    _events_suite(table) if table.path in PER_FILE_TABLES else _row_suite(table) for table in TABLES
)
