"""The data tests of an incremental model read what the night wrote, not the whole history.

macros/tests/get_where_subquery.sql: in the `dbt build` that appended rows to
int_usage__user_days, its key test reads the rows written by that invocation and
the kept rows sharing their keys; a `dbt test` on its own reads every row.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from cs_analytics.settings import PROJECT_DIR
from tests.python.conftest import DBT, dbt_env
from tests.python.pipeline_helpers import AS_OF, working_db

MODEL = "int_usage__user_days"
RELATION = f"intermediate.{MODEL}"
KEY = ("source_account_id", "user_id", "activity_date", "known_date")
KEY_TEST_PREFIX = f"unique_combination_of_columns_{MODEL}_"
EARLIER_NIGHT = "an earlier night"


def dbt(database: Path, target: Path, *args: str, select: tuple[str, ...] = (MODEL,)) -> dict:
    """Run dbt on `database`; its run_results.json (a failing test is the caller's to see)."""
    done = subprocess.run(
        [
            DBT,
            *args,
            "--vars",
            json.dumps({"as_of_date": AS_OF.isoformat()}),
            "--target-path",
            str(target),
            "--select",
            *select,
        ],
        cwd=PROJECT_DIR,
        env=dbt_env(DBT_DUCKDB_PATH=str(database)),
        check=False,
        capture_output=True,
        text=True,
    )
    results = target / "run_results.json"
    assert results.is_file(), f"dbt {args[0]} did not run: {done.stdout[-2000:]}"
    return json.loads(results.read_text())


def key_test(run: dict, prefix: str = KEY_TEST_PREFIX) -> dict:
    (result,) = [r for r in run["results"] if r["unique_id"].split(".")[2].startswith(prefix)]
    return result


@pytest.fixture(scope="module")
def night(clean_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A copy of the demo's working database after one more incremental build of the model."""
    database = tmp_path_factory.mktemp("night_scope") / "cs.work.duckdb"
    shutil.copy2(working_db(clean_warehouse), database)
    run = dbt(database, database.parent / "build", "build")
    return database, run


def test_the_nights_tests_read_only_the_rows_it_wrote(night: tuple[Path, dict]) -> None:
    database, run = night
    assert {r["status"] for r in run["results"]} <= {"success", "pass"}
    invocation = run["metadata"]["invocation_id"]
    with duckdb.connect(str(database), read_only=True) as con:
        tonight, total = con.execute(
            f"select count(*) filter (where dbt_invocation_id = $id), count(*) from {RELATION}",
            {"id": invocation},
        ).fetchone()
    assert 0 < tonight < total / 4, "an incremental build rewrites its recompute window only"
    compiled = key_test(run)["compiled_code"]
    assert f"dbt_invocation_id = '{invocation}'" in compiled
    # The key's dates bound the kept rows read to tonight's range of them.
    assert "tested.activity_date between cast(" in compiled
    assert "tested.known_date between cast(" in compiled


def test_a_new_row_repeating_a_kept_one_fails_and_dbt_test_alone_reads_everything(
    night: tuple[Path, dict], tmp_path: Path
) -> None:
    database, run = night
    invocation = run["metadata"]["invocation_id"]
    planted = tmp_path / database.name  # the compiled test names its catalog by the file
    shutil.copy2(database, planted)
    key = ", ".join(KEY)
    with duckdb.connect(str(planted)) as con:
        # A kept row with the key of a row written tonight; a kept copy of a kept row.
        for written in ("dbt_invocation_id = $id", "dbt_invocation_id <> $id"):
            con.execute(
                f"insert into {RELATION} by name "
                f"select * replace ('{EARLIER_NIGHT}' as dbt_invocation_id) "
                f"from {RELATION} where {written} order by {key} limit 1",
                {"id": invocation},
            )
        failing = con.execute(key_test(run)["compiled_code"]).fetchall()
    assert len(failing) == 1, "the night's test sees the repeated key of tonight's row only"

    alone = dbt(planted, tmp_path / "test", "test")
    assert key_test(alone)["status"] == "fail" and key_test(alone)["failures"] == 2


ATTRIBUTED_EVENTS = "int_accounts__usage_events_attributed"


def test_the_attributed_events_view_is_tested_on_the_events_staged_tonight(
    clean_warehouse: Path, tmp_path: Path
) -> None:
    """The view opts in (config meta night_scoped_tests) and carries the staged rows' stamp."""
    database = tmp_path / "cs.work.duckdb"
    shutil.copy2(working_db(clean_warehouse), database)
    with duckdb.connect(str(database)) as con:
        # One event lands after the last build: a copy of an attributed one, under a new id.
        con.execute(
            "insert into raw.usage__events by name "
            "select * replace ('night-scope-e1' as event_id, "
            "(select max(_loaded_at) from raw.usage__events) + interval 1 second as _loaded_at) "
            "from raw.usage__events where event_id = "
            f"(select event_id from intermediate.{ATTRIBUTED_EVENTS} order by event_id limit 1)"
        )
    selected = ("stg_usage__events", ATTRIBUTED_EVENTS)
    run = dbt(database, tmp_path / "build", "build", select=selected)
    assert {r["status"] for r in run["results"]} <= {"success", "pass"}
    invocation = run["metadata"]["invocation_id"]
    with duckdb.connect(str(database), read_only=True) as con:
        tonight = con.execute(
            f"select event_id from intermediate.{ATTRIBUTED_EVENTS} where dbt_invocation_id = $id",
            {"id": invocation},
        ).fetchall()
    assert tonight == [("night-scope-e1",)]
    for column, test in (("event_id", "unique"), ("account_id", "not_null")):
        compiled = key_test(run, f"{test}_{ATTRIBUTED_EVENTS}_{column}")["compiled_code"]
        # tonight's rows only: the staged events' own unique test compares them with kept ones
        assert f"tested.dbt_invocation_id = '{invocation}'" in compiled
        assert "as tonight" not in compiled

    # The staged events' test reads the kept rows with tonight's ids, by the id itself.
    staged_test = key_test(run, "unique_stg_usage__events_event_id")["compiled_code"]
    assert "tested.event_id in (" in staged_test
    with duckdb.connect(str(database)) as con:
        con.execute(
            "insert into staging.stg_usage__events by name "
            f"select * replace ('{EARLIER_NIGHT}' as dbt_invocation_id) "
            "from staging.stg_usage__events where event_id = 'night-scope-e1'"
        )
        failing = con.execute(staged_test).fetchall()
    assert [row[0] for row in failing] == ["night-scope-e1"]
