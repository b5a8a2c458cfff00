"""The dbt project as Dagster sees it."""

from dagster_dbt import DbtProject

from cs_analytics.settings import PROJECT_DIR

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
# Under `dagster dev` the manifest is rebuilt on load; elsewhere `make manifest` made it.
dbt_project.prepare_if_dev()
