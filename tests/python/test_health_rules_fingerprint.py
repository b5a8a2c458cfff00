"""Changing a health rule rebuilds the health history without anyone bumping a version.

The incremental health models keep the days before each night's recompute
window; their build fingerprint (macros/health/health_incremental.sql) is
derived from the code, macros, seeds and vars that decide a row, so a changed
rule must rebuild them. Two checks, each on a copy of the project:

- a night of the small demo company, then one constant of seeds/health_rules.csv
  changed and the next night run incrementally, as the nightly job runs dbt:
  the health relations equal a full refresh's, and days long before the
  recompute window show the new rule;
- compile-level: editing a component model's SQL, or a macro only one
  component calls, changes the fingerprint of that component and of the
  incremental models downstream of it, and of nothing else.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cs_analytics.landing.loader import ingest_landing
from cs_analytics.settings import PROJECT_DIR
from tests.python.conftest import DBT, DBT_SOURCES, dbt_env
from tests.python.pipeline_helpers import AS_OF, generate_landing, rows_digest

NIGHTS = (AS_OF, date(2025, 1, 2))
# A window: it changes active users, so usage, adoption, their expansion signals and the score.
RULE = ("usage", "active_window_days", "30", "14")
NIGHTLY_SELECTION = "+fct_account_health_daily +fct_expansion_signals"
COMPONENTS = ("usage", "adoption", "support", "sentiment", "engagement", "financial", "onboarding")
INCREMENTAL_MODELS = (
    "int_usage__user_days",
    "int_usage__feature_days",
    "int_usage__account_activity_daily",
    *(f"int_health__component_{name}_daily" for name in COMPONENTS),
    "int_health__components_daily",
)
RELATIONS = (
    *(f"intermediate.{model}" for model in INCREMENTAL_MODELS),
    "intermediate.int_health__scores_daily",
    "marts.fct_account_health_daily",
    "marts.fct_expansion_signals",
)


def copy_project(target: Path) -> Path:
    """The dbt project's own files (models, macros, seeds, ...) in a new folder."""
    for name in DBT_SOURCES:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / name)
    return target


def dbt(project: Path, database: Path, *args: str, as_of: date = NIGHTS[0]) -> None:
    """dbt in the copied project, its target folder inside it (not the worker's DBT_TARGET_PATH)."""
    subprocess.run(
        [DBT, *args, "--quiet", "--vars", json.dumps({"as_of_date": as_of.isoformat()})],
        cwd=project,
        env=dbt_env(DBT_DUCKDB_PATH=str(database), DBT_TARGET_PATH=str(project / "target")),
        check=True,
    )


def nightly_build(project: Path, database: Path, as_of: date) -> None:
    """What the nightly job builds for the health marts: seeds, the snapshot, the models."""
    dbt(
        project,
        database,
        "build",
        "--select",
        NIGHTLY_SELECTION,
        *("--resource-type", "seed", "--resource-type", "snapshot", "--resource-type", "model"),
        as_of=as_of,
    )


def edit_rule(project: Path, component: str, parameter: str, old: str, new: str) -> None:
    path = project / "seeds" / "health_rules.csv"
    lines = path.read_text().splitlines()
    prefix = f"{component},{parameter},"
    edited = [
        prefix + new + line.removeprefix(prefix + old)
        if line.startswith(prefix + old + ",")
        else line
        for line in lines
    ]
    assert edited != lines, f"{component}.{parameter} = {old} not found"
    path.write_text("\n".join(edited) + "\n")


@pytest.mark.slow
def test_a_changed_rule_rebuilds_the_history_like_a_full_refresh(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    landing = generate_landing(tmp_path / "landing")
    working = tmp_path / "night" / "cs.work.duckdb"
    ingest_landing(working, landing, run_id="night-1", started_at=datetime.now(UTC))
    nightly_build(project, working, NIGHTS[0])
    # Long before night 2's recompute window (a few days before its as-of date).
    old_days = "score_date < date '2024-10-01'"
    before = rows_digest(working, "intermediate.int_health__components_daily", old_days)

    edit_rule(project, *RULE)
    nightly_build(project, working, NIGHTS[1])

    full_refresh = tmp_path / "full_refresh" / working.name
    full_refresh.parent.mkdir()
    shutil.copyfile(working, full_refresh)
    dbt(
        project,
        full_refresh,
        "run",
        "--select",
        NIGHTLY_SELECTION,
        "--full-refresh",
        as_of=NIGHTS[1],
    )

    digests = {
        relation: (rows_digest(working, relation), rows_digest(full_refresh, relation))
        for relation in RELATIONS
    }
    different = {relation: pair for relation, pair in digests.items() if pair[0] != pair[1]}
    assert different == {}
    after = rows_digest(working, "intermediate.int_health__components_daily", old_days)
    assert after[0] == before[0] > 1_000
    assert after[1] != before[1], "the old days kept the old rule"


FINGERPRINT = re.compile(r"cast\('([0-9a-f]{32})' as \w+\) as build_fingerprint")


def compiled_fingerprints(project: Path, database: Path) -> dict[str, str]:
    """Each incremental health model's fingerprint, as `dbt compile` renders it."""
    dbt(project, database, "compile", "--select", " ".join(INCREMENTAL_MODELS))
    compiled = project / "target" / "compiled" / "cs_analytics" / "models"
    fingerprints = {}
    for model in INCREMENTAL_MODELS:
        (path,) = compiled.rglob(f"{model}.sql")
        (fingerprints[model],) = set(FINGERPRINT.findall(path.read_text()))
    return fingerprints


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {model for model in before if before[model] != after[model]}


def test_editing_a_component_model_or_its_macro_changes_the_fingerprints_downstream(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "project")
    # An empty database: compile only reads the graph (seeds not loaded yet count as empty).
    database = tmp_path / "compile.duckdb"
    original = compiled_fingerprints(project, database)
    assert len(set(original.values())) == len(original)

    support = (
        project / "models" / "intermediate" / "health" / "int_health__component_support_daily.sql"
    )
    text = support.read_text()
    assert "priority = 'urgent'" in text
    support.write_text(text.replace("priority = 'urgent'", "priority in ('urgent', 'critical')"))
    after_model_edit = compiled_fingerprints(project, database)
    assert changed(original, after_model_edit) == {
        "int_health__component_support_daily",
        "int_health__components_daily",
    }

    # latest_on_or_before (the last CSM touch) is called by the engagement component only.
    windows = project / "macros" / "health" / "health_windows.sql"
    text = windows.read_text()
    assert "order by point_date, is_spine" in text
    windows.write_text(
        text.replace("order by point_date, is_spine", "order by point_date, is_spine desc")
    )
    after_macro_edit = compiled_fingerprints(project, database)
    assert changed(after_model_edit, after_macro_edit) == {
        "int_health__component_engagement_daily",
        "int_health__components_daily",
    }
