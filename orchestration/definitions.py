"""The code location: only assembles what the other modules define."""

from dagster import Definitions
from dagster_dbt import DbtCliResource

from cs_analytics.settings import DBT_EXECUTABLE, dbt_target
from cs_analytics.spark.steps import spark_executable
from orchestration.assets.alerts import cs_alert_delivery
from orchestration.assets.dbt import dbt_models
from orchestration.assets.landing import landing
from orchestration.assets.publish import published_warehouse
from orchestration.assets.report import html_report, nightly_report
from orchestration.checks import mart_checks, raw_checks
from orchestration.jobs import nightly_job, nightly_schedule
from orchestration.project import dbt_project
from orchestration.resources import NightlyLock, PipelineSettings
from orchestration.sensors import record_nightly_failure

settings = PipelineSettings()
# DBT_TARGET=spark: dbt-spark's dbt, from the Spark environment; profiles.yml's
# `target` reads the same variable, so dbt builds on its `spark` output.
dbt_executable = spark_executable("dbt") if dbt_target() == "spark" else DBT_EXECUTABLE

defs = Definitions(
    assets=[
        landing,
        dbt_models,
        published_warehouse,
        nightly_report,
        html_report,
        cs_alert_delivery,
    ],
    asset_checks=[*raw_checks, *mart_checks],
    jobs=[nightly_job],
    schedules=[nightly_schedule()],
    sensors=[record_nightly_failure],
    resources={
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable),
        "settings": settings,
        "nightly_lock": NightlyLock(settings=settings),
    },
)
