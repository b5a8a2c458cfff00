"""The nightly job and its schedule."""

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)

from cs_analytics.settings import dbt_target, load_settings

# Runs carrying this tag are limited to one at a time by the run queue
# (orchestration/dagster.yaml, concurrency.runs.tag_concurrency_limits).
NIGHTLY_CONCURRENCY_TAG = ("cs_analytics/pipeline", "nightly")

# Read by the reports and the CS alerts: the published DuckDB warehouse, which a
# night on Spark does not write (it publishes the marts as Parquet only).
DUCKDB_WAREHOUSE_READERS = ("nightly_report", "html_report", "cs_alert_delivery")


def nightly_selection(target: str) -> AssetSelection:
    """Every asset; on Spark, all but the readers of the published DuckDB file."""
    if target == "spark":
        return AssetSelection.all() - AssetSelection.assets(*DUCKDB_WAREHOUSE_READERS)
    return AssetSelection.all()


# One process: DuckDB allows a single writer, and the steps run in sequence anyway
# (on Spark, the session method's metastore admits one process at a time too).
nightly_job = define_asset_job(
    name="nightly",
    selection=nightly_selection(dbt_target()),
    executor_def=in_process_executor,
    tags=dict([NIGHTLY_CONCURRENCY_TAG]),
    description="Landing -> raw -> GX checks -> dbt build (tests) -> GX mart checks -> "
    "publish the marts -> reports and alert delivery. At most one run at a time.",
)


def nightly_schedule() -> ScheduleDefinition:
    """02:00 every night in the reporting timezone, running from the moment it is loaded."""
    return ScheduleDefinition(
        name="nightly_schedule",
        job=nightly_job,
        cron_schedule="0 2 * * *",
        execution_timezone=load_settings().reporting_timezone,
        default_status=DefaultScheduleStatus.RUNNING,
    )
