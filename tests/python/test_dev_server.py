"""`make dev` as a user starts it: the Dagster UI's code location loads with the nightly job.

The webserver is asked through its GraphQL API what the UI shows: whether the
code location loaded (or the error it failed with) and the job, schedule,
sensor, assets and checks it lists. A port that answers is not enough: a
location that fails to load still serves an empty UI.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cs_analytics.settings import PROJECT_DIR

WORKSPACE_QUERY = """
{
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message }
          ... on RepositoryLocation {
            repositories {
              jobs { name }
              schedules { name scheduleState { status } }
              sensors { name }
              assetNodes { assetKey { path } hasAssetChecks }
            }
          }
        }
      }
    }
  }
}
"""
LOAD_TIMEOUT_SECONDS = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def path_without_this_environment() -> str:
    """PATH as a user who never activated .venv has it: `dbt` is not on it."""
    environment_bin = str(Path(sys.executable).parent)
    return os.pathsep.join(
        entry for entry in os.environ["PATH"].split(os.pathsep) if entry != environment_bin
    )


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, manifest: dict) -> Iterator[dict]:
    """The one code location `make dev` serves, once it finished loading."""
    port = free_port()
    home = tmp_path_factory.mktemp("dagster_home")
    log = home / "make_dev.log"
    env = {**os.environ, "PATH": path_without_this_environment()}
    with log.open("w") as output:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "dev", f"DEV_PORT={port}", f"DAGSTER_HOME={home}"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + LOAD_TIMEOUT_SECONDS
        while True:
            assert server.poll() is None, f"make dev exited:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no loaded location:\n{log.read_text()[-3000:]}"
            try:
                entries = graphql(port, WORKSPACE_QUERY)["data"]["workspaceOrError"][
                    "locationEntries"
                ]
            except (urllib.error.URLError, ConnectionError, KeyError, TypeError):
                entries = []
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                break
            time.sleep(2)
        assert len(entries) == 1
        yield entries[0]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_code_location_loads_without_dbt_on_path(workspace: dict) -> None:
    location = workspace["locationOrLoadError"]
    assert location["__typename"] == "RepositoryLocation", location.get("message")
    assert workspace["name"] == "orchestration.definitions"


def test_ui_lists_the_nightly_job_schedule_and_failure_sensor(workspace: dict) -> None:
    (repository,) = workspace["locationOrLoadError"]["repositories"]
    assert "nightly" in {job["name"] for job in repository["jobs"]}
    schedules = {s["name"]: s["scheduleState"]["status"] for s in repository["schedules"]}
    assert schedules == {"nightly_schedule": "RUNNING"}
    assert {s["name"] for s in repository["sensors"]} == {"record_nightly_failure"}


def test_ui_shows_the_lineage_from_landing_to_report_with_checks(workspace: dict) -> None:
    (repository,) = workspace["locationOrLoadError"]["repositories"]
    assets = {tuple(node["assetKey"]["path"]): node for node in repository["assetNodes"]}
    for key in (
        ("raw", "billing", "subscription_items"),
        ("marts", "fct_mrr"),
        ("published_warehouse",),
        ("nightly_report",),
    ):
        assert key in assets, key
    assert assets[("raw", "billing", "subscription_items")]["hasAssetChecks"]
    assert assets[("marts", "fct_mrr")]["hasAssetChecks"]
