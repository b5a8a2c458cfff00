"""Write-audit-publish: the marts reach WAREHOUSE_PATH only after the whole build passed."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from cs_analytics.health_history import record_published_health
from cs_analytics.publish import publish_marts
from orchestration.assets.dbt import mart_asset_keys
from orchestration.resources import PipelineSettings


@asset(
    deps=mart_asset_keys(),
    group_name="publish",
    kinds={"duckdb", "parquet"},
    description="The published warehouse BI tools read: schema `marts` and its Parquet copies.",
)
def published_warehouse(
    context: AssetExecutionContext, settings: PipelineSettings
) -> MaterializeResult:
    run = settings.resolve()
    result = publish_marts(run.working_db_path, run.warehouse_path, build_id=context.run_id)
    context.log.info(f"published {len(result.rows_per_mart)} marts to {result.warehouse_path}")
    # Only a night that published records what CSMs were shown.
    history_rows = record_published_health(run.working_db_path, run.as_of_date, context.run_id)
    return MaterializeResult(
        metadata={
            "warehouse_path": str(result.warehouse_path),
            "parquet_dir": str(result.parquet_dir),
            "as_of_date": run.as_of_date.isoformat(),
            "health_history_rows": history_rows,
            **{f"rows.{name}": count for name, count in result.rows_per_mart.items()},
        }
    )
