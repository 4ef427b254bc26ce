"""Where things are. One place reads the environment; the CLI, the loaders, dbt and Dagster all
take their paths from here, so every step points at the same warehouse."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.load import pipelines_dir_for

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

EXPORTS_ENV = "SOCIALKPI_EXPORTS"
WAREHOUSE_ENV = "SOCIALKPI_WAREHOUSE"
TIMEZONE_ENV = "SOCIALKPI_TIMEZONE"
COMMENTS_FROM_ENV = "SOCIALKPI_COMMENTS_FROM"


@dataclass(frozen=True)
class Settings:
    exports: str  # a local folder or an fsspec URL (s3://, gs://, sftp://)
    warehouse: Path
    # Demo comments (a folder `socialkpi demo` wrote) served locally instead of the platform APIs.
    comments_from: Path | None = None

    @property
    def published_dir(self) -> Path:
        return self.warehouse.parent / "published"

    # The published file is named for its catalog: a client that opens it directly gets catalog
    # `kpi` with schema `marts`, so `marts.all_posts` is unambiguous (a file named marts.duckdb
    # made catalog `marts` collide with schema `marts`).
    @property
    def published_marts(self) -> Path:
        return self.published_dir / "kpi.duckdb"

    @property
    def previous_marts(self) -> Path:
        return self.published_dir / "kpi.previous.duckdb"

    @property
    def published_parquet(self) -> Path:
        """One `<mart>.parquet` per mart, each replaced by a rename."""
        return self.published_dir / "parquet"

    @property
    def previous_parquet(self) -> Path:
        return self.published_dir / "parquet.previous"

    @property
    def published_live(self) -> Path:
        """Views over the Parquet files, for BI servers that keep connections open."""
        return self.published_dir / "live" / "kpi.duckdb"

    @property
    def previous_live(self) -> Path:
        return self.published_dir / "live" / "kpi.previous.duckdb"

    @property
    def report_html(self) -> Path:
        return self.published_dir / "report" / "socialkpi-report.html"

    @property
    def pipelines_dir(self) -> Path:
        return pipelines_dir_for(self.warehouse)


def load_settings(
    exports: str | None = None,
    warehouse: str | os.PathLike | None = None,
    comments_from: str | os.PathLike | None = None,
) -> Settings:
    """Command-line values first, then the environment, then the documented defaults."""
    exports = exports or os.environ.get(EXPORTS_ENV) or "./exports"
    warehouse = warehouse or os.environ.get(WAREHOUSE_ENV) or "./warehouse/socialkpi.duckdb"
    comments_from = comments_from or os.environ.get(COMMENTS_FROM_ENV)
    if "://" not in exports:
        exports = str(Path(exports).resolve())
    return Settings(
        exports=exports,
        warehouse=Path(warehouse).resolve(),
        comments_from=Path(comments_from).resolve() if comments_from else None,
    )


def schedule_timezone() -> str:
    return os.environ.get(TIMEZONE_ENV, "Europe/Zurich")
