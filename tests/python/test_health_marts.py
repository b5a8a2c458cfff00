"""The health marts over three nights of a generated company.

Night 1 is the whole nightly job (ingest, dbt build, checks, publish, history).
Night 2 is tomorrow's export plus two usage events received two days ago that
missed yesterday's export: inside the late-arrival window, so the incremental
run must take them in, and its health relations must equal a full refresh's.
Night 3 adds an event received twelve days earlier: beyond the window, so the
incremental run leaves it out, counts it as late, and no past score changes.
Nights 2 and 3 run the same dbt build the job runs (models and the snapshot)
and record history as the publish step does. One build of the company serves
every test of the module; the company is the default demo seed at 60 accounts,
which plants four declining accounts that churn while usage is exported.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cs_analytics.health_history import published_scores, record_published_health
from cs_analytics.landing.loader import ingest_landing
from cs_analytics.settings import PROJECT_DIR
from cs_devtools.demo_data import generate
from tests.python.conftest import DBT, dbt_env
from tests.python.pipeline_helpers import rows_digest

pytestmark = pytest.mark.slow

ACCOUNTS = 60
SEED = 42
START = date(2023, 1, 1)
NIGHTS = (date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3))
WINDOW_DAYS = 3  # var late_arrival_window_days
HEALTH_SELECTION = (
    "+fct_account_health_daily+ +fct_expansion_signals+ +audit_usage_rollup_late_events"
)
# The health models alone: a full refresh of them on a copy whose inputs are built.
HEALTH_MODELS = (
    "int_health__calendar_days+ int_health__account_composition+ "
    "int_usage__user_days+ int_usage__feature_days+"
)
HEALTH_COMPONENTS = (
    "usage",
    "adoption",
    "support",
    "sentiment",
    "engagement",
    "financial",
    "onboarding",
)
HEALTH_RELATIONS = (
    "intermediate.int_usage__user_days",
    "intermediate.int_usage__feature_days",
    "intermediate.int_usage__account_activity_daily",
    *(f"intermediate.int_health__component_{name}_daily" for name in HEALTH_COMPONENTS),
    "intermediate.int_health__components_daily",
    "intermediate.int_health__scores_daily",
    "marts.fct_account_health_daily",
    "marts.rpt_health_backtest",
    "marts.rpt_health_backtest_summary",
    "marts.fct_expansion_signals",
    "marts.rpt_expansion_signal_backtest",
)
EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("account_id", pa.string()),
        ("user_id", pa.string()),
        ("event_name", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("received_at", pa.timestamp("us", tz="UTC")),
    ]
)


@dataclass(frozen=True)
class LateEvent:
    user_id: str
    occurred_at: datetime
    received_at: datetime

    @property
    def known_date(self) -> date:
        return self.received_at.date()


INSIDE_WINDOW = (
    LateEvent(
        "usr_late_inside_1",
        datetime(2024, 12, 29, 10, tzinfo=UTC),
        datetime(2024, 12, 30, 8, tzinfo=UTC),
    ),
    LateEvent(
        "usr_late_inside_2",
        datetime(2024, 12, 30, 9, tzinfo=UTC),
        datetime(2024, 12, 31, 7, tzinfo=UTC),
    ),
)
BEYOND_WINDOW = LateEvent(
    "usr_late_beyond", datetime(2024, 12, 19, 10, tzinfo=UTC), datetime(2024, 12, 20, 9, tzinfo=UTC)
)


@dataclass(frozen=True)
class Nights:
    landing: Path
    working: Path
    after_night_2: Path
    full_refresh_night_2: Path
    late_account_id: str
    history_rows: tuple[int, int, int]


def query(path: Path, sql: str, parameters: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, parameters or {}).fetchall()


def recompute_start(as_of: date, latest_built: date) -> date:
    """macros/health/health_incremental.sql: the first day a night recomputes."""
    return min(latest_built, as_of - timedelta(days=1)) - timedelta(days=WINDOW_DAYS)


def run_nightly_job(landing: Path, warehouse: Path, as_of: date) -> int:
    from orchestration.run import main

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LANDING_DIR", str(landing))
        patch.setenv("WAREHOUSE_PATH", str(warehouse))
        patch.setenv("REPORT_DIR", str(warehouse.parent / "reports"))
        patch.setenv("AS_OF_DATE", as_of.isoformat())
        return main()


def dbt_health_build(working: Path, as_of: date, full_refresh: bool = False) -> None:
    """The nightly `dbt build` of the health models and their parents (models and the
    snapshot; tests ran on night 1), or a `--full-refresh` of the health models alone."""
    command = [
        DBT,
        "build",
        "--quiet",
        "--vars",
        json.dumps({"as_of_date": as_of.isoformat()}),
        "--select",
        HEALTH_MODELS if full_refresh else HEALTH_SELECTION,
        "--resource-type",
        "model",
        "--resource-type",
        "snapshot",
    ]
    if full_refresh:
        command.append("--full-refresh")
    subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=dbt_env(DBT_DUCKDB_PATH=str(working)),
        check=True,
    )


def add_late_events(landing: Path, account_id: str, events: tuple[LateEvent, ...]) -> None:
    """Events that reach the export after the night their receipt day was built."""
    folder = landing / "usage" / "events" / "month=2024-12"
    table = pa.table(
        {
            "event_id": [f"ev_late_{e.user_id}" for e in events],
            "account_id": [account_id] * len(events),
            "user_id": [e.user_id for e in events],
            "event_name": ["cms.page_edited"] * len(events),
            "occurred_at": [e.occurred_at for e in events],
            "received_at": [e.received_at for e in events],
        },
        schema=EVENT_SCHEMA,
    )
    pq.write_table(table, folder / "part-late.parquet")


def night(
    working: Path, landing: Path, as_of: date, late: tuple[LateEvent, ...], account: str
) -> int:
    """Tomorrow's export plus late events, ingested and built like a night; history recorded."""
    generate(landing, accounts=ACCOUNTS, start=START, end=as_of - timedelta(days=1), seed=SEED)
    add_late_events(landing, account, late)
    ingest_landing(working, landing, run_id=f"night-{as_of}", started_at=datetime.now(UTC))
    dbt_health_build(working, as_of)
    return record_published_health(working, as_of, build_id=f"night-{as_of}")


