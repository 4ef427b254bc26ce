"""Resources: where the exports and the warehouse are, and the dbt CLI."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.dbt_project import dbt_project
from socialkpi.settings import EXPORTS_ENV, WAREHOUSE_ENV, Settings, load_settings


class SocialKpiResource(dg.ConfigurableResource):
    """The exports folder (path or URL) and the warehouse file every step reads and writes."""

    exports: str
    warehouse: str

    def settings(self) -> Settings:
        return load_settings(self.exports, self.warehouse)


def build_resources() -> dict[str, object]:
    return {
        "socialkpi": SocialKpiResource(
            exports=os.environ.get(EXPORTS_ENV, "./exports"),
            warehouse=os.environ.get(WAREHOUSE_ENV, "./warehouse/socialkpi.duckdb"),
        ),
        # The venv's own dbt, so runs work without an activated venv on PATH.
        "dbt": DbtCliResource(
            project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
        ),
    }
