"""A failed nightly is recorded, whoever launched it.

Runs launched by the schedule under `make dev` end here when they fail: the
sensor writes the failure into the run history (`run_metadata.runs` of the
working database) and appends a line to `$DAGSTER_HOME/nightly_failures.jsonl`.
`make run` executes in-process, where sensors do not run, and records the
same way itself (orchestration/run.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster import DefaultSensorStatus, RunFailureSensorContext, run_failure_sensor

from cs_analytics.run_metadata import RunRecord, append_failure_log, record_run
from cs_analytics.settings import RunSettings, load_settings
from orchestration.jobs import nightly_job
from orchestration.run_records import run_record

FAILURE_LOG_NAME = "nightly_failures.jsonl"


def failure_log_path() -> Path:
    home = os.environ.get("DAGSTER_HOME")
    return Path(home) / FAILURE_LOG_NAME if home else Path(".dagster_home") / FAILURE_LOG_NAME


def record_failure(record: RunRecord, settings: RunSettings) -> None:
    append_failure_log(failure_log_path(), record)
    try:
        record_run(settings.working_db_path, record)
    except Exception as error:  # the JSONL line is there even if the database is not writable
        append_failure_log(
            failure_log_path(),
            RunRecord(
                **{**record.__dict__, "failure_message": f"run history not written: {error}"}
            ),
        )


@run_failure_sensor(
    name="record_nightly_failure",
    monitored_jobs=[nightly_job],
    default_status=DefaultSensorStatus.RUNNING,
    description="Records a failed nightly in run_metadata.runs and nightly_failures.jsonl.",
)
def record_nightly_failure(context: RunFailureSensorContext) -> None:
    settings = load_settings()
    message = context.failure_event.message if context.failure_event else None
    record = run_record(
        context.instance, context.dagster_run.run_id, settings, "failed", failure_message=message
    )
    record_failure(record, settings)
    context.log.info(f"recorded failed run {record.run_id}: {record.failed_checks}")
