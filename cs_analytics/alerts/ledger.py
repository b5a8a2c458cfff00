"""The delivery ledger: what each night sent, per channel and CSM.

Table `run_metadata.alert_deliveries` of the working database, beside the
run history and outside `marts` (the published file never holds it). One row
per outcome, appended: `sent`, `failed` (after every retry) or `skipped`
(nothing to send to: a CSM without an e-mail address). A (as-of date,
channel, CSM) with a `sent` row is never sent again, so rerunning a night
sends only what did not go through. Addresses and message text are not
stored; errors are stored scrubbed of secrets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from cs_analytics.run_metadata import SCHEMA
from cs_analytics.working_db import connect_working_db

TABLE = f"{SCHEMA}.alert_deliveries"

SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"

_CREATE = f"""
create table if not exists {TABLE} (
    as_of_date date not null,
    channel varchar not null,
    csm_owner_id varchar not null,
    status varchar not null,
    alerts integer not null,
    attempts integer not null,
    error varchar,
    run_id varchar,
    recorded_at timestamp not null
)
"""


@dataclass(frozen=True)
class LedgerEntry:
    as_of_date: date
    channel: str
    csm_owner_id: str
    status: str
    alerts: int
    attempts: int
    error: str | None = None


class DeliveryLedger:
    def __init__(self, working_db_path: Path, run_id: str | None = None) -> None:
        self.path = working_db_path
        self.run_id = run_id
        with connect_working_db(self.path) as con:
            con.execute(f"create schema if not exists {SCHEMA}")
            con.execute(_CREATE)

    def sent(self, as_of_date: date) -> set[tuple[str, str]]:
        """(channel, csm_owner_id) already delivered for the night."""
        with connect_working_db(self.path) as con:
            rows = con.execute(
                f"select distinct channel, csm_owner_id from {TABLE} "
                "where as_of_date = $as_of_date and status = $sent",
                {"as_of_date": as_of_date, "sent": SENT},
            ).fetchall()
        return {(channel, csm) for channel, csm in rows}

    def record(self, entry: LedgerEntry) -> None:
        with connect_working_db(self.path) as con:
            con.execute(
                f"insert into {TABLE} values "
                "($as_of_date, $channel, $csm, $status, $alerts, $attempts, $error, $run_id, $at)",
                {
                    "as_of_date": entry.as_of_date,
                    "channel": entry.channel,
                    "csm": entry.csm_owner_id,
                    "status": entry.status,
                    "alerts": entry.alerts,
                    "attempts": entry.attempts,
                    "error": entry.error,
                    "run_id": self.run_id,
                    "at": datetime.now(UTC).replace(tzinfo=None),
                },
            )

    def entries(self, as_of_date: date) -> list[LedgerEntry]:
        with connect_working_db(self.path) as con:
            rows = con.execute(
                f"select as_of_date, channel, csm_owner_id, status, alerts, attempts, error "
                f"from {TABLE} where as_of_date = $as_of_date order by recorded_at",
                {"as_of_date": as_of_date},
            ).fetchall()
        return [LedgerEntry(*row) for row in rows]
