"""The DbtProject object only (so `dagster-dbt project prepare-and-package` can import it alone)."""

from dagster_dbt import DbtProject

from socialkpi.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
