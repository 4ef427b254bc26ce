"""Where things are. One place reads the environment; the CLI, the loaders, dbt and Dagster all
take their paths from here, so every step points at the same warehouse."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.paths import pipelines_dir_for

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

EXPORTS_ENV = "SOCIALKPI_EXPORTS"
WAREHOUSE_ENV = "SOCIALKPI_WAREHOUSE"
TIMEZONE_ENV = "SOCIALKPI_TIMEZONE"
COMMENTS_FROM_ENV = "SOCIALKPI_COMMENTS_FROM"
# The engine the raw tables and the models live on (README "Growing past one machine"): `duckdb`,
# the warehouse file, or `spark`, a lake of Parquet folders that dbt-spark builds from.
ENGINE_ENV = "SOCIALKPI_ENGINE"
ENGINES = ("duckdb", "spark")
LAKE_ENV = "SOCIALKPI_LAKE"


@dataclass(frozen=True)
class Settings:
    exports: str  # a local folder or an fsspec URL (s3://, gs://, sftp://)
    warehouse: Path
    # Demo comments (a folder `socialkpi demo` wrote) served locally instead of the platform APIs.
    comments_from: Path | None = None
    # On the Spark engine, the lake folder dlt lands the raw tables in; None on DuckDB, where they
    # are in the warehouse file. The warehouse file is still the loader's own record on Spark:
    # the ledger, the run state, and views over the lake's raw tables (pipelines/lake.py).
    lake: Path | None = None

    @property
    def engine(self) -> str:
        return "spark" if self.lake else "duckdb"

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
    engine: str | None = None,
    lake: str | os.PathLike | None = None,
) -> Settings:
    """Command-line values first (Dagster's resource gives the engine and the lake), then the
    environment, then the documented defaults."""
    exports = exports or os.environ.get(EXPORTS_ENV) or "./exports"
    warehouse = warehouse or os.environ.get(WAREHOUSE_ENV) or "./warehouse/socialkpi.duckdb"
    comments_from = comments_from or os.environ.get(COMMENTS_FROM_ENV)
    if "://" not in exports:
        exports = str(Path(exports).resolve())
    warehouse = Path(warehouse).resolve()
    return Settings(
        exports=exports,
        warehouse=warehouse,
        comments_from=Path(comments_from).resolve() if comments_from else None,
        lake=lake_of(warehouse, engine, lake),
    )


class UnknownEngine(ValueError):
    """SOCIALKPI_ENGINE names no engine socialkpi runs on."""


def lake_of(warehouse: Path, engine: str | None = None, lake: str | os.PathLike | None = None) -> Path | None:
    """The lake on the Spark engine (SOCIALKPI_LAKE, by default `lake` beside the warehouse
    file's folder); None on DuckDB."""
    engine = (engine or os.environ.get(ENGINE_ENV) or "duckdb").strip().lower()
    if engine not in ENGINES:
        raise UnknownEngine(f"{ENGINE_ENV}={engine!r}: use one of {', '.join(ENGINES)}")
    if engine == "duckdb":
        return None
    return Path(lake or os.environ.get(LAKE_ENV) or warehouse.parent.parent / "lake").resolve()


def schedule_timezone() -> str:
    return os.environ.get(TIMEZONE_ENV, "Europe/Zurich")


# Unattended runs (Dagster): when the nightly job runs, how old is too old, where alerts go.
NIGHTLY_CRON_ENV = "SOCIALKPI_NIGHTLY_CRON"
STALE_EXPORT_DAYS_ENV = "SOCIALKPI_STALE_EXPORT_DAYS"
FRESHNESS_FAIL_HOURS_ENV = "SOCIALKPI_FRESHNESS_FAIL_HOURS"
FRESHNESS_WARN_HOURS_ENV = "SOCIALKPI_FRESHNESS_WARN_HOURS"
ALERT_WEBHOOK_ENV = "SOCIALKPI_ALERT_WEBHOOK"
DAGSTER_URL_ENV = "SOCIALKPI_DAGSTER_URL"


def nightly_cron() -> str:
    return os.environ.get(NIGHTLY_CRON_ENV) or "0 2 * * *"


def stale_export_days() -> int:
    """Warn when a channel's newest export is older than this: people download exports, and
    people forget."""
    return _positive_number(STALE_EXPORT_DAYS_ENV, 8)


def mart_freshness_hours() -> tuple[int, int]:
    """(fail, warn): a mart older than `fail` hours means a night was missed."""
    fail = _positive_number(FRESHNESS_FAIL_HOURS_ENV, 26)
    warn = _positive_number(FRESHNESS_WARN_HOURS_ENV, 12)
    if warn >= fail:
        raise ValueError(
            f"{FRESHNESS_WARN_HOURS_ENV} ({warn}) must be below {FRESHNESS_FAIL_HOURS_ENV} ({fail})"
        )
    return fail, warn


def alert_webhook() -> str | None:
    """A Slack, Mattermost or Teams incoming-webhook URL; unset means alerts are only logged."""
    return os.environ.get(ALERT_WEBHOOK_ENV) or None


def dagster_url() -> str | None:
    """Where people open the Dagster UI (alerts link to the failed run), e.g. http://host:3000."""
    return (os.environ.get(DAGSTER_URL_ENV) or "").rstrip("/") or None


def _positive_number(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    if not raw.strip().isdigit() or int(raw) == 0:
        raise ValueError(f"{name} must be a positive whole number, got {raw!r}")
    return int(raw)
