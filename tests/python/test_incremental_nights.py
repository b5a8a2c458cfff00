"""A run of incremental nights publishes exactly what one full build of the same landing does.

Night after night the landing grows by a day (the current month's events file
changes, earlier months stay), in Parquet so the typed raw path is taken, and
each night reads only what is new. On the last night the CRM merges two
accounts with years of usage, so that night also restates the survivor's
whole history. The marts of the last night must equal, row
for row, those of a full build from an empty working database on the final
landing; and a FULL_REFRESH night on the incremental warehouse must too.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.python.pipeline_helpers import (
    SURVIVOR,
    landing_to,
    marts_content_hash,
    merge_account,
    relations_content_hash,
    run_nightly,
    working_db,
)

FIRST_END = date(2024, 12, 29)
NIGHTS = 3


def night(landing: Path, warehouse: Path, end: date, full_refresh: bool = False) -> None:
    with pytest.MonkeyPatch.context() as patch:
        if full_refresh:
            patch.setenv("FULL_REFRESH", "1")
        assert run_nightly(patch, landing, warehouse, end + timedelta(days=1)) == 0


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the incremental warehouse after NIGHTS nights, a full build of the last landing)."""
    root = tmp_path_factory.mktemp("incremental")
    landing = root / "landing"
    incremental = root / "incremental" / "cs.duckdb"
    for number in range(NIGHTS):
        end = FIRST_END + timedelta(days=number)
        landing_to(landing, end)
        if number == NIGHTS - 1:
            merge_account(landing)
        night(landing, incremental, end)
    full = root / "full" / "cs.duckdb"
    night(landing, full, end)
    return incremental, full


def test_incremental_nights_equal_one_full_build(nights: tuple[Path, Path]) -> None:
    incremental, full = nights
    assert marts_content_hash(incremental) == marts_content_hash(full)


def test_incremental_nights_count_parse_failures_as_one_full_build(
    nights: tuple[Path, Path],
) -> None:
    """The audit counts per file and adds up; the nights' sums are the full build's."""
    incremental, full = nights
    audit = ("audit_landing_parse_failures",)
    hashes = [relations_content_hash(working_db(w), "audit", audit) for w in (incremental, full)]
    assert hashes[0] == hashes[1]


def test_a_merge_restates_the_survivors_whole_usage_history(nights: tuple[Path, Path]) -> None:
    """The last night recomputed every day of the survivor, the merged account's events with it."""
    query = (
        "select activity_date, product_id, feature, active_users, event_count "
        "from intermediate.int_usage__core_feature_days where account_id = $account order by all"
    )
    days = []
    for warehouse in nights:
        with duckdb.connect(str(working_db(warehouse)), read_only=True) as con:
            days.append(con.execute(query, {"account": SURVIVOR}).fetchall())
    incremental, full = days
    assert incremental == full
    assert min(row[0] for row in full) < date(2024, 6, 1)


def test_each_account_is_restated_only_on_the_night_its_composition_is_new(
    nights: tuple[Path, Path],
) -> None:
    """The higher-tier signals have no row of an account that never fired; the record does.

    Each account-level model records the compositions it was built from
    (int_health__built_compositions), so such an account is not recomputed
    whole every night: the first night recorded every account, and the last
    one only the survivor of the merge, whose composition changed.
    """
    incremental, _ = nights
    recorded_query = (
        "select recorded.composition_hash in ("
        " select composition_hash from intermediate.int_health__expansion_tier_signals),"
        " recorded.dbt_invocation_id = (select dbt_invocation_id"
        "  from intermediate.int_usage__core_feature_days where account_id = $survivor limit 1)"
        " from intermediate.int_health__account_composition as composition"
        " left join intermediate.int_health__built_compositions as recorded"
        "  on composition.composition_hash = recorded.composition_hash"
        "  and recorded.model_name = 'int_health__expansion_tier_signals'"
        " where composition.account_id = $account"
    )
    with duckdb.connect(str(working_db(incremental)), read_only=True) as con:
        never_fired = con.execute(
            "select count(*) from intermediate.int_health__account_composition"
            " where composition_hash not in ("
            "  select composition_hash from intermediate.int_health__expansion_tier_signals)"
            " and composition_hash not in (select composition_hash"
            "  from intermediate.int_health__built_compositions"
            "  where model_name = 'int_health__expansion_tier_signals')"
        ).fetchone()
        without_rows = con.execute(
            "select account_id from intermediate.int_health__account_composition"
            " where account_id != $survivor and composition_hash not in ("
            "  select composition_hash from intermediate.int_health__expansion_tier_signals)"
            " order by 1 limit 1",
            {"survivor": SURVIVOR},
        ).fetchone()
        assert without_rows is not None, "every account fired: the case is not exercised"
        recorded = {
            account: con.execute(
                recorded_query, {"account": account, "survivor": SURVIVOR}
            ).fetchall()
            for account in (without_rows[0], SURVIVOR)
        }
    assert never_fired == (0,)
    # recorded by an earlier night, though it has no row; the survivor by the merge night
    assert recorded[without_rows[0]] == [(False, False)]
    [(_, survivor_recorded_on_the_merge_night)] = recorded[SURVIVOR]
    assert survivor_recorded_on_the_merge_night


def test_the_last_night_read_only_what_changed(nights: tuple[Path, Path]) -> None:
    incremental, _ = nights
    with duckdb.connect(str(working_db(incremental)), read_only=True) as con:
        actions = dict(
            con.execute("select load_action, count(*) from raw.landing_files group by 1").fetchall()
        )
        read_events = con.execute(
            "select file_path from raw.landing_files "
            "where table_path = 'usage/events' and load_action in ('new', 'changed')"
        ).fetchall()
    # Earlier months' event files are not read again; the current month's is.
    assert actions["unchanged"] >= 12
    assert read_events == [("usage/events/month=2024-12/part-0.parquet",)]


def test_a_full_refresh_night_equals_the_incremental_one(
    nights: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    incremental, full = nights
    landing = incremental.parent.parent / "landing"
    night(landing, incremental, FIRST_END + timedelta(days=NIGHTS - 1), full_refresh=True)
    assert marts_content_hash(incremental) == marts_content_hash(full)
