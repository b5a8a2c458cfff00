"""The dbt project as Dagster assets: `dbt build` streams models, seeds and tests (as checks)."""

import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
from dagster import AssetExecutionContext, AssetKey, Failure
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
    target_path = night_target_path(context.run.run_id)
    forget_old_night_targets(target_path)
    report_stale_sources(context, dbt, run.dbt_vars_json(), target_path)
    # Unit tests check the code, not the night's data, and pin their own vars:
    # CI runs them (tests/python/test_dbt_unit_tests.py), the nightly does not.
    build = ["build", "--vars", run.dbt_vars_json(), "--exclude-resource-type", "unit_test"]
    if run.full_refresh:
        build.append("--full-refresh")
    invocation = dbt.cli(build, context=context, raise_on_error=False, target_path=target_path)
    yield from invocation.stream()
    if not invocation.is_successful():
        raise Failure(
            description=describe_dbt_failures(
                invocation.get_artifact("run_results.json"),
                # A failing test's rows live in Spark tonight, not in the working database.
                None if run.on_spark else run.working_db_path,
            )
        )
    if run.on_spark:
        # The write of write-audit-publish on a cluster: the marts become the
        # unpublished Parquet build the mart checks audit (cs_analytics/spark/publish.py).
        from cs_analytics.spark.steps import stage_marts

        marts = [key.path[-1] for key in mart_asset_keys()]
        stage_marts(run.warehouse_path, context.run_id, marts, context.log.info)


def night_target_path(run_id: str, environ: Mapping[str, str] = os.environ) -> Path:
    """One dbt target folder for the night's dbt commands.

    dbt parses the whole project again whenever --vars differ from the last
    parse's, and every night's as_of_date does. In a shared folder the build
    finds the partial-parse file that the freshness check wrote with the
    same vars (dagster-dbt copies the project's own only into an empty
    folder), so the night pays for one full parse instead of two.
    """
    target = Path(environ.get("DBT_TARGET_PATH", dbt_project.target_path))
    return dbt_project.project_dir / target / f"dbt-{run_id[:7]}-night"


# A week of nights' compiled SQL, run results and dbt log, to debug with;
# each is tens of megabytes (36 MB at `medium`), so a year would keep gigabytes.
NIGHT_TARGETS_KEPT = 7


def forget_old_night_targets(tonight: Path, kept: int = NIGHT_TARGETS_KEPT) -> list[Path]:
    """Remove the target folders of all but the `kept` latest nights, tonight's included.

    Latest by modification time: a night still running keeps writing into its
    folder. Returns the folders removed.
    """
    earlier = [
        folder
        for folder in tonight.parent.glob(night_target_path("*", environ={}).name)
        if folder.is_dir() and folder != tonight
    ]
    earlier.sort(key=lambda folder: folder.stat().st_mtime, reverse=True)
    removed = earlier[max(kept - 1, 0) :]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


FAILING_ROWS_SAMPLE = 5


def _failing_rows(compiled_sql: str, working_db: Path | None) -> list[dict[str, Any]]:
    """A few rows of a failed test, from its own compiled query (dbt stores no failures)."""
    if working_db is None:
        return []
    try:
        with duckdb.connect(str(working_db), read_only=True) as con:
            cursor = con.execute(
                f"select * from ({compiled_sql.strip().rstrip(';')}) as failing_rows "
                f"limit {FAILING_ROWS_SAMPLE}"
            )
            names = [d[0] for d in cursor.description]
            return [
                {
                    k: (v.isoformat() if hasattr(v, "isoformat") else v)
                    for k, v in zip(names, row, strict=True)
                }
                for row in cursor.fetchall()
            ]
    except duckdb.Error:
        return []


def describe_dbt_failures(run_results: Mapping[str, Any], working_db: Path | None) -> str:
    """Which tests failed (with failing rows) and which models errored (with dbt's message)."""
    lines = []
    for result in run_results.get("results", []):
        status = result.get("status")
        if status not in ("fail", "error"):
            continue
        node = result["unique_id"].split(".")
        kind, name = node[0], node[-1] if node[0] != "test" else node[2]
        if status == "fail":
            rows = _failing_rows(result.get("compiled_code") or "", working_db)
            lines.append(f"dbt test {name} failed for {result.get('failures')} row(s), e.g. {rows}")
        else:
            message = " ".join((result.get("message") or "").split())
            lines.append(f"dbt {kind} {name} error: {message}")
    return "dbt build failed: " + ("; ".join(lines) or "see the dbt log")


def report_stale_sources(
    context: AssetExecutionContext, dbt: DbtCliResource, vars_json: str, target_path: Path
) -> None:
    """Source freshness against AS_OF_DATE (see macros/freshness.sql), as warnings.

    Stale exports are worth a CSM's attention but not worth withholding the
    night's marts: the blocking rules are the tests and checks.
    """
    invocation = dbt.cli(
        ["source", "freshness", "--vars", vars_json], raise_on_error=False, target_path=target_path
    )
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
