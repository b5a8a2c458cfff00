"""The Dagster code location: it loads, the nightly is scheduled, and the checks block."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dagster import (
    AssetCheckEvaluation,
    AssetCheckSeverity,
    AssetKey,
    DagsterEvent,
    DagsterEventType,
    DefaultScheduleStatus,
    Definitions,
)

WARN, ERROR = AssetCheckSeverity.WARN, AssetCheckSeverity.ERROR


@pytest.fixture(scope="module")
def defs(manifest: dict) -> Definitions:
    from orchestration.definitions import defs

    return defs


def test_definitions_load(defs: Definitions) -> None:
    Definitions.validate_loadable(defs)


def test_nightly_schedule_runs_at_two_in_the_reporting_timezone(
    defs: Definitions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTING_TIMEZONE", "Asia/Tokyo")
    from orchestration.jobs import nightly_schedule

    schedule = nightly_schedule()
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Tokyo"
    assert schedule.default_status == DefaultScheduleStatus.RUNNING
    assert schedule.job_name == "nightly"
    assert defs.resolve_schedule_def("nightly_schedule").job_name == "nightly"


def test_nightly_job_covers_landing_dbt_publish_and_report(defs: Definitions) -> None:
    job = defs.resolve_job_def("nightly")
    keys = set(job.asset_layer.executable_asset_keys)
    assert AssetKey(["raw", "billing", "subscription_items"]) in keys
    assert AssetKey(["staging", "stg_billing__subscription_items"]) in keys
    assert AssetKey(["marts", "dim_build"]) in keys
    assert AssetKey(["published_warehouse"]) in keys
    assert AssetKey(["nightly_report"]) in keys
    assert AssetKey(["html_report"]) in keys
    assert AssetKey(["cs_alert_delivery"]) in keys


def test_dbt_sources_are_the_landing_assets(defs: Definitions) -> None:
    graph = defs.resolve_asset_graph()
    staging = graph.get(AssetKey(["staging", "stg_billing__subscription_items"]))
    assert AssetKey(["raw", "billing", "subscription_items"]) in staging.parent_keys


def test_gx_check_on_raw_subscription_items_is_blocking(defs: Definitions) -> None:
    graph = defs.resolve_asset_graph()
    checks = {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys}
    gx = checks["gx_raw_billing__subscription_items"]
    assert gx.asset_key == AssetKey(["raw", "billing", "subscription_items"])
    assert gx.blocking


def test_dbt_tests_become_asset_checks(defs: Definitions) -> None:
    graph = defs.resolve_asset_graph()
    names = {key.name for key in graph.asset_check_keys}
    assert any(name.startswith("unique_") for name in names)


def test_publish_waits_for_every_mart(defs: Definitions) -> None:
    graph = defs.resolve_asset_graph()
    parents = graph.get(AssetKey(["published_warehouse"])).parent_keys
    assert {AssetKey(["marts", "dim_build"]), AssetKey(["marts", "dim_csms"])} <= parents


def test_the_spark_night_leaves_out_only_the_readers_of_the_duckdb_file(
    defs: Definitions,
) -> None:
    from orchestration.jobs import DUCKDB_WAREHOUSE_READERS, nightly_selection

    graph = defs.resolve_asset_graph()
    everything = nightly_selection("duckdb").resolve(graph)
    on_spark = nightly_selection("spark").resolve(graph)
    assert everything - on_spark == {AssetKey([name]) for name in DUCKDB_WAREHOUSE_READERS}
    assert AssetKey(["published_warehouse"]) in on_spark


def test_the_engine_is_duckdb_or_spark() -> None:
    from cs_analytics.settings import dbt_target, load_settings

    assert dbt_target({}) == "duckdb"
    assert load_settings({"DBT_TARGET": "spark"}).on_spark
    with pytest.raises(ValueError, match="DBT_TARGET='postgres' is not one of duckdb, spark"):
        dbt_target({"DBT_TARGET": "postgres"})


def test_a_night_keeps_the_target_folders_of_the_latest_nights_only(
    manifest: dict, tmp_path: Path
) -> None:
    from orchestration.assets.dbt import forget_old_night_targets, night_target_path

    environ = {"DBT_TARGET_PATH": str(tmp_path)}
    nights = [night_target_path(f"run{night:04d}", environ) for night in range(10)]
    for age, folder in enumerate(reversed(nights)):
        (folder / "compiled").mkdir(parents=True)
        os.utime(folder, (1_000_000 - age, 1_000_000 - age))
    other_output = tmp_path / "partial_parse.msgpack"
    other_output.write_bytes(b"kept")

    removed = forget_old_night_targets(nights[-1], kept=3)

    assert sorted(removed) == sorted(nights[:7])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [other_output.name] + [folder.name for folder in nights[7:]]
    )


def _check_evaluation(name: str, passed: bool, severity: AssetCheckSeverity) -> DagsterEvent:
    evaluation = AssetCheckEvaluation(
        asset_key=AssetKey(["stg_billing__customers"]),
        check_name=name,
        passed=passed,
        severity=severity,
        description=f"{name} found rows",
    )
    return DagsterEvent(
        event_type_value=DagsterEventType.ASSET_CHECK_EVALUATION.value,
        job_name="nightly",
        event_specific_data=evaluation,
    )


def test_a_failed_night_names_its_blocking_checks_not_its_warnings() -> None:
    from orchestration.run import failure_messages

    events = [
        _check_evaluation("not_null_stg_billing__customers_account_id", False, WARN),
        _check_evaluation("gx_raw_billing__invoice_lines", False, ERROR),
        _check_evaluation("unique_stg_billing__customers_customer_id", True, ERROR),
    ]

    assert failure_messages(events) == [
        "check gx_raw_billing__invoice_lines failed: gx_raw_billing__invoice_lines found rows"
    ]