@pytest.fixture(scope="module")
def nights(manifest: dict, tmp_path_factory: pytest.TempPathFactory) -> Nights:
    root = tmp_path_factory.mktemp("health")
    landing = root / "landing"
    warehouse = root / "warehouse" / "cs.duckdb"
    working = warehouse.with_name("cs.work.duckdb")

    generate(landing, accounts=ACCOUNTS, start=START, end=NIGHTS[0] - timedelta(days=1), seed=SEED)
    assert run_nightly_job(landing, warehouse, NIGHTS[0]) == 0
    first = query(
        working,
        "select count(*) from history.account_health_published where published_as_of_date = $d",
        {"d": NIGHTS[0]},
    )[0][0]
    # A paying account with usage on the last day gets the late events.
    late_account = query(
        working,
        "select account_id from marts.fct_account_health_daily "
        "where score_date = $d and usage_score is not null and account_id like 'acc_%' "
        "order by account_id limit 1",
        {"d": NIGHTS[0] - timedelta(days=1)},
    )[0][0]

    second = night(working, landing, NIGHTS[1], INSIDE_WINDOW, late_account)
    # Copies keep the file name: DuckDB names the catalog after it, and views refer to it.
    after_night_2 = root / "after_night_2" / working.name
    full_refresh = root / "full_refresh_night_2" / working.name
    for copy in (after_night_2, full_refresh):
        copy.parent.mkdir()
        shutil.copyfile(working, copy)
    dbt_health_build(full_refresh, NIGHTS[1], full_refresh=True)

    third = night(working, landing, NIGHTS[2], (*INSIDE_WINDOW, BEYOND_WINDOW), late_account)
    return Nights(
        landing, working, after_night_2, full_refresh, late_account, (first, second, third)
    )


# ---------------------------------------------------------------- incremental == full refresh


