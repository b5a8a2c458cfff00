"""The night's new alerts, grouped per CSM, and where to e-mail each CSM.

The night's alerts are the rows of `marts.fct_cs_alerts` on the build's last
scored day: the day before `dim_build.as_of_date` (scores run up to the day
before AS_OF_DATE). They are read from the published warehouse, which holds
what this night published. CSM e-mail addresses are staff contact data, kept
out of `marts` on purpose (docs/marts_interface.md): they are read from the
CRM users as staged in the working database (`staging.stg_crm__users`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

# The group of alerts on accounts no CSM owns (as rpt_csm_portfolio names it).
UNASSIGNED = "unassigned"

_BUILD_SQL = "select as_of_date, reporting_currency from marts.dim_build"

_ALERTS_SQL = """
select
    coalesce(alerts.csm_owner_id, $unassigned) as csm_owner_id,
    csms.full_name as csm_name,
    alerts.account_id,
    accounts.account_name,
    alerts.rule_id,
    alerts.metric,
    alerts.rule_description,
    alerts.claimed_outcome,
    alerts.trigger_value,
    alerts.threshold_value,
    alerts.health_score,
    alerts.health_band,
    alerts.mrr
from marts.fct_cs_alerts as alerts
left join marts.dim_accounts as accounts
    on alerts.account_id = accounts.account_id
left join marts.dim_csms as csms
    on alerts.csm_owner_id = csms.csm_owner_id
where alerts.alert_date = $alert_date
order by csm_owner_id, alerts.mrr desc nulls last, alerts.account_id, alerts.rule_id
"""

_EMAILS_SQL = """
select user_id, email
from staging.stg_crm__users
where list_contains($ids, user_id) and email is not null and trim(email) <> ''
"""


@dataclass(frozen=True)
class Alert:
    account_id: str
    account_name: str | None
    rule_id: str
    metric: str
    rule_description: str
    claimed_outcome: str
    trigger_value: Decimal
    threshold_value: Decimal | None
    health_score: Decimal | None
    health_band: str | None
    mrr: Decimal | None


@dataclass(frozen=True)
class CsmAlerts:
    csm_owner_id: str
    csm_name: str | None
    alerts: tuple[Alert, ...]


@dataclass(frozen=True)
class NightAlerts:
    as_of_date: date
    alert_date: date
    currency: str
    by_csm: tuple[CsmAlerts, ...]

    @property
    def alert_count(self) -> int:
        return sum(len(group.alerts) for group in self.by_csm)


def _read_only(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})


def read_night_alerts(warehouse_path: Path) -> NightAlerts:
    """The published night's alerts, one group per owning CSM (sorted by id)."""
    with _read_only(warehouse_path) as con:
        as_of_date, currency = con.execute(_BUILD_SQL).fetchone()
        alert_date = as_of_date - timedelta(days=1)
        rows = con.execute(
            _ALERTS_SQL, {"alert_date": alert_date, "unassigned": UNASSIGNED}
        ).fetchall()
    groups: dict[str, tuple[str | None, list[Alert]]] = {}
    for csm_owner_id, csm_name, *fields in rows:
        groups.setdefault(csm_owner_id, (csm_name, []))[1].append(Alert(*fields))
    return NightAlerts(
        as_of_date=as_of_date,
        alert_date=alert_date,
        currency=currency,
        by_csm=tuple(
            CsmAlerts(csm_owner_id, name, tuple(alerts))
            for csm_owner_id, (name, alerts) in groups.items()
        ),
    )


def read_csm_emails(working_db_path: Path, csm_owner_ids: list[str]) -> dict[str, str]:
    """The CRM e-mail address of each CSM that has one."""
    if not csm_owner_ids:
        return {}
    with _read_only(working_db_path) as con:
        rows = con.execute(_EMAILS_SQL, {"ids": csm_owner_ids}).fetchall()
    return {user_id: email.strip() for user_id, email in rows}
