"""`make run`: execute the nightly Dagster job in this process and exit non-zero on failure.

This is the same job the schedule runs, not a second code path.
"""

from __future__ import annotations

import os
import sys

from dagster import DagsterInstance, DagsterRunStatus

from cs_analytics.settings import load_settings


def _instance() -> DagsterInstance:
    # With DAGSTER_HOME (set by the Makefile) the run shows up in `make dev`.
    return DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()


def main() -> int:
    settings = load_settings()  # fail fast on a malformed environment variable
    from orchestration.definitions import defs

    print(
        f"nightly: as_of_date={settings.as_of_date} timezone={settings.reporting_timezone} "
        f"currency={settings.reporting_currency} landing={settings.landing_dir}",
        flush=True,
    )
    with _instance() as instance:
        result = defs.get_job_def("nightly").execute_in_process(
            instance=instance, raise_on_error=False
        )
    if result.success:
        print(f"nightly: published {settings.warehouse_path}")
        return 0
    print("nightly: FAILED; the published warehouse was left as it was.", file=sys.stderr)
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data:
            error = event.step_failure_data.error
            print(f"  step {event.step_key}: {error.message.strip() if error else ''}", file=sys.stderr)
        if event.is_asset_check_evaluation:
            evaluation = event.event_specific_data
            if evaluation and not evaluation.passed:
                print(f"  check {evaluation.check_name} failed: {evaluation.description}",
                      file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
