"""The published-score history compares only the months that changed, and stays right.

A small health mart of two accounts over three months, recorded night after
night with record_published_health. Whatever months the month sums let a
night skip, what CSMs saw on a night (published_scores) must be that night's
mart, row for row.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from cs_analytics.health_history import (
    MONTHS_TABLE,
    published_scores,
    record_published_health,
)
from tests.python.pipeline_helpers import query

NIGHTS = [date(2025, 4, 2) + timedelta(days=i) for i in range(4)]
DAYS = [date(2025, 1, 1) + timedelta(days=i) for i in range(90)]
Scores = dict[tuple[str, date], int]


def scores(**changes: int) -> Scores:
    """Every account-day at 50, but for `a1_<MMDD>=score` changes."""
    rows = {(account, day): 50 for account in ("a1", "a2") for day in DAYS}
    for key, score in changes.items():
        account, mmdd = key.split("_")
        rows[(account, date(2025, int(mmdd[:2]), int(mmdd[2:])))] = score
    return rows


@pytest.fixture
def working(tmp_path: Path) -> Path:
    return tmp_path / "cs.work.duckdb"


def publish(working: Path, rows: Scores) -> None:
    with duckdb.connect(str(working)) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.fct_account_health_daily (account_id varchar, "
            "score_date date, weights_version varchar, health_score decimal(9, 6), "
            "health_band varchar, coverage decimal(9, 6), usage_score decimal(9, 6), "
            "adoption_score decimal(9, 6), support_score decimal(9, 6), "
            "sentiment_score decimal(9, 6), engagement_score decimal(9, 6), "
            "financial_score decimal(9, 6), onboarding_score decimal(9, 6), "
            "primary_risk_driver varchar, score_change_30d decimal(9, 6))"
        )
        con.executemany(
            "insert into marts.fct_account_health_daily (account_id, score_date, "
            "weights_version, health_score) values (?, ?, 'v1', ?)",
            [[account, day, score] for (account, day), score in rows.items()],
        )


def night(working: Path, as_of: date, rows: Scores) -> int:
    """Publish `rows` and record them as night `as_of`; what CSMs saw is what was published."""
    publish(working, rows)
    recorded = record_published_health(working, as_of, build_id=f"night-{as_of}")
    shown = {(r[0], r[1]): int(r[3]) for r in published_scores(working, as_of)}
    assert shown == rows
    return recorded


def test_a_night_records_its_new_days_and_restated_old_days_only(working: Path) -> None:
    assert night(working, NIGHTS[0], scores()) == 180
    tomorrow = {**scores(a2_0105=60), ("a1", date(2025, 4, 1)): 40, ("a2", date(2025, 4, 1)): 45}
    assert night(working, NIGHTS[1], tomorrow) == 3
    months = query(
        working,
        f"select score_month, row_count from {MONTHS_TABLE} where published_as_of_date = $d "
        "order by 1",
        {"d": NIGHTS[1]},
    )
    assert months == [("2025-01", 62), ("2025-02", 56), ("2025-03", 62), ("2025-04", 2)]
    # A rerun of the night replaces its rows.
    assert night(working, NIGHTS[1], tomorrow) == 3
    assert query(working, "select count(*) from history.account_health_published") == [(183,)]
    # The night before still shows what it showed.
    assert {(r[0], r[1]): int(r[3]) for r in published_scores(working, NIGHTS[0])} == scores()


def test_an_earlier_night_rerun_after_the_reference_night_is_compared_in_full(
    working: Path,
) -> None:
    """Night 2's month sums no longer describe the latest rows once night 1 was rerun."""
    night(working, NIGHTS[0], scores())
    assert night(working, NIGHTS[1], scores()) == 0
    night(working, NIGHTS[0], scores(a1_0105=20))
    assert night(working, NIGHTS[2], scores()) == 1


def test_a_night_recorded_without_month_sums_in_between_is_compared_in_full(
    working: Path,
) -> None:
    """A night recorded before the sums were kept: its rows are newer than the reference's."""
    night(working, NIGHTS[0], scores())
    assert night(working, NIGHTS[1], scores(a1_0210=20)) == 1
    with duckdb.connect(str(working)) as con:
        con.execute(f"delete from {MONTHS_TABLE} where published_as_of_date = $d", {"d": NIGHTS[1]})
    assert night(working, NIGHTS[2], scores()) == 1
