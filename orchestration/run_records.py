"""Run metadata from the Dagster event log: what a night checked and how it ended.

Shared by the publish step (the record it publishes), `make run` (which
executes in-process, where sensors do not run) and the run-failure sensor
(runs launched by the schedule under `make dev`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from dagster import DagsterEventType, DagsterInstance

from cs_analytics.run_metadata import CheckRecord, RunRecord
from cs_analytics.settings import RunSettings


def check_records(instance: DagsterInstance, run_id: str) -> list[CheckRecord]:
    """Every asset check evaluated in the run (GX suites and dbt tests)."""
    records = []
    entries = instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    for entry in entries:
        event = entry.dagster_event
        if event is None:
            continue
        evaluation = event.asset_check_evaluation_data
        records.append(
            CheckRecord(
                check_name=evaluation.check_name,
                asset_key=evaluation.asset_key.to_user_string(),
                passed=bool(evaluation.passed),
                severity=evaluation.severity.value,
                description=(getattr(evaluation, "description", None) or "")[:2000],
            )
        )
    return records


def run_started_at(instance: DagsterInstance, run_id: str) -> datetime:
    record = instance.get_run_record_by_id(run_id)
    stamp = (record.start_time or record.create_timestamp.timestamp()) if record else None
    return datetime.fromtimestamp(stamp, UTC) if stamp else datetime.now(UTC)


def run_record(
    instance: DagsterInstance,
    run_id: str,
    settings: RunSettings,
    status: str,
    failure_message: str | None = None,
    rows_per_mart: dict[str, int] | None = None,
) -> RunRecord:
    return RunRecord(
        run_id=run_id,
        as_of_date=settings.as_of_date,
        reporting_timezone=settings.reporting_timezone,
        reporting_currency=settings.reporting_currency,
        started_at=run_started_at(instance, run_id).replace(tzinfo=None),
        finished_at=None if status == "running" else datetime.now(UTC).replace(tzinfo=None),
        status=status,
        failure_message=failure_message,
        rows_per_mart=rows_per_mart or {},
        checks=check_records(instance, run_id),
    )
