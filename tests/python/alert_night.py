"""A published night with alerts, and the channel settings, shared by the alert delivery tests.

The published warehouse and the working database are small DuckDB files
holding only what delivery reads (the marts it joins, the staged CRM users),
so each test sees exactly which alerts are the night's and who owns them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from tests.python.alert_servers import SmtpServer, WebhookServer

AS_OF = date(2026, 3, 2)
WEBHOOK_PATH = "/services/T0001/B0001/XyZwebhookSecret123"
PASSWORD = "hunter2-very-secret"

# The columns of marts.fct_cs_alerts that delivery reads, in this order:
# alert_date, account_id, rule_id, metric, rule_description, claimed_outcome,
# trigger_value, threshold_value, health_score, health_band, mrr, csm_owner_id.
# fmt: off
ALERTS = [
    ("2026-03-01", "acc1", "entered_red_band", "red_band", "Health band turned red", "churn",
     35.5, 40, 35.5, "red", 1200, "u1"),
    ("2026-03-01", "acc2", "failed_payment", "failed_payments", "Payment attempt failed", "churn",
     1, 1, 80, "green", 300, "u1"),
    ("2026-03-01", "acc3", "health_score_drop", "score_drop_30d", "Health score fell", "churn",
     18, 15, 55, "yellow", 900, "u2"),
    ("2026-03-01", "acc4", "renewal_due_at_risk", "renewal_due_at_risk", "Renewal due", "churn",
     60, 90, 45, "yellow", None, None),
    # The day before: not tonight's.
    ("2026-02-28", "acc5", "entered_red_band", "red_band", "Health band turned red", "churn",
     20, 40, 20, "red", 50, "u1"),
]
# fmt: on


def build_night(folder: Path) -> Path:
    """The published warehouse `folder/cs.duckdb`, and its working database beside it."""
    path = folder / "cs.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.dim_build as "
            "select date '2026-03-02' as as_of_date, 'USD' as reporting_currency"
        )
        con.execute(
            "create table marts.fct_cs_alerts (alert_date date, account_id varchar, "
            "rule_id varchar, metric varchar, rule_description varchar, claimed_outcome varchar, "
            "trigger_value decimal(18,6), threshold_value decimal(18,6), "
            "health_score decimal(9,6), health_band varchar, mrr decimal(38,9), "
            "csm_owner_id varchar)"
        )
        con.executemany(
            "insert into marts.fct_cs_alerts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ALERTS
        )
        con.execute(
            "create table marts.dim_accounts as select * from (values "
            "('acc1', 'Acme & Sons <Ltd>'), ('acc2', 'Beta'), ('acc3', 'Gamma'), "
            "('acc4', 'Delta'), ('acc5', 'Epsilon')) as t(account_id, account_name)"
        )
        con.execute(
            "create table marts.dim_csms as select * from (values "
            "('u1', 'Ada Lovelace'), ('u2', 'Bob Dylan')) as t(csm_owner_id, full_name)"
        )
    with duckdb.connect(str(working(path))) as con:
        con.execute("create schema staging")
        con.execute(
            "create table staging.stg_crm__users as select * from (values "
            "('u1', 'ada@example.com'), ('u2', null), ('u3', 'carol@example.com')) "
            "as t(user_id, email)"
        )
    return path


def working(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.stem}.work.duckdb")


def slack_env(webhook: WebhookServer) -> dict[str, str]:
    return {"SLACK_WEBHOOK_URL": webhook.url(WEBHOOK_PATH)}


def smtp_env(smtp: SmtpServer) -> dict[str, str]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_USER": "alerts-bot",
        "SMTP_PASSWORD": PASSWORD,
        "ALERT_EMAIL_FROM": "cs-alerts@example.com",
    }


SECRETS = (WEBHOOK_PATH, "XyZwebhookSecret123", PASSWORD)


def assert_no_secret(*texts: str) -> None:
    for secret in SECRETS:
        assert not any(secret in text for text in texts), secret
