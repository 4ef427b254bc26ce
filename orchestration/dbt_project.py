"""The DbtProject object only (so `dagster-dbt project prepare-and-package` can import it alone)."""

import os
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# What dbt writes (or downloads), never what it reads to build the manifest.
_NOT_SOURCES = {"target", "logs", "dbt_packages"}


def manifest_is_stale(project_dir: Path, manifest: Path) -> bool:
    """True when the manifest is missing or a file of the dbt project changed after it was written.

    Under `dagster dev`, every run step re-imports the definitions, and dagster-dbt's
    `prepare_if_dev()` would run `dbt parse` each time: seconds per step, and a rewrite of
    target/manifest.json while other processes read it. Parsing only when something changed keeps
    what it is for (model edits show up without a manual parse).
    """
    if not manifest.exists():
        return True
    written = manifest.stat().st_mtime
    for folder, subfolders, files in os.walk(project_dir):
        subfolders[:] = [d for d in subfolders if d not in _NOT_SOURCES and not d.startswith(".")]
        if any(Path(folder, name).stat().st_mtime > written for name in files if not name.startswith(".")):
            return True
    return False
