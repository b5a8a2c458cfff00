"""Shared fixtures: the dbt manifest, and environment isolation for pipeline runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cs_analytics.settings import DBT_EXECUTABLE as DBT
from cs_analytics.settings import PROJECT_DIR


def dbt_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    env.update(extra)
    return env


DBT_SOURCES = ("dbt_project.yml", "models", "macros", "seeds", "snapshots", "tests/dbt")


def _newest_dbt_source() -> float:
    paths = [PROJECT_DIR / name for name in DBT_SOURCES]
    files = [p for path in paths for p in ([path] if path.is_file() else path.rglob("*"))]
    return max(p.stat().st_mtime for p in files if p.is_file())


# Alert channels a developer's shell may configure (README, "Alerts"): the
# test nights must never post to a real Slack channel or mail real CSMs.
ALERT_CHANNEL_VARIABLES = (
    "SLACK_WEBHOOK_URL",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USER",
    "SMTP_PASSWORD",
    "ALERT_EMAIL_FROM",
)


@pytest.fixture(scope="session", autouse=True)
def worker_private_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Under pytest-xdist (`make test` runs two workers), dbt's target and log folders
    and the Dagster instance (as `make setup` makes it) of each worker are its own.

    dbt writes manifest.json, run_results.json and its partial-parse file into the
    target folder, and the Dagster definitions read target/manifest.json: two workers
    sharing it could read a file the other is writing. Each worker starts from the
    project's partial-parse file, so its first dbt call does not parse from scratch.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        yield
        return
    root = tmp_path_factory.mktemp(f"worker_{worker}")
    target, dagster_home = root / "target", root / "dagster_home"
    target.mkdir()
    dagster_home.mkdir()
    partial_parse = PROJECT_DIR / "target" / "partial_parse.msgpack"
    if partial_parse.is_file():
        shutil.copy2(partial_parse, target)
    shutil.copy2(PROJECT_DIR / "orchestration" / "dagster.yaml", dagster_home)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(target))
        patch.setenv("DBT_LOG_PATH", str(root / "logs"))
        patch.setenv("DAGSTER_HOME", str(dagster_home))
        yield


@pytest.fixture(scope="session", autouse=True)
def no_real_alert_channels() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name in ALERT_CHANNEL_VARIABLES:
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(scope="session")
def manifest() -> dict:
    """target/manifest.json, re-parsed when a model, macro, seed or test is newer.

    `make test` parses before pytest starts, so workers never race to re-parse here.
    """
    path = PROJECT_DIR / "target" / "manifest.json"
    if not path.exists() or path.stat().st_mtime < _newest_dbt_source():
        subprocess.run(
            [DBT, "parse", "--quiet", "--target-path", str(path.parent)],
            cwd=PROJECT_DIR,
            env=dbt_env(),
            check=True,
        )
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def clean_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo company (40 accounts, 2024) that the pipeline tests share."""
    from tests.python.pipeline_helpers import generate_landing

    return generate_landing(tmp_path_factory.mktemp("landing"))


@pytest.fixture(scope="session")
def clean_warehouse(
    clean_landing: Path, manifest: dict, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """One successful nightly on `clean_landing`. Tests that run again work on a copy."""
    from tests.python.pipeline_helpers import build_warehouse

    return build_warehouse(clean_landing, tmp_path_factory, "warehouse")


@pytest.fixture
def dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Dagster instance folder of the test's own, for its runs and failure log."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home
