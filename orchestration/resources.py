"""Resources: where the exports and the warehouse are (dbt runs in the step's process, as the CLI
runs it: socialkpi/build/dbt_runner.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from orchestration.retries import WarehouseLocked
from pipelines.settings import Settings, load_settings
from pipelines.writer_lock import WarehouseBusy, writing


class SocialKpiResource(dg.ConfigurableResource):
    """The exports folder (path or URL) and the warehouse file every step reads and writes, and
    the engine the raw tables and models live on: `duckdb` (in the warehouse file) or `spark`
    (raw tables as Parquet in `lake`, models built by dbt-spark; README "Growing past one
    machine"). The asset graph is the same on both."""

    exports: str
    warehouse: str
    engine: str = "duckdb"
    lake: str = ""

    def settings(self) -> Settings:
        return load_settings(self.exports, self.warehouse, engine=self.engine, lake=self.lake or None)

    @contextmanager
    def writing(self, step: str) -> Iterator[None]:
        """Hold the warehouse's writer lock for a step, the one every writing CLI command takes
        (pipelines/writer_lock.py): a `socialkpi refresh` run by hand and a Dagster step never
        write at once. Dagster's pool already keeps its own steps apart; a held lock is retried
        like DuckDB's (orchestration/retries.py)."""
        try:
            with writing(self.settings().warehouse, f"dagster {step}"):
                yield
        except WarehouseBusy as busy:
            raise WarehouseLocked(f"{step}: {busy}") from None


def build_resources(settings: Settings | None = None) -> dict[str, object]:
    """The resources for these settings (default: the environment's, as load_settings reads it)."""
    settings = settings or load_settings()
    return {
        "socialkpi": SocialKpiResource(
            exports=settings.exports,
            warehouse=str(settings.warehouse),
            engine=settings.engine,
            lake=str(settings.lake or ""),
        ),
    }
