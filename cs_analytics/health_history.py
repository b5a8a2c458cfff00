"""What each night published of the health score, kept outside `marts`.

`marts.fct_account_health_daily` is recomputed every night under the current
weights version, so a new version restates every past day. CSMs acted on the
scores they were shown, so after each successful publish the scores that
night showed are recorded in `history.account_health_published` of the
working database (the durable side of the warehouse, beside `audit`; the
published file holds `marts` only).

The history is change-only: a night appends the account-days whose published
values differ from the latest recorded ones (new days, days restated by a late
fact inside the late-arrival window, every day after a weights change), so it
grows by about one row per paying account per night, and what CSMs saw for a
day on night N is the latest row with `published_as_of_date <= N`. Rerunning a
night replaces that night's rows. Only nights that published are recorded:
the publish step calls this after the atomic rename, never dbt.

Finding the changes costs what changed, not the history: each night also
records, per month of `score_date`, the row count and the sum of the row
hashes of the scores it showed (`history.account_health_published_months`).
A month whose sums equal those of the latest recorded night before this one
holds exactly the scores that night showed, which are the latest recorded
ones, so only the other months are compared row by row. That holds only while
no earlier night was recorded after the reference night (a rerun) and no
night between them was recorded without sums; otherwise every month is
compared.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from cs_analytics.working_db import connect_working_db

HISTORY_SCHEMA = "history"
HISTORY_TABLE = f"{HISTORY_SCHEMA}.account_health_published"
MONTHS_TABLE = f"{HISTORY_SCHEMA}.account_health_published_months"
HEALTH_MART = "marts.fct_account_health_daily"

KEY_COLUMNS = ("account_id", "score_date")
VALUE_COLUMNS = (
    "weights_version",
    "health_score",
    "health_band",
    "coverage",
    "usage_score",
    "adoption_score",
    "support_score",
    "sentiment_score",
    "engagement_score",
    "financial_score",
    "onboarding_score",
    "primary_risk_driver",
    "score_change_30d",
)

_CREATE = f"""
create table if not exists {HISTORY_TABLE} (
    published_as_of_date date not null,
    account_id varchar not null,
    score_date date not null,
    weights_version varchar,
    health_score decimal(9, 6),
    health_band varchar,
    coverage decimal(9, 6),
    usage_score decimal(9, 6),
    adoption_score decimal(9, 6),
    support_score decimal(9, 6),
    sentiment_score decimal(9, 6),
    engagement_score decimal(9, 6),
    financial_score decimal(9, 6),
    onboarding_score decimal(9, 6),
    primary_risk_driver varchar,
    score_change_30d decimal(9, 6),
    build_id varchar not null,
    published_at timestamp not null
)
"""

_CREATE_MONTHS = f"""
create table if not exists {MONTHS_TABLE} (
    published_as_of_date date not null,
    score_month varchar not null,
    row_count bigint not null,
    row_hash_sum varchar not null,
    recorded_at timestamp not null
)
"""

_MONTH = "strftime(score_date, '%Y-%m')"

_MART_MONTHS = f"""
select
    {_MONTH} as score_month,
    count(*) as row_count,
    sum(hash({", ".join(KEY_COLUMNS + VALUE_COLUMNS)}))::varchar as row_hash_sum