def test_incremental_night_equals_a_full_refresh(nights: Nights) -> None:
    digests = {
        relation: (
            rows_digest(nights.after_night_2, relation),
            rows_digest(nights.full_refresh_night_2, relation),
        )
        for relation in HEALTH_RELATIONS
    }
    different = {relation: pair for relation, pair in digests.items() if pair[0] != pair[1]}
    assert different == {}
    assert rows_digest(nights.after_night_2, "marts.fct_account_health_daily")[0] > 10_000


def test_late_events_inside_the_window_reach_the_rollup(nights: Nights) -> None:
    for event in INSIDE_WINDOW:
        rows = query(
            nights.after_night_2,
            "select known_date, event_count from intermediate.int_usage__user_days "
            "where user_id = $user",
            {"user": event.user_id},
        )
        assert rows == [(event.known_date, 1)]
    assert query(
        nights.after_night_2, "select count(*) from audit.audit_usage_rollup_late_events"
    ) == [(0,)]


def test_an_event_beyond_the_window_is_counted_late_and_scores_nothing(nights: Nights) -> None:
    late = query(
        nights.working,
        "select known_date, events_attributed - events_in_user_rollup, late_events "
        "from audit.audit_usage_rollup_late_events",
    )
    assert late == [(BEYOND_WINDOW.known_date, 1, 1)]
    assert query(
        nights.working,
        "select count(*) from intermediate.int_usage__user_days where user_id = $user",
        {"user": BEYOND_WINDOW.user_id},
    ) == [(0,)]
    # The full refresh of a later night would take it in: it is attributed.
    assert query(
        nights.working,
        "select count(*) from intermediate.int_accounts__usage_events_attributed"
        " where user_id = $user",
        {"user": BEYOND_WINDOW.user_id},
    ) == [(1,)]


def test_each_night_recomputes_only_its_window(nights: Nights) -> None:
    """Days before a night's recompute start keep the scores published before."""
    for as_of, previous in ((NIGHTS[1], NIGHTS[0]), (NIGHTS[2], NIGHTS[1])):
        start = recompute_start(as_of, previous - timedelta(days=1))
        earliest = query(
            nights.working,
            "select min(score_date) from history.account_health_published "
            "where published_as_of_date = $d",
            {"d": as_of},
        )[0][0]
        assert earliest >= start, (as_of, earliest, start)


# ---------------------------------------------------------------- history of what was published


def test_history_records_each_night_changes_only(nights: Nights) -> None:
    first, second, third = nights.history_rows
    mart_rows_night_1 = query(
        nights.after_night_2,
        "select count(*) from history.account_health_published where published_as_of_date = $d",
        {"d": NIGHTS[0]},
    )[0][0]
    assert first == mart_rows_night_1 > 10_000
    paying_on_new_day = query(
        nights.working,
        "select count(*) from marts.fct_account_health_daily where score_date = $d",
        {"d": NIGHTS[2] - timedelta(days=1)},
    )[0][0]
    assert paying_on_new_day <= third < 10 * paying_on_new_day
    assert 0 < second < first


def test_history_reproduces_what_each_night_showed(nights: Nights) -> None:
    shown = published_scores(nights.working, NIGHTS[1])
    with duckdb.connect(str(nights.after_night_2), read_only=True) as con:
        mart = con.execute(
            "select account_id, score_date, weights_version, health_score, health_band, coverage, "
            "usage_score, adoption_score, support_score, sentiment_score, engagement_score, "
            "financial_score, onboarding_score, primary_risk_driver, score_change_30d "
            "from marts.fct_account_health_daily order by account_id, score_date"
        ).fetchall()
    assert shown == mart


def test_a_rerun_of_a_night_replaces_its_history(nights: Nights, tmp_path: Path) -> None:
    copy = tmp_path / nights.working.name
    shutil.copyfile(nights.working, copy)
    before = query(copy, "select count(*) from history.account_health_published")
    recorded = record_published_health(copy, NIGHTS[2], build_id="rerun")
    assert recorded == nights.history_rows[2]
    assert query(copy, "select count(*) from history.account_health_published") == before


# ---------------------------------------------------------------- against the planted truth


