"""Sending one e-mail over SMTP (standard library only).

Port 465 speaks TLS from the start; on any other port STARTTLS is used
whenever the server offers it. The password is sent only over TLS, or to a
server on this machine (a local relay): never in clear across a network.
smtplib's debug output, which would print the AUTH exchange, stays off.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from cs_analytics.alerts.config import SMTP_SSL_PORT, SmtpConfig, is_loopback
from cs_analytics.alerts.errors import DeliveryError

TIMEOUT_SECONDS = 20


def _connect(config: SmtpConfig) -> tuple[smtplib.SMTP, bool]:
    context = ssl.create_default_context()
    if config.port == SMTP_SSL_PORT:
        return smtplib.SMTP_SSL(
            config.host, config.port, timeout=TIMEOUT_SECONDS, context=context
        ), True
    smtp = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_SECONDS)
    smtp.ehlo()
    if smtp.has_extn("starttls"):
        smtp.starttls(context=context)
        smtp.ehlo()
        return smtp, True
    return smtp, False


def send_email(config: SmtpConfig, message: EmailMessage) -> None:
    smtp, encrypted = _connect(config)
    try:
        if config.user:
            if not encrypted and not is_loopback(config.host):
                raise DeliveryError(
                    f"SMTP server {config.host}:{config.port} offers no TLS: "
                    "the password is not sent in clear"
                )
            smtp.login(config.user, config.password)
        smtp.send_message(message)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
