"""Landing ingestion: the demo export (when no LANDING_DIR is set) and the load into `raw`."""

from collections.abc import Iterator
from datetime import UTC, datetime

from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, multi_asset

from cs_analytics.landing.contract import TABLES
from cs_analytics.landing.loader import ingest_landing
from cs_analytics.run_metadata import record_run
from orchestration.asset_keys import LANDING_AUDIT_KEYS, RAW_TABLE_KEYS
from orchestration.resources import NightlyLock, PipelineSettings
from orchestration.run_records import run_record

_SPECS = [
    AssetSpec(
        RAW_TABLE_KEYS[table.path],
        group_name="landing",
        description=f"Landing table {table.path} as the files said, with load metadata.",
        kinds={"duckdb"},
    )
    for table in TABLES
] + [
    AssetSpec(
        key, group_name="landing", description=f"Ingestion audit: raw.{name}.", kinds={"duckdb"}
    )
    for name, key in LANDING_AUDIT_KEYS.items()
]


@multi_asset(specs=_SPECS, name="landing")
def landing(
    context: AssetExecutionContext, settings: PipelineSettings, nightly_lock: NightlyLock
) -> Iterator[MaterializeResult]:
    """Check the landing against the contract and load its new and changed files into `raw`."""
    run = settings.resolve()
    if run.uses_demo_landing:
        # The demo generator is a development tool: a night on real exports never loads it.
        from cs_devtools.demo_data import ensure_demo_landing

        regenerated = ensure_demo_landing(
            run.landing_dir, run.as_of_date, accounts=settings.demo_accounts
        )
        context.log.info(
            f"demo landing {'regenerated' if regenerated else 'up to date'} in {run.landing_dir}"
        )
    # The run history says `running` until the night ends; a killed run stays so.
    record_run(run.working_db_path, run_record(context.instance, context.run_id, run, "running"))
    report = ingest_landing(
        run.working_db_path,
        run.landing_dir,
        run_id=context.run_id,
        started_at=datetime.now(UTC),
        full_refresh=run.full_refresh,
        progress=context.log.info,
    )
    for warning in report.warnings:
        context.log.warning(warning)
    if run.on_spark:
        # Ingestion stays one piece of code with one contract; Spark's sources
        # (database `raw`) then get the rows it loaded.
        from cs_analytics.spark.steps import copy_raw_to_spark

        copy_raw_to_spark(run.working_db_path, context.log.info)
    for table in TABLES:
        files = [f for f in report.files if f.table_path == table.path]
        read = [f for f in report.read_files if f.table_path == table.path]
        yield MaterializeResult(
            asset_key=RAW_TABLE_KEYS[table.path],
            metadata={
                "rows": report.rows_per_table[table.path],
                "files": len(files),
                "files_read_tonight": len(read),
                "rows_read_tonight": sum(f.rows_loaded for f in read),
                "rows_rejected": sum(f.rows_rejected for f in files),
                "bytes": sum(f.bytes for f in files),
            },
        )
    yield MaterializeResult(
        asset_key=LANDING_AUDIT_KEYS["landing_files"], metadata={"files": len(report.files)}
    )
    yield MaterializeResult(
        asset_key=LANDING_AUDIT_KEYS["landing_rejected_lines"],
        metadata={"rows": report.rows_rejected},
    )
