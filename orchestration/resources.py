"""Resources: where the exports and the warehouse are, and the dbt CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.dbt_project import dbt_project
from socialkpi.settings import Settings, load_settings


class SocialKpiResource(dg.ConfigurableResource):
    """The exports folder (path or URL) and the warehouse file every step reads and writes."""

    exports: str
    warehouse: str

    def settings(self) -> Settings:
        return load_settings(self.exports, self.warehouse)


def build_resources(settings: Settings | None = None) -> dict[str, object]:
    """The resources for these settings (default: the environment's, as load_settings reads it)."""
    settings = settings or load_settings()
    return {
        "socialkpi": SocialKpiResource(exports=settings.exports, warehouse=str(settings.warehouse)),
        # The venv's own dbt, so runs work without an activated venv on PATH.
        "dbt": DbtCliResource(
            project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
        ),
    }
