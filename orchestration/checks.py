"""Great Expectations suites as blocking asset checks: raw tables before dbt, marts before publish.

Blocking: when a suite's critical expectation fails, nothing downstream of the
checked asset runs in that night's job (dbt for a raw table; the publish step
for a mart), and the published marts stay as they were. Warnings are logged
and kept in the check's metadata. Each suite of expectations/suites.py becomes
one check named `gx_<suite>`, so a new suite is a new check without code here.
"""

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from cs_analytics.settings import RunSettings
from expectations.suites import MART_SUITES, RAW_SUITES, SuiteDefinition
from expectations.validate import SuiteOutcome, suite_query, validate_frame
from orchestration.asset_keys import RAW_TABLE_KEYS
from orchestration.resources import PipelineSettings


def query_parameters(query: str, run: RunSettings) -> dict[str, object]:
    """The bound parameters the query uses (DuckDB refuses unused ones)."""
    available = {"as_of_date": run.as_of_date, "reporting_timezone": run.reporting_timezone}
    return {name: value for name, value in available.items() if f"${name}" in query}


def run_suite_on(suite: SuiteDefinition, run: RunSettings) -> SuiteOutcome:
    query = suite_query(suite)
    with duckdb.connect(str(run.working_db_path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        frame = con.execute(query, query_parameters(query, run)).df()
    return validate_frame(suite, frame)


def check_result(outcome: SuiteOutcome) -> AssetCheckResult:
    samples = {
        f"{o.expectation}({o.column or ''})": {
            "severity": o.severity,
            "unexpected_count": o.unexpected_count,
            "observed": o.observed,
            "failing_rows": o.sample,
        }
        for o in outcome.failures + outcome.warnings
    }
    description = outcome.describe_failures() or (
        f"{outcome.suite}: all blocking expectations met"
        + (f" ({len(outcome.warnings)} warning(s))" if outcome.warnings else "")
    )
    return AssetCheckResult(
        passed=outcome.success,
        severity=AssetCheckSeverity.ERROR,
        description=description,
        metadata={
            "rows_validated": outcome.rows,
            "failed_expectations": len(outcome.failures),
            "warnings": len(outcome.warnings),
            "failing_rows_sample": MetadataValue.json(samples),
        },
    )


def suite_asset_key(suite: SuiteDefinition) -> AssetKey:
    if suite.kind == "raw":
        return RAW_TABLE_KEYS[suite.target]
    return AssetKey(["marts", suite.target])


def gx_check(suite: SuiteDefinition) -> AssetChecksDefinition:
    @asset_check(
        asset=suite_asset_key(suite),
        name=f"gx_{suite.name}",
        blocking=True,
        description=f"GX suite {suite.name} (blocking): {suite.description}",
    )
    def _check(context: AssetCheckExecutionContext, settings: PipelineSettings) -> AssetCheckResult:
        outcome = run_suite_on(suite, settings.resolve())
        if outcome.warnings:
            context.log.warning(outcome.describe_warnings())
        return check_result(outcome)

    return _check


raw_checks = [gx_check(suite) for suite in RAW_SUITES]
mart_checks = [gx_check(suite) for suite in MART_SUITES]
