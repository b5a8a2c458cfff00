"""Write-audit-publish: the marts reach WAREHOUSE_PATH only after every blocking check passed.

The step depends on every mart, and every mart's GX suite is a blocking check
(orchestration/checks.py), so a failed check skips this step and the
published file stays byte for byte as it was.

Retried: publishing builds its staged file from the working database (and
what the published build's manifest vouches for) and swaps it in with one
rename, so running it again after a transient fault (a full disk, a slow
network share) gives the same result.

A night writes only the marts, and months of the daily marts, that changed;
the log says per mart what was written and what reused (cs_analytics/publish).
"""

import time

from dagster import AssetExecutionContext, Backoff, MaterializeResult, RetryPolicy, asset

from cs_analytics.health_history import record_published_health
from cs_analytics.publish import publish_marts
from cs_analytics.run_metadata import RunRecord, record_run
from cs_analytics.settings import RunSettings
from cs_analytics.spark.publish import parquet_root, pointer_file, publish_staged
from orchestration.assets.dbt import mart_asset_keys
from orchestration.resources import NightlyLock, PipelineSettings
from orchestration.run_records import run_record

IDEMPOTENT_RETRY = RetryPolicy(max_retries=2, delay=2, backoff=Backoff.EXPONENTIAL)


@asset(
    deps=mart_asset_keys(),
    group_name="publish",
    kinds={"duckdb", "parquet"},
    retry_policy=IDEMPOTENT_RETRY,
    description="The published warehouse BI tools read: schema `marts` and its Parquet copies, "
    "plus the publishing run's record in schema `run_metadata`.",
)
def published_warehouse(
    context: AssetExecutionContext, settings: PipelineSettings, nightly_lock: NightlyLock
) -> MaterializeResult:
    run = settings.resolve()
    record = run_record(context.instance, context.run_id, run, "published")
    if run.on_spark:
        return publish_spark_build(context, run, record)
    result = publish_marts(
        run.working_db_path,
        run.warehouse_path,
        build_id=context.run_id,
        run_record=record,
        full_refresh=run.full_refresh,
        progress=context.log.info,
    )
    record_run(run.working_db_path, record)
    context.log.info(f"published {len(result.rows_per_mart)} marts to {result.warehouse_path}")
    # Only a night that published records what CSMs were shown.
    started = time.perf_counter()
    history_rows = record_published_health(run.working_db_path, run.as_of_date, context.run_id)
    context.log.info(
        f"health history: {history_rows:,} changed scores recorded "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return MaterializeResult(
        metadata={
            "warehouse_path": str(result.warehouse_path),
            "parquet_dir": str(result.parquet_dir),
            "as_of_date": run.as_of_date.isoformat(),
            "health_history_rows": history_rows,
            "rows_written": result.rows_written,
            "publish_seconds": round(result.seconds, 1),
            **{f"rows.{name}": count for name, count in result.rows_per_mart.items()},
        }
    )


def publish_spark_build(
    context: AssetExecutionContext, run: RunSettings, record: RunRecord
) -> MaterializeResult:
    """The Spark night's staged Parquet build made live (cs_analytics/spark/publish.py).

    Every mart check read this very folder; the rename of the pointer is the
    whole publish, so a retry only repeats it.
    """
    started = time.perf_counter()
    folder = publish_staged(run.warehouse_path, context.run_id)
    record_run(run.working_db_path, record)
    root = parquet_root(run.warehouse_path)
    context.log.info(f"published the Spark build {folder.name} as {root}")
    return MaterializeResult(
        metadata={
            "parquet_dir": str(parquet_root(run.warehouse_path)),
            "build_folder": str(folder),
            "pointer_file": str(pointer_file(run.warehouse_path)),
            "as_of_date": run.as_of_date.isoformat(),
            "publish_seconds": round(time.perf_counter() - started, 1),
        }
    )
