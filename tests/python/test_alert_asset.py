"""Alert delivery as the nightly runs it: an asset after publish that never fails the night."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, Definitions, materialize

from cs_analytics.alerts import delivery
from orchestration.assets.alerts import cs_alert_delivery
from orchestration.resources import PipelineSettings
from tests.python.alert_night import WEBHOOK_PATH, assert_no_secret, build_night, smtp_env
from tests.python.alert_servers import SmtpServer, WebhookServer, serving


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return build_night(tmp_path)


def test_the_nightly_job_delivers_alerts_after_publishing(manifest: dict) -> None:
    from orchestration.definitions import defs

    Definitions.validate_loadable(defs)
    key = AssetKey(["cs_alert_delivery"])
    assert key in defs.resolve_job_def("nightly").asset_layer.executable_asset_keys
    assert defs.resolve_asset_graph().get(key).parent_keys == {AssetKey(["published_warehouse"])}


def run_asset(warehouse: Path) -> tuple[bool, dict, list[str]]:
    with DagsterInstance.ephemeral() as instance:
        result = materialize(
            [cs_alert_delivery],
            resources={"settings": PipelineSettings(warehouse_path=str(warehouse))},
            instance=instance,
            raise_on_error=False,
        )
        logs = [record.user_message for record in instance.all_logs(result.run_id)]
    (materialization,) = result.asset_materializations_for_node("cs_alert_delivery")
    metadata = {key: value.value for key, value in materialization.metadata.items()}
    return result.success, metadata, logs


def test_the_asset_says_nothing_was_sent_when_nothing_is_configured(warehouse: Path) -> None:
    success, metadata, _ = run_asset(warehouse)
    assert success
    assert metadata["status"] == "not configured"
    assert metadata["alerts"] == 4
    assert "nothing sent" in metadata["summary"]


def test_a_failing_endpoint_is_reported_by_the_asset_without_failing_it(
    warehouse: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(delivery, "BACKOFF_SECONDS", 0.0)
    with serving(WebhookServer()) as webhook, serving(SmtpServer()) as smtp:
        webhook.status = 500
        # A server that quotes the password back when it refuses the login.
        smtp.state.reject_auth_echoing_it = True
        environ = smtp_env(smtp) | {"SLACK_WEBHOOK_URL": webhook.url(WEBHOOK_PATH)}
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        with caplog.at_level(logging.DEBUG):
            success, metadata, logs = run_asset(warehouse)
        assert len(webhook.requests) == 5  # 3 for the first CSM, 1 each once Slack seems down
        assert len(smtp.state.logins) == 3
    assert success
    assert metadata["status"] == "failed"
    assert metadata["slack.failed"] == 3
    assert metadata["email.failed"] == 1
    assert "HTTP Error 500" in metadata["failures"]
    assert "SMTPAuthenticationError" in metadata["failures"]
    assert any("failed after 3 attempts" in line for line in logs)
    captured = capfd.readouterr()
    assert_no_secret(caplog.text, captured.out, captured.err, *logs, str(metadata))


@pytest.mark.slow
def test_a_published_night_is_read_and_delivered_per_csm(
    clean_warehouse: Path, tmp_path: Path
) -> None:
    """The real marts and staged CRM users, not stand-ins: one message per CSM and channel."""
    from cs_analytics.alerts.delivery import Senders, deliver_night_alerts
    from tests.python.alert_night import slack_env
    from tests.python.pipeline_helpers import copy_warehouse, query, working_db

    published = copy_warehouse(clean_warehouse, tmp_path / "night")
    # The demo's last day may be quiet, or hold only tech-touch accounts (no
    # CSM): make the night the latest day with an alert on an owned account.
    with duckdb.connect(str(published)) as con:
        con.execute(
            "update marts.dim_build set as_of_date = (select max(alert_date) + 1 "
            "from marts.fct_cs_alerts where csm_owner_id is not null)"
        )
    # Every CSM of the demo with tonight's alerts, and whether the CRM has their address.
    groups = query(
        published,
        "select coalesce(csm_owner_id, 'unassigned'), count(*) from marts.fct_cs_alerts "
        "where alert_date = (select as_of_date - 1 from marts.dim_build) group by all",
    )
    addressed = {
        user_id
        for (user_id,) in query(
            working_db(published),
            "select user_id from staging.stg_crm__users where email is not null",
        )
    }
    with serving(WebhookServer()) as webhook, serving(SmtpServer()) as smtp:
        report = deliver_night_alerts(
            published,
            working_db(published),
            logging.getLogger("test_alert_asset"),
            environ=slack_env(webhook) | smtp_env(smtp),
            senders=Senders(sleep=lambda seconds: None),
        )
        assert (report.alerts, report.csms) == (sum(n for _, n in groups), len(groups))
        assert len(webhook.requests) == report.count("sent", "slack") == len(groups)
        mailed = sorted(to for mail in smtp.state.messages for to in mail.rcpt_to)
        assert len(mailed) == report.count("sent", "email")
        assert report.count("sent", "email") == len({csm for csm, _ in groups} & addressed) > 0
