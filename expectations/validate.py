"""Running a stored suite on a frame, in bounded chunks, and summarising the outcome for a check.

The suites live in the file context `expectations/gx/` (registered from code
by `python -m expectations.register`). A night only reads that context: each
validation runs in an ephemeral context, so a run never writes into the
repository.

Memory stays bounded whatever the size of the validated rows: the rows come
in chunks of at most CHUNK_ROWS, and GX validates each chunk. That gives the
same answer as one whole frame for the rules below, by kind:

- row rules (ROW_RULES): each row passes or fails on its own values, so the
  failing rows of the whole are those of the chunks: their counts add up and
  the sample is the first failing rows;
- row count rules (ROW_COUNT_RULES) are about the suite's relation (for a raw
  suite the whole raw table, whose new rows are the ones validated; for a
  mart, the mart), so they are validated on its row count;
- any other rule (an aggregate such as a column's minimum, or uniqueness)
  needs every row at once: a suite may use one only on a frame that fits in
  one chunk (e.g. usage events' one row per landing file), and a larger
  frame stops the check with an error rather than a partial answer.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from expectations.definitions import CRITICAL, SuiteDefinition
from expectations.landing_rows import resolve_query

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

EXPECTATIONS_DIR = Path(__file__).resolve().parent
FAILING_ROWS_SAMPLE = 5
# DuckDB hands results over in vectors of 2,048 rows: 64 of them (131,072
# rows, a few tens of MB as a DataFrame) per chunk.
CHUNK_VECTORS = 64
CHUNK_ROWS = CHUNK_VECTORS * 2048

ROW_RULES = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_value_lengths_to_equal",
        "expect_column_value_lengths_to_be_between",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
    }
)
ROW_COUNT_RULES = frozenset(
    {"expect_table_row_count_to_be_between", "expect_table_row_count_to_equal"}
)


class SuiteNotRegistered(LookupError):
    """The suite is defined in code but not stored in expectations/gx/."""


class FrameTooLargeForRule(ValueError):
    """A rule that needs every row at once met a frame of more than one chunk."""


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    severity: str
    success: bool
    unexpected_count: int
    observed: Any = None
    # Up to FAILING_ROWS_SAMPLE failing rows: the row id columns and the value.
    sample: list[dict[str, Any]] = field(default_factory=list)

    def describe(self) -> str:
        what = f"{self.expectation}({self.column or ''})"
        if self.unexpected_count:
            return f"{what} failed for {self.unexpected_count} row(s), e.g. {self.sample}"
        return f"{what} failed (observed {self.observed})"

    def merge(self, other: ExpectationOutcome) -> ExpectationOutcome:
        """This row rule's outcome on its chunks so far and on one more chunk."""
        if (self.expectation, self.column) != (other.expectation, other.column):
            raise ValueError(f"cannot merge {self.expectation} with {other.expectation}")
        return ExpectationOutcome(
            expectation=self.expectation,
            column=self.column,
            severity=self.severity,
            success=self.success and other.success,
            unexpected_count=self.unexpected_count + other.unexpected_count,
            sample=(self.sample + other.sample)[:FAILING_ROWS_SAMPLE],
        )


@dataclass
class SuiteOutcome:
    suite: str
    relation: str
    # Rows validated (for a raw suite, the rows it had not passed yet) and in the relation.
    rows: int
    outcomes: list[ExpectationOutcome]
    relation_rows: int = 0
    # A raw suite validated the rows loaded after this stamp (None: every row).
    validated_since: datetime | None = None

    @property
    def failures(self) -> list[ExpectationOutcome]:
        """Failed blocking (critical) expectations."""
        return [o for o in self.outcomes if not o.success and o.severity == CRITICAL]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity != CRITICAL]

    @property
    def success(self) -> bool:
        return not self.failures

    def _describe(self, outcomes: list[ExpectationOutcome]) -> str:
        return "; ".join(f"{self.suite} on {self.relation}: {o.describe()}" for o in outcomes)

    def describe_failures(self) -> str:
        return self._describe(self.failures)

    def describe_warnings(self) -> str:
        return self._describe(self.warnings)


def file_context(root: Path = EXPECTATIONS_DIR) -> Any:
    return gx.get_context(mode="file", project_root_dir=str(root))


@cache
def _stored_suite(name: str, root: Path) -> Any:
    try:
        return file_context(root).suites.get(name)
    except Exception as error:  # GX raises its own DataContextError family
        raise SuiteNotRegistered(
            f"expectation suite {name} is not stored in {root / 'gx'}; "
            "run `python -m expectations.register`"
        ) from error


def stored_expectations(name: str, root: Path = EXPECTATIONS_DIR) -> tuple[dict, ...]:
    """The expectation configurations of suite `name` as stored in the repository."""
    return tuple(e.configuration.to_json_dict() for e in _stored_suite(name, root).expectations)


def stored_meta(name: str, root: Path = EXPECTATIONS_DIR) -> dict[str, Any]:
    """The suite's stored meta: its relation and, for a raw suite, its landing rows query."""
    return dict(_stored_suite(name, root).meta or {})


