"""`make run`: execute the nightly Dagster job in this process and exit non-zero on failure.

This is the same job the schedule runs, not a second code path.
"""

from __future__ import annotations

import os
import sys
import uuid

from dagster import AssetCheckSeverity, DagsterEvent, DagsterEventType, DagsterInstance

from cs_analytics.run_lock import NightlyAlreadyRunning, nightly_lock
from cs_analytics.run_metadata import record_run
from cs_analytics.settings import RunSettings, load_settings
from cs_analytics.spark.publish import parquet_root

RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def _instance() -> DagsterInstance:
    # With DAGSTER_HOME (set by the Makefile) the run shows up in `make dev`.
    return DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()


def failure_messages(events: list[DagsterEvent]) -> list[str]:
    """What a user needs to read: failed blocking checks first, then failed steps with their error.

    Warning checks that did not pass are left out: they did not stop the night,
    and run_metadata.check_results keeps them.
    """
    messages = []
    for event in events:
        if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            if not evaluation.passed and evaluation.severity == AssetCheckSeverity.ERROR:
                detail = getattr(evaluation, "description", None) or ""
                messages.append(f"check {evaluation.check_name} failed: {detail}".rstrip(": "))
    for event in events:
        if event.event_type == DagsterEventType.STEP_FAILURE:
            failure = event.step_failure_data
            if failure.user_failure_data and failure.user_failure_data.description:
                text = failure.user_failure_data.description
            else:
                error = failure.error
                cause = error.cause if error and error.cause else error
                text = cause.message.strip() if cause else "unknown error"
            messages.append(f"step {event.step_key} failed: {text}")
    return messages


def record_outcome(
    instance: DagsterInstance, run_id: str, settings: RunSettings, messages: list[str] | None
) -> None:
    """The run's final record in run_metadata.runs (sensors do not run in-process)."""
    from orchestration.run_records import run_record
    from orchestration.sensors import record_failure

    status = "failed" if messages is not None else "succeeded"
    record = run_record(
        instance, run_id, settings, status, failure_message="\n".join(messages or []) or None
    )
    try:
        with nightly_lock(settings.warehouse_path):
            if status == "failed":
                record_failure(record, settings)
            else:
                record_run(settings.working_db_path, record)
    except NightlyAlreadyRunning:
        # Another night owns the working database now; keep the line in the log only.
        from cs_analytics.run_metadata import append_failure_log
        from orchestration.sensors import failure_log_path

        if status == "failed":
            append_failure_log(failure_log_path(), record)


def main() -> int:
    settings = load_settings()  # fail fast on a malformed environment variable
    from orchestration.definitions import defs

    print(
        f"nightly: as_of_date={settings.as_of_date} timezone={settings.reporting_timezone} "
        f"currency={settings.reporting_currency} landing={settings.landing_dir} "
        f"engine={settings.dbt_target}",
        flush=True,
    )
    run_id = str(uuid.uuid4())
    with _instance() as instance:
        result = defs.resolve_job_def("nightly").execute_in_process(
            run_config=RUN_CONFIG, instance=instance, raise_on_error=False, run_id=run_id
        )
        events = list(result.all_events)
        messages = None if result.success else failure_messages(events)
        record_outcome(instance, run_id, settings, messages)
    if messages is None:
        published = (
            parquet_root(settings.warehouse_path) if settings.on_spark else settings.warehouse_path
        )
        print(f"nightly: published {published} (run {run_id})")
        return 0
    print(
        f"nightly: FAILED (run {run_id}); the published warehouse was left as it was.",
        file=sys.stderr,
    )
    for message in messages:
        print(f"  {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
