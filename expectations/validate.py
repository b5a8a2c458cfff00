"""Running a stored suite on a DataFrame and summarising the outcome for an asset check.

The suites live in the file context `expectations/gx/` (registered from code
by `python -m expectations.register`). A night only reads that context: each
validation runs in an ephemeral context, so a run never writes into the
repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from expectations.definitions import CRITICAL, SuiteDefinition
from expectations.landing_rows import resolve_query

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

EXPECTATIONS_DIR = Path(__file__).resolve().parent
FAILING_ROWS_SAMPLE = 5


class SuiteNotRegistered(LookupError):
    """The suite is defined in code but not stored in expectations/gx/."""


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


@dataclass
class SuiteOutcome:
    suite: str
    relation: str
    rows: int
    outcomes: list[ExpectationOutcome]

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


def _plain(value: Any) -> Any:
    """numpy scalars and timestamps as plain Python, for messages and metadata."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def validate_frame(suite: SuiteDefinition, frame: pd.DataFrame) -> SuiteOutcome:
    """Validate `frame` with the stored suite `suite.name`."""
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    context = gx.get_context(mode="ephemeral")
    # Progress bars would interleave with the nightly's log.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch = (
        context.data_sources.add_pandas(name=suite.name)
        .add_dataframe_asset(name=suite.relation)
        .add_batch_definition_whole_dataframe(name="whole")
    )
    gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name))
    for config in stored_expectations(suite.name):
        expectation = ExpectationConfiguration(
            **{k: v for k, v in config.items() if k in ("type", "kwargs", "meta", "severity")}
        ).to_domain_obj()
        gx_suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite)
    )
    id_columns = [c for c in suite.row_id_columns if c in frame.columns]
    result = definition.run(
        batch_parameters={"dataframe": frame},
        result_format={
            "result_format": "SUMMARY",
            "partial_unexpected_count": FAILING_ROWS_SAMPLE,
            "unexpected_index_column_names": id_columns,
        },
    )
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        details = item.result or {}
        rows = details.get("partial_unexpected_index_list") or [
            {"value": v} for v in details.get("partial_unexpected_list") or []
        ]
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=config.kwargs.get("column")
                or ",".join(config.kwargs.get("column_list", [])),
                severity=str(getattr(config.severity, "value", config.severity)),
                success=bool(item.success),
                unexpected_count=int(details.get("unexpected_count") or 0),
                observed=_plain(details.get("observed_value")),
                sample=[
                    {k: _plain(v) for k, v in row.items()} for row in rows[:FAILING_ROWS_SAMPLE]
                ],
            )
        )
    return SuiteOutcome(suite.name, suite.relation, len(frame), outcomes)
