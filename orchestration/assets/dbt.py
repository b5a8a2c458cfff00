"""The dbt project as Dagster assets: `dbt build` streams models, seeds and tests (as checks)."""

import os
from collections.abc import Iterator, Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.asset_keys import raw_asset_key
from orchestration.project import dbt_project
from orchestration.resources import PipelineSettings


class CsDbtTranslator(DagsterDbtTranslator):
    """dbt sources are the landing assets; models are grouped by layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return raw_asset_key(dbt_resource_props["source_name"], dbt_resource_props["name"])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)


translator = CsDbtTranslator()


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator, name="dbt")
def dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, settings: PipelineSettings
) -> Iterator[Any]:
    """Seeds, models and their tests; a failing error-severity test stops the run."""
    run = settings.resolve()
    # profiles.yml reads the working database path through env_var().
    os.environ.update(run.dbt_env())
    report_stale_sources(context, dbt, run.dbt_vars_json())
    # Unit tests check the code, not the night's data, and pin their own vars:
    # CI runs them (tests/python/test_dbt_unit_tests.py), the nightly does not.
    build = ["build", "--vars", run.dbt_vars_json(), "--exclude-resource-type", "unit_test"]
    yield from dbt.cli(build, context=context).stream()


def report_stale_sources(
    context: AssetExecutionContext, dbt: DbtCliResource, vars_json: str
) -> None:
    """Source freshness against AS_OF_DATE (see macros/freshness.sql), as warnings.

    Stale exports are worth a CSM's attention but not worth withholding the
    night's marts: the blocking rules are the tests and checks.
    """
    invocation = dbt.cli(["source", "freshness", "--vars", vars_json], raise_on_error=False)
    invocation.wait()
    try:
        results = invocation.get_artifact("sources.json")["results"]
    except FileNotFoundError:
        context.log.warning("dbt source freshness produced no sources.json")
        return
    for result in results:
        if result["status"] in ("warn", "error", "runtime error"):
            source = result["unique_id"].removeprefix("source.cs_analytics.")
            context.log.warning(
                f"source {source} is stale: latest {result.get('max_loaded_at')} "
                f"({result['status']} against AS_OF_DATE)"
            )


def mart_asset_keys() -> list[AssetKey]:
    """The public marts (schema `marts`), which the publish step copies."""
    keys = []
    for spec in dbt_models.specs:
        if spec.group_name == "marts":
            keys.append(spec.key)
    return keys
