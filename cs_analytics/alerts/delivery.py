"""Sending the night's alerts: one message per CSM and channel, at most once.

For each configured channel and each CSM with new alerts, a message is sent
unless the ledger already records it as sent for this as-of date (a rerun of
the night sends only what did not go through). A failed send is retried with
exponential backoff (tried once only when its channel already failed every
retry tonight), then recorded as failed and reported; it is never raised,
because the marts are already published and a late or missing message must
not fail the night. Every error text is scrubbed of secrets before it is
logged, returned or recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from cs_analytics.alerts.config import DeliveryConfig, SlackConfig, SmtpConfig, load_delivery_config
from cs_analytics.alerts.errors import scrub
from cs_analytics.alerts.formatting import email_message, slack_payload
from cs_analytics.alerts.ledger import FAILED, SENT, SKIPPED, DeliveryLedger, LedgerEntry
from cs_analytics.alerts.night import (
    UNASSIGNED,
    CsmAlerts,
    NightAlerts,
    read_csm_emails,
    read_night_alerts,
)
from cs_analytics.alerts.slack import post_to_slack
from cs_analytics.alerts.smtp import send_email

ATTEMPTS = 3
BACKOFF_SECONDS = 2.0
ALREADY_SENT = "already_sent"

SlackSender = Callable[[SlackConfig, dict[str, object]], None]
EmailSender = Callable[[SmtpConfig, EmailMessage], None]


class Log(Protocol):
    def info(self, msg: str) -> object: ...

    def warning(self, msg: str) -> object: ...


@dataclass(frozen=True)
class Outcome:
    channel: str
    csm_owner_id: str
    status: str
    alerts: int
    attempts: int = 0
    error: str | None = None


@dataclass
class DeliveryReport:
    as_of_date: date
    alert_date: date
    alerts: int
    csms: int
    channels: list[str]
    problems: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str, channel: str | None = None) -> int:
        return sum(
            1
            for o in self.outcomes
            if o.status == status and (channel is None or o.channel == channel)
        )

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    def summary(self) -> str:
        alerts = f"{self.alerts} new alert{'' if self.alerts == 1 else 's'} for {self.alert_date}"
        if not self.channels:
            return f"{alerts}: nothing sent (neither SLACK_WEBHOOK_URL nor SMTP_HOST is configured)"
        parts = [
            f"{channel}: {self.count(SENT, channel)} sent, "
            f"{self.count(ALREADY_SENT, channel)} already sent, "
            f"{self.count(SKIPPED, channel)} skipped, {self.count(FAILED, channel)} failed"
            for channel in self.channels
        ]
        return f"{alerts} ({self.csms} CSMs); " + "; ".join(parts)


@dataclass(frozen=True)
class Senders:
    slack: SlackSender = post_to_slack
    email: EmailSender = send_email
    sleep: Callable[[float], None] = time.sleep


def _attempt(
    send: Callable[[], None], attempts: int, secrets: list[str], sleep: Callable[[float], None]
) -> tuple[int, str | None]:
    """(attempts made, None) on success, or (attempts, the last error scrubbed)."""
    error = None
    for attempt in range(1, attempts + 1):
        try:
            send()
            return attempt, None
        # Whatever a send raises (HTTP status, refused connection, timeout,
        # SMTP reply, bad address) is a failed delivery to retry and report.
        except Exception as raised:
            error = scrub(f"{type(raised).__name__}: {raised}", secrets)
            if attempt < attempts:
                sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
    return attempts, error


def _send(
    channel: str,
    group: CsmAlerts,
    send: Callable[[], None] | None,
    attempts: int,
    night: NightAlerts,
    ledger: DeliveryLedger,
    secrets: list[str],
    senders: Senders,
    log: Log,
) -> Outcome:
    alerts = len(group.alerts)
    if send is None:
        ledger.record(
            LedgerEntry(
                night.as_of_date, channel, group.csm_owner_id, SKIPPED, alerts, 0, "no address"
            )
        )
        log.info(f"alerts: {channel} to CSM {group.csm_owner_id} skipped (no e-mail address)")
        return Outcome(channel, group.csm_owner_id, SKIPPED, alerts, 0, "no address")
    attempts, error = _attempt(send, attempts, secrets, senders.sleep)
    status = SENT if error is None else FAILED
    ledger.record(
        LedgerEntry(night.as_of_date, channel, group.csm_owner_id, status, alerts, attempts, error)
    )
    if error is None:
        log.info(f"alerts: {alerts} sent by {channel} for CSM {group.csm_owner_id}")
    else:
        log.warning(
            f"alerts: {channel} for CSM {group.csm_owner_id} failed after {attempts} "
            f"attempts: {error}"
        )
    return Outcome(channel, group.csm_owner_id, status, alerts, attempts, error)


def deliver(
    night: NightAlerts,
    config: DeliveryConfig,
    ledger: DeliveryLedger | None,
    emails: Mapping[str, str],
    log: Log,
    senders: Senders | None = None,
) -> DeliveryReport:
    """Send the night's alerts on every configured channel; report, never raise, failures.

    `ledger` may be None only when no channel is configured (nothing to record).
    """
    senders = senders or Senders()
    secrets = config.secrets()
    report = DeliveryReport(
        as_of_date=night.as_of_date,
        alert_date=night.alert_date,
        alerts=night.alert_count,
        csms=len(night.by_csm),
        channels=config.channels,
        problems=list(config.problems),
    )
    for problem in config.problems:
        log.warning(f"alerts: {problem}")
    if not config.channels or not night.by_csm:
        return report
    if ledger is None:
        raise ValueError("a delivery ledger is needed to send alerts")
    already = ledger.sent(night.as_of_date)
    # A channel that failed every retry tonight is likely down: its other
    # messages get one attempt each, so an outage costs seconds, not minutes.
    down: set[str] = set()
    for group in night.by_csm:
        for channel in config.channels:
            if (channel, group.csm_owner_id) in already:
                report.outcomes.append(
                    Outcome(channel, group.csm_owner_id, ALREADY_SENT, len(group.alerts))
                )
                continue
            send = _sender(channel, night, group, config, emails, senders)
            attempts = 1 if channel in down else ATTEMPTS
            outcome = _send(channel, group, send, attempts, night, ledger, secrets, senders, log)
            if outcome.status == FAILED:
                down.add(channel)
            report.outcomes.append(outcome)
    return report


def _sender(
    channel: str,
    night: NightAlerts,
    group: CsmAlerts,
    config: DeliveryConfig,
    emails: Mapping[str, str],
    senders: Senders,
) -> Callable[[], None] | None:
    """The one send of `group` on `channel`, or None when there is no one to send to."""
    if channel == "slack" and config.slack:
        slack, payload = config.slack, slack_payload(night, group)
        return lambda: senders.slack(slack, payload)
    recipient = emails.get(group.csm_owner_id)
    if channel == "email" and config.smtp and recipient and group.csm_owner_id != UNASSIGNED:
        smtp = config.smtp
        message = email_message(night, group, smtp.sender, recipient)
        return lambda: senders.email(smtp, message)
    return None


def deliver_night_alerts(
    warehouse_path: Path,
    working_db_path: Path,
    log: Log,
    run_id: str | None = None,
    environ: Mapping[str, str] | None = None,
    senders: Senders | None = None,
) -> DeliveryReport:
    """The published night's alerts to the channels the environment configures."""
    config = load_delivery_config(environ)
    night = read_night_alerts(warehouse_path)
    emails = (
        read_csm_emails(working_db_path, [group.csm_owner_id for group in night.by_csm])
        if config.smtp
        else {}
    )
    ledger = DeliveryLedger(working_db_path, run_id) if config.channels else None
    report = deliver(night, config, ledger, emails, log, senders)
    log.info(f"alerts: {report.summary()}")
    return report