def test_declining_accounts_score_lower_in_the_60_days_before_churn(nights: Nights) -> None:
    truth = nights.landing / "_truth" / "accounts.parquet"
    usage_from = START + timedelta(days=75)
    declining = query(
        nights.working,
        f"""
        select truth.account_id, avg(health.health_score)
        from read_parquet('{truth}') as truth
        inner join marts.fct_account_health_daily as health using (account_id)
        where
            truth.trajectory = 'declining'
            and truth.churned_on >= $usage_from
            and health.score_date between truth.churned_on - 60 and truth.churned_on - 1
            and health.health_band <> 'insufficient_data'
        group by truth.account_id
        """,
        {"usage_from": usage_from},
    )
    healthy = query(
        nights.working,
        f"""
        select truth.account_id, avg(health.health_score)
        from read_parquet('{truth}') as truth
        inner join marts.fct_account_health_daily as health using (account_id)
        where
            truth.trajectory = 'healthy'
            and truth.churned_on is null
            and health.score_date >= $usage_from
            and health.health_band <> 'insufficient_data'
        group by truth.account_id
        """,
        {"usage_from": usage_from},
    )
    assert len(declining) >= 4 and len(healthy) >= 15
    declining_means = sorted(float(score) for _, score in declining)
    healthy_means = sorted(float(score) for _, score in healthy)
    healthy_median = healthy_means[len(healthy_means) // 2]
    assert sum(declining_means) / len(declining_means) < sum(healthy_means) / len(healthy_means) - 5
    below = [score for score in declining_means if score < healthy_median]
    assert len(below) >= 2 * len(declining_means) / 3, (declining_means, healthy_median)


def test_weights_version_is_the_seeds_current_one(nights: Nights) -> None:
    assert query(
        nights.working, "select distinct weights_version from marts.fct_account_health_daily"
    ) == query(nights.working, "select weights_version from marts.dim_build")
    assert query(nights.working, "select max(weights_version) from reference.health_weights") == [
        ("v1",)
    ]


def test_backtest_covers_every_slice_and_reports_an_auc(nights: Nights) -> None:
    summary = query(
        nights.working,
        "select slice_dimension, count(*), sum(account_months), max(auc) "
        "from marts.rpt_health_backtest_summary group by slice_dimension order by 1",
    )
    dimensions = {row[0]: row for row in summary}
    assert set(dimensions) == {"all", "segment", "touch_model"}
    total = dimensions["all"][2]
    assert dimensions["segment"][2] == total == dimensions["touch_model"][2]
    assert dimensions["all"][3] is not None


# ---------------------------------------------------------------- attributes as they were


def dbt_run_snapshot_and_spine(working: Path, as_of: date) -> None:
    """The snapshot with the account models it reads, then the health spine."""
    for command in (
        [
            "build",
            "--select",
            "+snap_crm_account_attributes",
            "--resource-type",
            "model",
            "--resource-type",
            "snapshot",
        ],
        [
            "run",
            "--select",
            "int_health__calendar_days int_health__account_product_days int_health__account_days",
        ],
    ):
        subprocess.run(
            [DBT, *command, "--quiet", "--vars", json.dumps({"as_of_date": as_of.isoformat()})],
            cwd=PROJECT_DIR,
            env=dbt_env(DBT_DUCKDB_PATH=str(working)),
            check=True,
        )


def test_the_snapshot_keeps_the_owner_each_day_had(nights: Nights, tmp_path: Path) -> None:
    """A CSM change seen on night 4 applies from the day that night scores first; a rerun
    of an earlier night records nothing and changes no past attribute."""
    working = tmp_path / "night_4" / nights.working.name
    working.parent.mkdir()
    shutil.copyfile(nights.working, working)
    landing = tmp_path / "landing"
    shutil.copytree(nights.landing, landing)
    accounts = (landing / "crm" / "accounts.csv").read_text().splitlines()
    account, owner = query(
        working,
        "select account_id, csm_owner_id from marts.dim_accounts "
        "where is_active and csm_owner_id like 'emp_%' order by account_id limit 1",
    )[0]
    changed = [
        line.replace(f'"{owner}"', '"emp_new_owner"') if line.startswith(f'"{account}"') else line
        for line in accounts
    ]
    assert changed != accounts
    (landing / "crm" / "accounts.csv").write_text("\n".join(changed) + "\n")
    night_4 = NIGHTS[2] + timedelta(days=1)
    ingest_landing(working, landing, run_id="night-4", started_at=datetime.now(UTC))
    dbt_run_snapshot_and_spine(working, night_4)

    versions = query(
        working,
        "select csm_owner_id, dbt_valid_from, dbt_valid_to "
        "from snapshots.snap_crm_account_attributes "
        "where account_id = $account order by dbt_valid_from",
        {"account": account},
    )
    first_night = datetime.combine(NIGHTS[0], datetime.min.time())
    fourth_night = datetime.combine(night_4, datetime.min.time())
    assert versions == [(owner, first_night, fourth_night), ("emp_new_owner", fourth_night, None)]
    owners = dict(
        query(
            working,
            "select score_date, csm_owner_id from intermediate.int_health__account_days "
            "where account_id = $account and score_date >= $from",
            {"account": account, "from": NIGHTS[2] - timedelta(days=2)},
        )
    )
    # Night 4 scores 3 January first: its end is the instant night 4 took the snapshot.
    assert owners[NIGHTS[2] - timedelta(days=1)] == owner
    assert owners[NIGHTS[2]] == "emp_new_owner"

    before = query(working, "select count(*) from snapshots.snap_crm_account_attributes")
    dbt_run_snapshot_and_spine(working, NIGHTS[1])
    assert query(working, "select count(*) from snapshots.snap_crm_account_attributes") == before
    assert query(
        working,
        "select csm_owner_id from intermediate.int_health__account_days "
        "where account_id = $account and score_date = $day",
        {"account": account, "day": NIGHTS[1] - timedelta(days=1)},
    ) == [(owner,)]


def test_a_new_weights_version_never_rewrites_what_was_shown(tmp_path: Path) -> None:
    """History on its own: night 2 restates every day under v2; night 1's scores stay."""
    working = tmp_path / "cs.work.duckdb"
    columns = ", ".join(
        [
            "account_id varchar",
            "score_date date",
            "weights_version varchar",
            "health_score decimal(9, 6)",
            "health_band varchar",
            "coverage decimal(9, 6)",
            *(
                f"{c}_score decimal(9, 6)"
                for c in ("usage", "adoption", "support", "sentiment", "engagement")
            ),
            "financial_score decimal(9, 6)",
            "onboarding_score decimal(9, 6)",
            "primary_risk_driver varchar",
            "score_change_30d decimal(9, 6)",
        ]
    )

    def publish(rows: list[tuple]) -> None:
        with duckdb.connect(str(working)) as con:
            con.execute("create schema if not exists marts")
            con.execute(f"create or replace table marts.fct_account_health_daily ({columns})")
            con.executemany(
                "insert into marts.fct_account_health_daily (account_id, score_date, "
                "weights_version, health_score, health_band, coverage) values (?, ?, ?, ?, ?, ?)",
                rows,
            )

    day_1, day_2 = date(2025, 1, 1), date(2025, 1, 2)
    publish([("a1", day_1, "v1", 80, "green", 1)])
    assert record_published_health(working, day_2, "night-1") == 1
    publish([("a1", day_1, "v2", 35, "red", 1), ("a1", day_2, "v2", 30, "red", 1)])
    assert record_published_health(working, day_2 + timedelta(days=1), "night-2") == 2
    shown_1 = published_scores(working, day_2)
    shown_2 = published_scores(working, day_2 + timedelta(days=1))
    assert [(r[0], r[1], r[2], r[4]) for r in shown_1] == [("a1", day_1, "v1", "green")]
    assert [(r[0], r[1], r[2], r[4]) for r in shown_2] == [
        ("a1", day_1, "v2", "red"),
        ("a1", day_2, "v2", "red"),
    ]
    # Publishing the same scores again records nothing new.
    assert record_published_health(working, day_2 + timedelta(days=2), "night-3") == 0
