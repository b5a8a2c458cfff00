"""Access rules: PII never reaches `marts`, secrets only via env_var(), the UI on localhost,
one nightly at a time, a recorded failure, retries only on idempotent steps."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
import yaml
from dagster import AssetKey, DagsterInstance, Definitions, build_run_status_sensor_context, job, op

from cs_analytics.settings import PROJECT_DIR
from tests.python.pipeline_helpers import query, working_db


@pytest.fixture(scope="module")
def defs(manifest: dict) -> Definitions:
    from orchestration.definitions import defs

    return defs


# ---------------------------------------------------------------- PII


def _nodes(manifest: dict) -> dict[str, dict]:
    return {**manifest["nodes"], **manifest["sources"]}


def _ancestors(manifest: dict, unique_id: str) -> set[str]:
    nodes, seen, todo = _nodes(manifest), set(), [unique_id]
    while todo:
        for parent in nodes.get(todo.pop(), {}).get("depends_on", {}).get("nodes", []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def pii_leaks(manifest: dict) -> list[str]:
    """Mart columns tagged pii, or named like a pii-tagged column of one of their ancestors."""
    nodes = _nodes(manifest)
    leaks = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node["fqn"][1] != "marts":
            continue
        pii = {
            name
            for ancestor in _ancestors(manifest, unique_id)
            for name, column in nodes[ancestor].get("columns", {}).items()
            if "pii" in column.get("tags", [])
        }
        for name, column in node["columns"].items():
            if "pii" in column.get("tags", []) or name in pii:
                leaks.append(f"{node['name']}.{name}")
    return leaks


def test_contact_and_email_columns_are_tagged_pii(manifest: dict) -> None:
    tagged = {
        f"{node['name']}.{name}"
        for node in _nodes(manifest).values()
        for name, column in node.get("columns", {}).items()
        if "pii" in column.get("tags", [])
    }
    assert {"stg_crm__contacts.full_name", "stg_crm__contacts.email", "contacts.email"} <= tagged
    assert {"stg_crm__users.email"} <= tagged


def test_no_pii_column_reaches_a_mart(manifest: dict) -> None:
    assert pii_leaks(manifest) == []


def test_the_pii_rule_would_catch_a_leak(manifest: dict) -> None:
    leaky = json.loads(json.dumps(manifest))
    mart = next(n for n in leaky["nodes"].values() if n["name"] == "dim_accounts")
    mart["depends_on"]["nodes"].append("model.cs_analytics.stg_crm__contacts")
    mart["columns"]["email"] = {"name": "email", "tags": []}
    assert pii_leaks(leaky) == ["dim_accounts.email"]


def test_no_contact_name_or_email_appears_in_a_published_mart(clean_warehouse: Path) -> None:
    personal = {
        value
        for (value,) in query(
            working_db(clean_warehouse),
            "select full_name from staging.stg_crm__contacts union "
            "select email from staging.stg_crm__contacts union "
            "select email from staging.stg_crm__users",
        )
        if value
    }
    assert len(personal) > 10
    with duckdb.connect(str(clean_warehouse), read_only=True) as con:
        text_columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and data_type = 'VARCHAR'"
        ).fetchall()
        found = []
        for table, column in text_columns:
            rows = con.execute(f'select distinct "{column}" from marts."{table}"').fetchall()
            values = {v for (v,) in rows}
            found += [f"{table}.{column}" for v in values & personal]
    assert found == []


# ---------------------------------------------------------------- secrets and UI


def test_profiles_read_every_value_through_env_var() -> None:
    profiles = yaml.safe_load((PROJECT_DIR / "profiles.example.yml").read_text())
    literal = []
    for name, output in profiles["cs_analytics"]["outputs"].items():
        for key, value in output.items():
            # Engine options, like `settings`: neither secrets nor paths.
            if key in ("type", "threads", "settings", "config_options", "server_side_parameters"):
                continue
            if "env_var(" not in str(value):
                literal.append(f"{name}.{key}")
    assert literal == []


def test_no_secret_lives_in_configuration_files() -> None:
    pattern = re.compile(r"(password|token|secret|api_key)\s*[:=]\s*(?!['\"]?\{\{)\S+", re.I)
    files = [PROJECT_DIR / "profiles.example.yml", PROJECT_DIR / "orchestration" / "dagster.yaml"]
    assert [f.name for f in files if pattern.search(f.read_text())] == []


def test_the_dagster_ui_listens_on_localhost_only() -> None:
    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert re.search(r"dagster dev --host 127\.0\.0\.1\b", makefile)
    assert "0.0.0.0" not in makefile


# ---------------------------------------------------------------- orchestration


def test_every_gx_suite_is_a_blocking_check_and_publish_waits_for_the_mart_checks(
    defs: Definitions,
) -> None:
    from expectations.suites import ALL_SUITES

    graph = defs.resolve_asset_graph()
    checks = {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys}
    for suite in ALL_SUITES:
        spec = checks[f"gx_{suite.name}"]
        assert spec.blocking, suite.name
    mart_checked = {checks[f"gx_{s.name}"].asset_key for s in ALL_SUITES if s.kind == "mart"}
    assert mart_checked <= graph.get(AssetKey(["published_warehouse"])).parent_keys


def test_the_nightly_is_limited_to_one_run_at_a_time(
    defs: Definitions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.jobs import NIGHTLY_CONCURRENCY_TAG

    key, value = NIGHTLY_CONCURRENCY_TAG
    assert defs.resolve_job_def("nightly").tags[key] == value
    (tmp_path / "dagster.yaml").write_text(
        (PROJECT_DIR / "orchestration" / "dagster.yaml").read_text()
    )
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with DagsterInstance.get() as instance:
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    assert {"key": key, "value": value, "limit": 1} in limits


def test_retries_only_on_idempotent_steps(defs: Definitions) -> None:
    retried = {
        key.to_user_string()
        for assets in defs.assets
        if hasattr(assets, "op") and assets.op.retry_policy is not None
        for key in assets.keys
    }
    assert retried == {"published_warehouse", "nightly_report", "html_report"}


def test_the_failure_sensor_records_a_failed_run(
    defs: Definitions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.sensors import record_nightly_failure

    warehouse = tmp_path / "warehouse" / "cs.duckdb"
    monkeypatch.setenv("WAREHOUSE_PATH", str(warehouse))
    monkeypatch.setenv("AS_OF_DATE", "2025-01-01")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))

    @op
    def broken() -> None:
        raise RuntimeError("landing share unreachable")

    @job
    def nightly() -> None:
        broken()

    with DagsterInstance.ephemeral() as instance:
        result = nightly.execute_in_process(instance=instance, raise_on_error=False)
        context = build_run_status_sensor_context(
            sensor_name="record_nightly_failure",
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            dagster_event=result.get_run_failure_event(),
        ).for_run_failure()
        record_nightly_failure(context)
    rows = query(working_db(warehouse), "select run_id, status, as_of_date from run_metadata.runs")
    assert [(r[0], r[1], str(r[2])) for r in rows] == [(result.run_id, "failed", "2025-01-01")]
    logged = json.loads((tmp_path / "nightly_failures.jsonl").read_text().splitlines()[-1])
    assert logged["run_id"] == result.run_id and "broken" in logged["failure_message"]