def suite_query(suite: SuiteDefinition, root: Path = EXPECTATIONS_DIR) -> str:
    """The query a check runs for `suite`, raw suites reading the stored landing rows."""
    landing_rows = (
        stored_meta(suite.name, root).get("landing_rows") if suite.reads_landing_rows else None
    )
    return resolve_query(suite, landing_rows)


RULE_KEYS = ("type", "kwargs", "severity")


def suite_fingerprint(suite: SuiteDefinition, root: Path = EXPECTATIONS_DIR) -> str:
    """A digest of what the stored suite checks: its query and its rules."""
    rules = [{k: c.get(k) for k in RULE_KEYS} for c in stored_expectations(suite.name, root)]
    text = json.dumps([suite_query(suite, root), rules], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    """numpy scalars and timestamps as plain Python, for messages and metadata."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _stored_configs(name: str) -> list[ExpectationConfiguration]:
    return [
        ExpectationConfiguration(
            **{k: v for k, v in config.items() if k in ("type", "kwargs", "meta", "severity")}
        )
        for config in stored_expectations(name)
    ]


class _Validation:
    """One GX validation of some of a suite's rules, run on as many frames as needed."""

    def __init__(
        self,
        context: Any,
        suite: SuiteDefinition,
        part: str,
        configs: list[ExpectationConfiguration],
    ) -> None:
        batch = (
            context.data_sources.add_pandas(name=f"{suite.name}.{part}")
            .add_dataframe_asset(name=suite.relation)
            .add_batch_definition_whole_dataframe(name=part)
        )
        gx_suite = context.suites.add(gx.ExpectationSuite(name=f"{suite.name}.{part}"))
        for config in configs:
            gx_suite.add_expectation(config.to_domain_obj())
        self.definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{suite.name}.{part}", data=batch, suite=gx_suite)
        )
        self.id_columns = list(suite.row_id_columns)

    def run(self, frame: pd.DataFrame) -> list[ExpectationOutcome]:
        result = self.definition.run(
            batch_parameters={"dataframe": frame},
            result_format={
                "result_format": "SUMMARY",
                "partial_unexpected_count": FAILING_ROWS_SAMPLE,
                "unexpected_index_column_names": [c for c in self.id_columns if c in frame.columns],
            },
        )
        return [_outcome(item) for item in result.results]


def _outcome(item: Any) -> ExpectationOutcome:
    config = item.expectation_config
    details = item.result or {}
    rows = details.get("partial_unexpected_index_list") or [
        {"value": v} for v in details.get("partial_unexpected_list") or []
    ]
    return ExpectationOutcome(
        expectation=config.type,
        column=config.kwargs.get("column") or ",".join(config.kwargs.get("column_list", [])),
        severity=str(getattr(config.severity, "value", config.severity)),
        success=bool(item.success),
        unexpected_count=int(details.get("unexpected_count") or 0),
        observed=_plain(details.get("observed_value")),
        sample=[{k: _plain(v) for k, v in row.items()} for row in rows[:FAILING_ROWS_SAMPLE]],
    )


def _check_mergeable(suite: SuiteDefinition, config: ExpectationConfiguration) -> None:
    if config.kwargs.get("mostly", 1) != 1:
        # A share of failing rows is not the sum of the chunks' verdicts.
        raise ValueError(f"{suite.name}: {config.type} uses `mostly`, which chunks cannot merge")


def validate_chunks(
    suite: SuiteDefinition, chunks: Iterable[pd.DataFrame], relation_rows: int
) -> SuiteOutcome:
    """Validate the frame that `chunks` make up, whose relation holds `relation_rows` rows.

    `chunks` yields at least one frame (empty when there are no rows), each of
    at most CHUNK_ROWS rows.
    """
    configs = _stored_configs(suite.name)
    counted = [c for c in configs if c.type in ROW_COUNT_RULES]
    on_rows = [c for c in configs if c.type not in ROW_COUNT_RULES]
    whole = [c.type for c in on_rows if c.type not in ROW_RULES]
    for config in on_rows:
        if config.type in ROW_RULES:
            _check_mergeable(suite, config)
    merged: list[ExpectationOutcome] = []
    rows = 0
    context = gx.get_context(mode="ephemeral")
    # Progress bars would interleave with the nightly's log.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    validation = _Validation(context, suite, "rows", on_rows) if on_rows else None
    for number, chunk in enumerate(chunks):
        if number and whole:
            raise FrameTooLargeForRule(
                f"{suite.name}: {whole[0]} needs every row at once, and the rows of "
                f"{suite.relation} it validates are more than one chunk ({CHUNK_ROWS} rows)"
            )
        rows += len(chunk)
        if validation is not None:
            outcomes = validation.run(chunk)
            merged = (
                [a.merge(b) for a, b in zip(merged, outcomes, strict=True)] if number else outcomes
            )
    if counted:
        # Row counts read no column: a frame of that many rows and none holds nothing.
        table = pd.DataFrame(index=pd.RangeIndex(relation_rows))
        merged = _Validation(context, suite, "table", counted).run(table) + merged
    return SuiteOutcome(suite.name, suite.relation, rows, merged, relation_rows)
