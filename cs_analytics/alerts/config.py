"""Which alert channels the environment configures (README, "Alerts").

Secrets (the webhook URL, whose path is its credential, and the SMTP
password) are read only from the environment, kept out of every repr, and
listed by `secrets()` so that messages can be scrubbed before they are
logged or recorded.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

SMTP_SSL_PORT = 465
DEFAULT_SMTP_PORT = 587
# Shorter parts of a URL ("/", "hooks") are not worth hiding and would garble messages.
MIN_SECRET_LENGTH = 8


def is_loopback(host: str) -> bool:
    """True for a host on this machine (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class SlackConfig:
    webhook_url: str = field(repr=False)

    @property
    def host(self) -> str:
        return urlsplit(self.webhook_url).hostname or ""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    user: str = ""
    password: str = field(default="", repr=False)


@dataclass(frozen=True)
class DeliveryConfig:
    slack: SlackConfig | None
    smtp: SmtpConfig | None
    # Settings that are present but unusable: reported, never raised, so a
    # typo in an alert setting cannot fail a night whose marts are published.
    problems: tuple[str, ...] = ()

    @property
    def channels(self) -> list[str]:
        return [name for name, conf in (("slack", self.slack), ("email", self.smtp)) if conf]

    def secrets(self) -> list[str]:
        found = []
        if self.slack:
            found.append(self.slack.webhook_url)
            # The path is the credential (its last segment the token); a
            # message may quote only the path or the token.
            path = urlsplit(self.slack.webhook_url).path
            token = path.rstrip("/").rsplit("/", 1)[-1]
            found += [part for part in (path, token) if len(part) >= MIN_SECRET_LENGTH]
        if self.smtp and self.smtp.password:
            found.append(self.smtp.password)
        return found


def _slack(env: Mapping[str, str], problems: list[str]) -> SlackConfig | None:
    url = (env.get("SLACK_WEBHOOK_URL") or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    # Over plain HTTP the URL (the credential) would cross the network in clear.
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname or "")):
        return SlackConfig(url)
    problems.append("SLACK_WEBHOOK_URL must be an https:// URL (http only to this machine)")
    return None


def _smtp(env: Mapping[str, str], problems: list[str]) -> SmtpConfig | None:
    host = (env.get("SMTP_HOST") or "").strip()
    if not host:
        return None
    sender = (env.get("ALERT_EMAIL_FROM") or "").strip()
    if not sender:
        problems.append("SMTP_HOST is set but ALERT_EMAIL_FROM is not: no e-mail sent")
        return None
    port_text = (env.get("SMTP_PORT") or "").strip()
    try:
        port = int(port_text) if port_text else DEFAULT_SMTP_PORT
    except ValueError:
        problems.append(f"SMTP_PORT={port_text!r} is not a port number: no e-mail sent")
        return None
    if not 0 < port < 65536:
        problems.append(f"SMTP_PORT={port} is not a port number: no e-mail sent")
        return None
    return SmtpConfig(
        host=host,
        port=port,
        sender=sender,
        user=(env.get("SMTP_USER") or "").strip(),
        password=env.get("SMTP_PASSWORD") or "",
    )


def load_delivery_config(environ: Mapping[str, str] | None = None) -> DeliveryConfig:
    env = os.environ if environ is None else environ
    problems: list[str] = []
    slack = _slack(env, problems)
    smtp = _smtp(env, problems)
    return DeliveryConfig(slack=slack, smtp=smtp, problems=tuple(problems))
