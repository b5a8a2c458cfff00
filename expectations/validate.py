"""Running a suite on a DataFrame and summarising the outcome for an asset check."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from expectations.suites import SuiteDefinition

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

FAILING_ROWS_SAMPLE = 5


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int
    sample: list[Any] = field(default_factory=list)


@dataclass
class SuiteOutcome:
    suite: str
    relation: str
    rows: int
    outcomes: list[ExpectationOutcome]

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    def describe_failures(self) -> str:
        return "; ".join(
            f"{self.suite} on {self.relation}: {o.expectation}({o.column or ''}) failed for "
            f"{o.unexpected_count} row(s), e.g. {o.sample[:FAILING_ROWS_SAMPLE]}"
            for o in self.failures
        )


def validate_frame(suite: SuiteDefinition, frame: pd.DataFrame) -> SuiteOutcome:
    """Validate `frame` with an ephemeral GX context (nothing written to disk)."""
    context = gx.get_context(mode="ephemeral")
    # Progress bars would interleave with the nightly's log.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch = (
        context.data_sources.add_pandas(name=suite.name)
        .add_dataframe_asset(name=suite.relation)
        .add_batch_definition_whole_dataframe(name="whole")
    )
    gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name))
    for expectation in suite.expectations():
        gx_suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite)
    )
    result = definition.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": FAILING_ROWS_SAMPLE},
    )
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        details = item.result or {}
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=config.kwargs.get("column")
                or ",".join(config.kwargs.get("column_list", [])),
                success=bool(item.success),
                unexpected_count=int(details.get("unexpected_count") or 0),
                sample=list(details.get("partial_unexpected_list") or []),
            )
        )
    return SuiteOutcome(suite.name, suite.relation, len(frame), outcomes)