from {HEALTH_MART}
group by all
"""

# The latest night before this one with month sums, if no earlier night was
# recorded after it (a rerun) and no night between has rows but no sums (one
# recorded before the sums were kept).
_REFERENCE_NIGHT = f"""
with reference as (
    select published_as_of_date as night, max(recorded_at) as recorded_at
    from {MONTHS_TABLE}
    where published_as_of_date < $as_of_date
    group by all
    order by night desc
    limit 1
)
select night
from reference
where not exists (
    select 1 from {MONTHS_TABLE} as other
    where other.published_as_of_date < $as_of_date
        and other.published_as_of_date <> reference.night
        and other.recorded_at > reference.recorded_at
)
and not exists (
    select 1 from {HISTORY_TABLE} as other
    where other.published_as_of_date > reference.night
        and other.published_as_of_date < $as_of_date
)
"""

_UNCHANGED = " and ".join(
    [f"latest.{c} = published.{c}" for c in KEY_COLUMNS]
    + [f"latest.{c} is not distinct from published.{c}" for c in VALUE_COLUMNS]
)

# Only the months in $months: the latest rows of an account-day are all in its month.
_APPEND_CHANGES = f"""
insert into {HISTORY_TABLE}
with latest as (
    select *
    from {HISTORY_TABLE}
    where published_as_of_date < $as_of_date and list_contains($months, {_MONTH})
    qualify row_number() over (
        partition by account_id, score_date order by published_as_of_date desc
    ) = 1
)
select
    $as_of_date,
    {", ".join(f"published.{c}" for c in KEY_COLUMNS + VALUE_COLUMNS)},
    $build_id,
    $published_at
from {HEALTH_MART} as published
where list_contains($months, {_MONTH})
    and not exists (select 1 from latest where {_UNCHANGED})
"""


def _months_to_compare(
    con: duckdb.DuckDBPyConnection, as_of_date: date, tonight: list[tuple]
) -> list[str]:
    """Months of tonight's scores whose sums differ from the reference night's (all without one)."""
    reference = con.execute(_REFERENCE_NIGHT, {"as_of_date": as_of_date}).fetchall()
    if not reference:
        return [month for month, _, _ in tonight]
    recorded = con.execute(
        f"select score_month, row_count, row_hash_sum from {MONTHS_TABLE} "
        "where published_as_of_date = $night",
        {"night": reference[0][0]},
    ).fetchall()
    return sorted({month for month, _, _ in set(tonight) - set(recorded)})


def record_published_health(
    working_db: Path,
    as_of_date: date,
    build_id: str,
    published_at: datetime | None = None,
) -> int:
    """Append the night's changed scores to the history; returns the rows recorded."""
    stamp = (published_at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    parameters = {"as_of_date": as_of_date, "build_id": build_id, "published_at": stamp}
    with connect_working_db(working_db) as con:
        con.execute("begin transaction")
        con.execute(f"create schema if not exists {HISTORY_SCHEMA}")
        con.execute(_CREATE)
        con.execute(_CREATE_MONTHS)
        for table in (HISTORY_TABLE, MONTHS_TABLE):
            con.execute(
                f"delete from {table} where published_as_of_date = $as_of_date",
                {"as_of_date": as_of_date},
            )
        tonight = con.execute(_MART_MONTHS).fetchall()
        months = _months_to_compare(con, as_of_date, tonight)
        con.execute(_APPEND_CHANGES, {**parameters, "months": months})
        con.executemany(
            f"insert into {MONTHS_TABLE} values (?, ?, ?, ?, ?)",
            # When it was recorded, whatever `published_at` says: the guard orders recordings.
            [[as_of_date, *month, datetime.now(UTC).replace(tzinfo=None)] for month in tonight],
        )
        count = con.execute(
            f"select count(*) from {HISTORY_TABLE} where published_as_of_date = $as_of_date",
            {"as_of_date": as_of_date},
        ).fetchone()
        con.execute("commit")
    return int(count[0]) if count else 0


def published_scores(working_db: Path, as_of_date: date) -> list[tuple]:
    """What CSMs saw on night `as_of_date`: the latest recorded row of each account-day."""
    columns = ", ".join(KEY_COLUMNS + VALUE_COLUMNS)
    with duckdb.connect(str(working_db), read_only=True) as con:
        return con.execute(
            f"""
            select {columns}
            from {HISTORY_TABLE}
            where published_as_of_date <= $as_of_date
            qualify row_number() over (
                partition by account_id, score_date order by published_as_of_date desc
            ) = 1
            order by account_id, score_date
            """,
            {"as_of_date": as_of_date},
        ).fetchall()
