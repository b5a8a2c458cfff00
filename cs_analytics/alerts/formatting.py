"""The message one CSM receives: a Slack payload, or an e-mail.

Both say the same: the night, then one line per alert (account, what fired,
the value against its threshold, the band that day, MRR, the outcome the
rule claims). Nothing here is decided: the alerts, values and thresholds
come from `marts.fct_cs_alerts`.
"""

from __future__ import annotations

from decimal import Decimal
from email.message import EmailMessage

from cs_analytics.alerts.night import UNASSIGNED, Alert, CsmAlerts, NightAlerts

# What each rule metric's trigger value counts (seeds/_seeds.yml, cs_alert_rules).
VALUE_LABELS = {
    "red_band": "health score",
    "score_drop_30d": "points lost in 30 days",
    "churn_notices": "notices",
    "failed_payments": "failed attempts",
    "renewal_due_at_risk": "days to renewal",
    "first_expansion_signals": "new signals",
}


def _number(value: Decimal | None) -> str:
    if value is None:
        return "n/a"
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _money(value: Decimal | None, currency: str) -> str:
    return "n/a" if value is None else f"{currency} {value:,.2f}"


def recipient_label(group: CsmAlerts) -> str:
    if group.csm_owner_id == UNASSIGNED:
        return "Accounts without a CSM"
    return group.csm_name or group.csm_owner_id


def alert_line(alert: Alert, currency: str) -> str:
    label = VALUE_LABELS.get(alert.metric, "value")
    threshold = (
        "" if alert.threshold_value is None else f" (threshold {_number(alert.threshold_value)})"
    )
    return (
        f"{alert.account_name or alert.account_id}: {alert.rule_description}: "
        f"{label} {_number(alert.trigger_value)}{threshold}; "
        f"health {_number(alert.health_score)} "
        f"({alert.health_band or 'n/a'}); MRR {_money(alert.mrr, currency)}; "
        f"may lead to {alert.claimed_outcome}"
    )


def title(night: NightAlerts, group: CsmAlerts) -> str:
    count = len(group.alerts)
    noun = "alert" if count == 1 else "alerts"
    return (
        f"CS alerts for {night.alert_date.isoformat()}: {count} new {noun}, "
        f"{recipient_label(group)}"
    )


def _slack_escape(text: str) -> str:
    # Slack reads &, < and > as markup (links, mentions) in message text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(night: NightAlerts, group: CsmAlerts) -> dict[str, object]:
    lines = [f"*{_slack_escape(title(night, group))}*"]
    lines += [f"• {_slack_escape(alert_line(alert, night.currency))}" for alert in group.alerts]
    return {"text": "\n".join(lines)}


def email_message(
    night: NightAlerts, group: CsmAlerts, sender: str, recipient: str
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = title(night, group)
    message["From"] = sender
    message["To"] = recipient
    body = [
        f"Hello {recipient_label(group)},",
        "",
        f"These alerts started on {night.alert_date.isoformat()} on accounts you own:",
        "",
        *(f"- {alert_line(alert, night.currency)}" for alert in group.alerts),
        "",
        "Each rule's track record (how often its outcome followed) is in marts.rpt_alert_backtest.",
    ]
    message.set_content("\n".join(body))
    return message
