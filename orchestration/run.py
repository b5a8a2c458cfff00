"""`make run`: execute the nightly Dagster job in this process and exit non-zero on failure.

This is the same job the schedule runs, not a second code path.
"""

from __future__ import annotations

import os
import sys

from dagster import DagsterEvent, DagsterEventType, DagsterInstance

from cs_analytics.settings import load_settings

RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def _instance() -> DagsterInstance:
    # With DAGSTER_HOME (set by the Makefile) the run shows up in `make dev`.
    return DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()


def failure_messages(events: list[DagsterEvent]) -> list[str]:
    """What a user needs to read: failed checks first, then failed steps with their error."""
    messages = []
    for event in events:
        if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            if not evaluation.passed:
                detail = getattr(evaluation, "description", None) or ""
                messages.append(f"check {evaluation.check_name} failed: {detail}".rstrip(": "))
    for event in events:
        if event.event_type == DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            cause = error.cause if error and error.cause else error
            text = cause.message.strip() if cause else "unknown error"
            messages.append(f"step {event.step_key} failed: {text}")
    return messages


def main() -> int:
    settings = load_settings()  # fail fast on a malformed environment variable
    from orchestration.definitions import defs

    print(
        f"nightly: as_of_date={settings.as_of_date} timezone={settings.reporting_timezone} "
        f"currency={settings.reporting_currency} landing={settings.landing_dir}",
        flush=True,
    )
    with _instance() as instance:
        result = defs.resolve_job_def("nightly").execute_in_process(
            run_config=RUN_CONFIG, instance=instance, raise_on_error=False
        )
        events = list(result.all_events)
    if result.success:
        print(f"nightly: published {settings.warehouse_path}")
        return 0
    print("nightly: FAILED; the published warehouse was left as it was.", file=sys.stderr)
    for message in failure_messages(events):
        print(f"  {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
