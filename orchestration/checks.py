"""Great Expectations suites as blocking asset checks: raw tables before dbt, marts before publish.

Blocking: when a suite's critical expectation fails, nothing downstream of the
checked asset runs in that night's job (dbt for a raw table; the publish step
for a mart), and the published marts stay as they were. Warnings are logged
and kept in the check's metadata. Each suite of expectations/suites.py becomes
one check named `gx_<suite>`, so a new suite is a new check without code here.

A check streams its rows from the working database in chunks
(expectations/validate.py), so its memory does not grow with the table; a raw
suite reads only the rows it has not passed yet (expectations/validated_rows.py)
and, when it passes, records how far it got.
"""

from collections.abc import Iterator
from datetime import datetime

import duckdb
import pandas as pd
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
from cs_analytics.spark.publish import build_folder, staged_views
from cs_analytics.working_db import connect_working_db
from expectations.suites import MART_SUITES, RAW_SUITES, SuiteDefinition
from expectations.validate import (
    CHUNK_VECTORS,
    SuiteOutcome,
    suite_fingerprint,
    suite_query,
    validate_chunks,
)
from expectations.validated_rows import (
    EVERY_ROW,
    newest_load,
    record_validation,
    relation_rows,
    validated_through,
)
from orchestration.asset_keys import RAW_TABLE_KEYS
from orchestration.resources import PipelineSettings


def query_parameters(
    query: str, run: RunSettings, since: datetime = EVERY_ROW
) -> dict[str, object]:
    """The bound parameters the query uses (DuckDB refuses unused ones)."""
    available = {
        "as_of_date": run.as_of_date,
        "reporting_timezone": run.reporting_timezone,
        "validated_through": since,
    }
    return {name: value for name, value in available.items() if f"${name}" in query}


# DuckDB's memory for a check, whatever the size of the table: by default it
# may cache up to 80 % of the machine's memory while scanning (a full night's
# 20 M events reached 0.5 GB and grew with the table); beyond this it evicts,
# or spills to the working database's temp directory.
CHECK_MEMORY_LIMIT = "1GB"


def frame_chunks(cursor: duckdb.DuckDBPyConnection) -> Iterator[pd.DataFrame]:
    """The result of the query run on `cursor`, CHUNK_VECTORS vectors at a time (at least one)."""
    chunk = cursor.fetch_df_chunk(CHUNK_VECTORS)
    yield chunk
    while len(chunk):
        chunk = cursor.fetch_df_chunk(CHUNK_VECTORS)
        if len(chunk):
            yield chunk


def validate_in(
    con: duckdb.DuckDBPyConnection,
    suite: SuiteDefinition,
    run: RunSettings,
    since: datetime = EVERY_ROW,
) -> SuiteOutcome:
    """Validate `suite` on the database of `con`: of a raw table, the rows loaded after `since`."""
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"set memory_limit = '{CHECK_MEMORY_LIMIT}'")
    rows = relation_rows(con, suite.relation)
    query = suite_query(suite)
    cursor = con.execute(query, query_parameters(query, run, since))
    return validate_chunks(suite, frame_chunks(cursor), rows)


def run_suite_on(suite: SuiteDefinition, run: RunSettings, run_id: str) -> SuiteOutcome:
    """Validate `suite` on the working database; a passing raw suite records what it validated."""
    if suite.kind != "raw" and run.on_spark:
        # The audit of write-audit-publish on Spark: the suite reads the
        # Parquet build staged for this run, the very files publish would make live.
        with duckdb.connect() as con:
            staged_views(con, build_folder(run.warehouse_path, run_id))
            return validate_in(con, suite, run)
    if suite.kind != "raw":
        with duckdb.connect(str(run.working_db_path), read_only=True) as con:
            return validate_in(con, suite, run)
    fingerprint = suite_fingerprint(suite)
    with connect_working_db(run.working_db_path) as con:
        since = validated_through(con, suite.name, fingerprint)
        newest = newest_load(con, suite.relation, since)
        outcome = validate_in(con, suite, run, since)
        outcome.validated_since = None if since == EVERY_ROW else since
        if outcome.success and newest is not None:
            record_validation(con, suite.name, fingerprint, newest, outcome.rows, run_id)
    return outcome


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
    scope = {
        "rows_in_relation": outcome.relation_rows,
        # Raw suites: the rows loaded after this stamp are the ones validated.
        "validated_rows_loaded_after": MetadataValue.text(
            outcome.validated_since.isoformat() if outcome.validated_since else "(every row)"
        ),
    }
    return AssetCheckResult(
        passed=outcome.success,
        severity=AssetCheckSeverity.ERROR,
        description=description,
        metadata={
            "rows_validated": outcome.rows,
            **scope,
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
        outcome = run_suite_on(suite, settings.resolve(), context.run.run_id)
        if outcome.warnings:
            context.log.warning(outcome.describe_warnings())
        return check_result(outcome)

    return _check


raw_checks = [gx_check(suite) for suite in RAW_SUITES]
mart_checks = [gx_check(suite) for suite in MART_SUITES]
