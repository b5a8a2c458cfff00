"""The nightly CS reports, written after the marts were published: Markdown and HTML."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from cs_analytics.report import write_nightly_report
from cs_analytics.report_html import write_html_report
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


@asset(
    deps=["published_warehouse"],
    group_name="publish",
    kinds={"html"},
    # Rewrites one file from the published warehouse: safe to retry.
    retry_policy=IDEMPOTENT_RETRY,
    description="The morning report: one self-contained HTML page of charts and tables from "
    "the published marts, in the REPORT_PHASE lens and REPORT_LANG language.",
)
def html_report(context: AssetExecutionContext, settings: PipelineSettings) -> MaterializeResult:
    run = settings.resolve()
    path = write_html_report(run.warehouse_path, run.report_dir, run.report_phase, run.report_lang)
    size = path.stat().st_size
    context.log.info(
        f"HTML report written to {path} ({size:,} bytes, lens {run.report_phase}, "
        f"language {run.report_lang})"
    )
    return MaterializeResult(
        metadata={
            "path": str(path),
            "bytes": size,
            "phase": run.report_phase,
            "language": run.report_lang,
        }
    )
