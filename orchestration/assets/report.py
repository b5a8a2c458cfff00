"""The nightly CS report, written after the marts were published."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from cs_analytics.report import write_nightly_report
from orchestration.assets.publish import IDEMPOTENT_RETRY
from orchestration.resources import PipelineSettings


@asset(
    deps=["published_warehouse"],
    group_name="publish",
    kinds={"markdown"},
    # Rewrites one file from the published warehouse: safe to retry.
    retry_policy=IDEMPOTENT_RETRY,
    description="Markdown summary of the published build and of what the run set aside.",
)
def nightly_report(context: AssetExecutionContext, settings: PipelineSettings) -> MaterializeResult:
    run = settings.resolve()
    path = write_nightly_report(run.warehouse_path, run.working_db_path, run.report_dir)
    context.log.info(f"nightly report written to {path}")
    return MaterializeResult(metadata={"path": str(path)})
