"""The dbt project as Dagster sees it."""

import subprocess

from dagster_dbt import DbtProject
from dagster_dbt.dbt_project import using_dagster_dev

from cs_analytics.settings import DBT_EXECUTABLE, PROJECT_DIR

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)


def refresh_manifest_under_dagster_dev() -> None:
    """Under `dagster dev`, re-parse on every code-location load so edited models show up.

    Elsewhere (`make run`, tests) `make manifest` made target/manifest.json already.
    This is DbtProject.prepare_if_dev(), which looks `dbt` up on PATH, with
    this environment's dbt.
    """
    if using_dagster_dev():
        subprocess.run([DBT_EXECUTABLE, "parse", "--quiet"], cwd=PROJECT_DIR, check=True)


refresh_manifest_under_dagster_dev()
