"""Great Expectations suites on raw tables as blocking asset checks.

Blocking: when a suite fails, nothing downstream of the table (dbt, publish)
runs in that night's job, and the published marts stay as they were.
"""

import duckdb
from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, asset_check

from expectations.suites import RAW_SUBSCRIPTION_ITEMS, SuiteDefinition
from expectations.validate import validate_frame
from orchestration.asset_keys import RAW_TABLE_KEYS
from orchestration.resources import PipelineSettings


def run_suite(suite: SuiteDefinition, settings: PipelineSettings) -> AssetCheckResult:
    run = settings.resolve()
    with duckdb.connect(str(run.working_db_path), read_only=True) as con:
        frame = con.execute(suite.query).df()
    outcome = validate_frame(suite, frame)
    return AssetCheckResult(
        passed=outcome.success,
        severity=AssetCheckSeverity.ERROR,
        description=outcome.describe_failures() or f"{suite.name}: all expectations met",
        metadata={
            "rows": outcome.rows,
            "failed_expectations": len(outcome.failures),
            "failing_rows_sample": outcome.describe_failures() or "none",
        },
    )


@asset_check(
    asset=RAW_TABLE_KEYS["billing/subscription_items"],
    name="gx_raw_subscription_items",
    blocking=True,
    description="GX suite raw_billing_subscription_items: ids, unique versions, non-negative "
    "quantity and price, discount within 0-100.",
)
def gx_raw_subscription_items(
    context: AssetCheckExecutionContext, settings: PipelineSettings
) -> AssetCheckResult:
    return run_suite(RAW_SUBSCRIPTION_ITEMS, settings)


raw_checks = [gx_raw_subscription_items]
