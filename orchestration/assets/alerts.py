"""The night's CS alerts, delivered to their CSMs after the marts were published.

Not retried by Dagster: the delivery retries each message itself and the
ledger keeps a rerun from sending twice. A failure is reported (a warning and
the asset's metadata) and never fails the night: the marts are published
already, and a missing message is not a reason to say they were not.
"""

from dagster import AssetExecutionContext, MaterializeResult, asset

from cs_analytics.alerts.config import load_delivery_config
from cs_analytics.alerts.delivery import ALREADY_SENT, DeliveryReport, deliver_night_alerts
from cs_analytics.alerts.errors import scrub
from cs_analytics.alerts.ledger import FAILED, SENT, SKIPPED
from orchestration.resources import PipelineSettings


def _status(report: DeliveryReport) -> str:
    if not report.channels:
        return "not configured"
    if report.failures:
        return "failed"
    return "delivered" if report.alerts else "no alerts"


@asset(
    deps=["published_warehouse"],
    group_name="publish",
    kinds={"python"},
    description="The night's new alerts (marts.fct_cs_alerts on the last scored day), one "
    "message per CSM to the Slack webhook and/or by e-mail; nothing is sent when neither is "
    "configured, and nothing twice for one as-of date (run_metadata.alert_deliveries).",
)
def cs_alert_delivery(
    context: AssetExecutionContext, settings: PipelineSettings
) -> MaterializeResult:
    run = settings.resolve()
    try:
        report = deliver_night_alerts(
            run.warehouse_path, run.working_db_path, context.log, run_id=context.run_id
        )
    # Nothing after publish may fail the night; the error is reported instead.
    except Exception as error:
        message = scrub(f"{type(error).__name__}: {error}", load_delivery_config().secrets())
        context.log.warning(f"alerts: delivery failed: {message}")
        return MaterializeResult(metadata={"status": "failed", "error": message})
    metadata: dict[str, object] = {
        "status": _status(report),
        "summary": report.summary(),
        "as_of_date": report.as_of_date.isoformat(),
        "alert_date": report.alert_date.isoformat(),
        "alerts": report.alerts,
        "csms": report.csms,
        "channels": ", ".join(report.channels) or "none",
    }
    for channel in report.channels:
        for status in (SENT, ALREADY_SENT, SKIPPED, FAILED):
            metadata[f"{channel}.{status}"] = report.count(status, channel)
    if report.failures:
        metadata["failures"] = "; ".join(
            f"{o.channel} to {o.csm_owner_id}: {o.error}" for o in report.failures
        )
    if report.problems:
        metadata["problems"] = "; ".join(report.problems)
    return MaterializeResult(metadata=metadata)
