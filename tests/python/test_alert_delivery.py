"""Delivering the night's alerts: to a local webhook and a local SMTP server started here.

The night (tests/python/alert_night.py): four alerts on 1 March, two of Ada's
(u1, with an e-mail address), one of Bob's (u2, none), one on an account no
CSM owns, and one of the day before that is not tonight's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cs_analytics.alerts.config import load_delivery_config
from cs_analytics.alerts.delivery import ALREADY_SENT, Senders, deliver_night_alerts
from cs_analytics.alerts.errors import DeliveryError
from cs_analytics.alerts.ledger import FAILED, SENT, SKIPPED, TABLE, DeliveryLedger
from cs_analytics.alerts.smtp import send_email
from tests.python.alert_night import (
    AS_OF,
    PASSWORD,
    WEBHOOK_PATH,
    assert_no_secret,
    build_night,
    slack_env,
    smtp_env,
    working,
)
from tests.python.alert_servers import SmtpServer, WebhookServer, serving


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return build_night(tmp_path)


@pytest.fixture
def webhook() -> Iterator[WebhookServer]:
    with serving(WebhookServer()) as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with serving(SmtpServer()) as server:
        yield server


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def deliver(warehouse: Path, environ: dict[str, str], sleeps: Sleeps | None = None):
    return deliver_night_alerts(
        warehouse,
        working(warehouse),
        logging.getLogger("test_alert_delivery"),
        run_id="run-1",
        environ=environ,
        senders=Senders(sleep=sleeps if sleeps is not None else Sleeps()),
    )


def ledger_rows(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(working(warehouse)), read_only=True) as con:
        return con.execute(
            f"select channel, csm_owner_id, status, alerts, attempts from {TABLE} "
            "where as_of_date = ? order by recorded_at, channel, csm_owner_id",
            [AS_OF],
        ).fetchall()


def test_nothing_is_sent_and_nothing_recorded_when_no_channel_is_configured(
    warehouse: Path,
) -> None:
    report = deliver(warehouse, {})
    assert report.channels == []
    assert report.alerts == 4
    assert report.outcomes == []
    assert "nothing sent" in report.summary()
    with duckdb.connect(str(working(warehouse)), read_only=True) as con:
        schemas = {
            name for (name,) in con.execute("select schema_name from duckdb_schemas()").fetchall()
        }
    assert "run_metadata" not in schemas


def test_slack_gets_one_message_per_csm_with_only_tonights_alerts(
    warehouse: Path, webhook: WebhookServer
) -> None:
    report = deliver(warehouse, slack_env(webhook))
    assert report.count(SENT, "slack") == 3
    assert [r.path for r in webhook.requests] == [WEBHOOK_PATH] * 3
    assert {r.content_type for r in webhook.requests} == {"application/json; charset=utf-8"}
    texts = [r.payload["text"] for r in webhook.requests]
    ada, bob, unassigned = texts  # grouped per CSM, in CSM id order ("unassigned" last)
    assert ada.startswith("*CS alerts for 2026-03-01: 2 new alerts, Ada Lovelace*")
    # Highest MRR first; Slack markup characters in names are escaped.
    assert ada.index("Acme &amp; Sons &lt;Ltd&gt;") < ada.index("Beta")
    assert "health score 35.50 (threshold 40)" in ada
    assert "MRR USD 1,200.00" in ada
    assert "Epsilon" not in ada  # the day before's alert
    assert "Gamma" in bob and "Bob Dylan" in bob and "Beta" not in bob
    assert "Accounts without a CSM" in unassigned and "Delta" in unassigned
    assert "MRR n/a" in unassigned


def test_each_csm_with_an_address_gets_one_email(warehouse: Path, smtp: SmtpServer) -> None:
    report = deliver(warehouse, smtp_env(smtp))
    (mail,) = smtp.state.messages
    assert smtp.state.logins == [("alerts-bot", PASSWORD)]
    assert mail.mail_from == "cs-alerts@example.com"
    assert mail.rcpt_to == ["ada@example.com"]
    assert mail.message["To"] == "ada@example.com"
    assert mail.message["Subject"] == "CS alerts for 2026-03-01: 2 new alerts, Ada Lovelace"
    body = mail.message.get_content()
    assert "Acme & Sons <Ltd>: Health band turned red" in body
    assert "Beta: Payment attempt failed: failed attempts 1 (threshold 1)" in body
    assert "Gamma" not in body and "Epsilon" not in body
    # Bob has no address in the CRM and nobody owns acc4: recorded as skipped.
    assert report.count(SENT, "email") == 1
    assert report.count(SKIPPED, "email") == 2
    assert sorted(ledger_rows(warehouse)) == [
        ("email", "u1", SENT, 2, 1),
        ("email", "u2", SKIPPED, 1, 0),
        ("email", "unassigned", SKIPPED, 1, 0),
    ]


def test_a_rerun_of_the_night_sends_nothing_twice(
    warehouse: Path, webhook: WebhookServer, smtp: SmtpServer
) -> None:
    environ = slack_env(webhook) | smtp_env(smtp)
    first = deliver(warehouse, environ)
    assert first.count(SENT) == 4  # three Slack messages, one e-mail
    second = deliver(warehouse, environ)
    assert len(webhook.requests) == 3
    assert len(smtp.state.messages) == 1
    assert second.count(SENT) == 0
    assert second.count(ALREADY_SENT) == 4
    # The CSMs without an address are still without one: skipped again, sent never.
    assert second.count(SKIPPED) == 2
    assert sorted(row for row in ledger_rows(warehouse) if row[2] == SENT) == [
        ("email", "u1", SENT, 2, 1),
        ("slack", "u1", SENT, 2, 1),
        ("slack", "u2", SENT, 1, 1),
        ("slack", "unassigned", SENT, 1, 1),
    ]


def test_a_failing_webhook_is_retried_reported_and_sent_on_the_next_run(
    warehouse: Path, webhook: WebhookServer, caplog: pytest.LogCaptureFixture
) -> None:
    webhook.status = 500
    sleeps = Sleeps()
    with caplog.at_level(logging.INFO):
        report = deliver(warehouse, slack_env(webhook), sleeps)
    # Three attempts with exponential backoff for the first message; the
    # channel is down, so one attempt each for the others.
    assert len(webhook.requests) == 5
    assert sleeps == [2.0, 4.0]
    assert [(o.csm_owner_id, o.attempts) for o in report.failures] == [
        ("u1", 3),
        ("u2", 1),
        ("unassigned", 1),
    ]
    assert all(
        o.error == "HTTPError: HTTP Error 500: Internal Server Error" for o in report.failures
    )
    assert "slack: 0 sent, 0 already sent, 0 skipped, 3 failed" in report.summary()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3 and "failed after 3 attempts" in warnings[0].getMessage()
    assert {row[2] for row in ledger_rows(warehouse)} == {FAILED}
    # A failure does not block the next run: once the endpoint answers, it is sent.
    webhook.status = 200
    retried = deliver(warehouse, slack_env(webhook))
    assert retried.count(SENT, "slack") == 3
    assert len(webhook.requests) == 8


def test_a_refused_email_is_reported_not_raised(warehouse: Path, smtp: SmtpServer) -> None:
    smtp.state.reject_data = True
    report = deliver(warehouse, smtp_env(smtp))
    (failure,) = report.failures
    assert failure.channel == "email" and failure.csm_owner_id == "u1"
    assert failure.error.startswith("SMTPDataError: (554")
    assert smtp.state.messages == []


def test_no_secret_reaches_the_logs_the_report_or_the_ledger(
    warehouse: Path, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    # Errors that quote the secret: http.client rejects a URL with a space
    # naming the URL's path, and this SMTP server echoes the credentials.
    smtp.state.reject_auth_echoing_it = True
    environ = smtp_env(smtp) | {"SLACK_WEBHOOK_URL": f"https://hooks.example.com{WEBHOOK_PATH} x"}
    with caplog.at_level(logging.DEBUG):
        report = deliver(warehouse, environ)
    errors = {o.channel: o.error or "" for o in report.failures}
    assert errors["slack"].startswith("InvalidURL")
    assert errors["email"].startswith("SMTPAuthenticationError")
    assert "[redacted]" in errors["slack"] and "[redacted]" in errors["email"]
    with duckdb.connect(str(working(warehouse)), read_only=True) as con:
        recorded = json.dumps(con.execute(f"select * from {TABLE}").fetchall(), default=str)
    assert_no_secret(caplog.text, report.summary(), recorded, *errors.values())
    assert_no_secret(repr(load_delivery_config(environ)))


def test_the_password_is_never_sent_in_clear_to_a_remote_server(
    smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from email.message import EmailMessage

    from cs_analytics.alerts import smtp as smtp_module

    # The local server offers no STARTTLS; pretend it is across the network.
    monkeypatch.setattr(smtp_module, "is_loopback", lambda host: False)
    config = load_delivery_config(smtp_env(smtp)).smtp
    assert config is not None
    with pytest.raises(DeliveryError, match="offers no TLS"):
        send_email(config, EmailMessage())
    assert smtp.state.logins == []


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({"SLACK_WEBHOOK_URL": "http://hooks.example.com/x"}, "must be an https:// URL"),
        ({"SMTP_HOST": "mail.example.com"}, "ALERT_EMAIL_FROM is not"),
        (
            {"SMTP_HOST": "mail.example.com", "ALERT_EMAIL_FROM": "a@b.c", "SMTP_PORT": "smtp"},
            "is not a port number",
        ),
    ],
)
def test_unusable_settings_are_reported_and_send_nothing(
    warehouse: Path, environ: dict[str, str], problem: str
) -> None:
    report = deliver(warehouse, environ)
    assert report.channels == []
    (reported,) = report.problems
    assert problem in reported


def test_the_ledger_keeps_nights_apart(tmp_path: Path) -> None:
    from cs_analytics.alerts.ledger import LedgerEntry

    ledger = DeliveryLedger(tmp_path / "work.duckdb", run_id="r")
    ledger.record(LedgerEntry(AS_OF, "slack", "u1", SENT, 2, 1))
    ledger.record(LedgerEntry(AS_OF, "email", "u1", FAILED, 2, 3, "boom"))
    assert ledger.sent(AS_OF) == {("slack", "u1")}
    assert ledger.sent(date(2026, 3, 3)) == set()
