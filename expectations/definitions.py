"""What a suite is: the frame it validates, its expectations, and how severe each is.

GX 1.x has no working DuckDB SQL datasource, so every suite names the query
whose result it validates: the check streams that result from the working
database and GX validates it chunk by chunk (expectations/validate.py says
which rules may be validated so).

Severity: `critical` expectations block the night (docs/landing_contract.md, "What
bad input gets": block); `warning` ones are reported in the check's metadata
and the log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import great_expectations.expectations as gxe

SuiteKind = Literal["raw", "mart"]
ExpectationFactory = Callable[[], list[gxe.Expectation]]

CRITICAL = "critical"
WARNING = "warning"

# Where a raw suite's query reads the landing rows parsed as staging parses
# them: replaced by the query dbt renders (macros/landing/landing_check_query.sql),
# stored with the suite by `python -m expectations.register`.
LANDING_ROWS = "{landing_rows}"


@dataclass(frozen=True)
class SuiteDefinition:
    name: str
    kind: SuiteKind
    # The table path (raw) or mart name the suite guards: the asset it checks.
    target: str
    # The relation in the working warehouse the suite is about, for messages.
    relation: str
    # The query producing the validated frame; fixed text, never user input. It
    # may use the bound parameters $as_of_date and $reporting_timezone, and a raw
    # suite's reads the landing rows through LANDING_ROWS (which binds
    # $validated_through: only rows loaded after it).
    query: str
    expectations: ExpectationFactory
    # Columns that identify a failing row in the check's sample.
    row_id_columns: tuple[str, ...] = ()
    description: str = ""

    @property
    def reads_landing_rows(self) -> bool:
        return LANDING_ROWS in self.query


def accepted(column: str, values: Sequence[str | int | bool], severity: str) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values), severity=severity)


def between(
    column: str,
    severity: str,
    min_value: float | None = None,
    max_value: float | None = None,
    strict_min: bool = False,
) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(
        column=column,
        min_value=min_value,
        max_value=max_value,
        strict_min=strict_min,
        severity=severity,
    )


def non_negative(*columns: str) -> list[gxe.Expectation]:
    return [between(c, CRITICAL, min_value=0) for c in columns]


def zero(column: str) -> gxe.Expectation:
    """A gap computed in SQL on exact decimals: any difference, even a cent, blocks."""
    return between(column, CRITICAL, min_value=0, max_value=0)
