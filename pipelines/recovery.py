"""Finish what a killed load left behind, before loading anything new (docs/design.md §8).

A load lands raw rows with dlt, one channel after the other, and writes the ledger last. Killed
half-way, it can leave (1) dlt load packages extracted or normalised but not loaded, which dlt's
`run` would load *instead of* the next run's data, and (2) raw rows of files the ledger does not
list as loaded. Both are undone here: pending packages are aborted, and the rows of the files the
killed run was landing (listed in a marker file written before landing) are deleted unless the
ledger says they loaded. The files themselves are still in the exports folder and not in the
ledger, so this run reads and lands them again, exactly once.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import ledger
from pipelines.lake import expose_lake_tables, raw_destination, take_out_rows
from pipelines.warehouse import open_warehouse

MARKER = "landing.json"


@dataclass
class Recovery:
    """What was undone, for the run's output."""

    aborted_packages: dict[str, int] = field(default_factory=dict)
    removed_rows: int = 0
    files: int = 0

    def __bool__(self) -> bool:
        return bool(self.aborted_packages or self.removed_rows)

    def describe(self) -> str:
        parts = []
        if self.aborted_packages:
            listed = ", ".join(f"{n} of {name}" for name, n in sorted(self.aborted_packages.items()))
            count = sum(self.aborted_packages.values())
            parts.append(f"aborted {count} pending dlt load package(s) ({listed})")
        if self.removed_rows:
            parts.append(
                f"removed {self.removed_rows} raw rows of {self.files} file(s) it landed but never recorded"
            )
        return "a previous load was interrupted: " + "; ".join(parts) + "; those files are loaded again now"


def recover(
    warehouse: Path, pipelines_dir: Path, pipelines: dict[str, str], lake: Path | None = None
) -> Recovery:
    """Undo what a killed load left; `pipelines` maps each dlt pipeline name to its dataset;
    `lake`: the raw rows are there (the Spark engine, pipelines/lake.py)."""
    recovery = Recovery()
    for name, dataset in sorted(pipelines.items()):
        if _has_packages(pipelines_dir / name):
            aborted = _abort_pending(name, dataset, warehouse, pipelines_dir, lake)
            if aborted:
                recovery.aborted_packages[name] = aborted
    marker = pipelines_dir / MARKER
    if marker.exists():
        landing = json.loads(marker.read_text())
        recovery.files, recovery.removed_rows = _remove_unrecorded_rows(warehouse, landing, lake)
        marker.unlink()
    return recovery


# Where dlt keeps load packages that are not loaded yet: extracted, normalised, or still being
# extracted (`load/new`, left behind by a run killed while extracting).
_PENDING = ("normalize/extracted", "load/normalized", "load/new")


def _has_packages(pipeline_dir: Path) -> bool:
    """A look at the folders first: asking dlt costs a pipeline object (~0.4 s) per channel."""
    folders = [pipeline_dir / part for part in _PENDING if (pipeline_dir / part).is_dir()]
    return any(child.is_dir() for folder in folders for child in folder.iterdir())


def _abort_pending(name: str, dataset: str, warehouse: Path, pipelines_dir: Path, lake: Path | None) -> int:
    import dlt  # ~1.5 s to import: only when a package is pending

    pipeline = dlt.pipeline(
        pipeline_name=name,
        destination=raw_destination(warehouse, lake),
        dataset_name=dataset,
        pipelines_dir=str(pipelines_dir),
    )
    pending = len(pipeline.list_extracted_load_packages()) + len(pipeline.list_normalized_load_packages())
    if pending:
        pipeline.abort_packages()
    # A package killed while dlt was still writing it was never registered: only files remain.
    new = Path(pipeline.working_dir) / "load" / "new"
    if new.is_dir():
        for leftover in new.iterdir():
            shutil.rmtree(leftover)
            pending += 1
    return pending


def _remove_unrecorded_rows(
    warehouse: Path, landing: dict[str, list[str]], lake: Path | None
) -> tuple[int, int]:
    """Delete, from each raw table the killed run was landing into, the rows of its files that the
    ledger does not list as loaded. Returns (files, rows)."""
    removed, files = 0, set()
    with open_warehouse(warehouse) as con:
        if lake is not None:  # a table's first landing may have been killed before its view
            expose_lake_tables(con, lake)
        tables = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        loaded = ledger.loaded_hashes(con)
        for table, shas in landing.items():
            orphans = sorted(set(shas) - loaded)
            if table not in tables or not orphans:
                continue
            for sha, count in take_out_rows(con, table, orphans, lake).items():
                removed += count
                files.add(sha)
    return len(files), removed


def mark_landing(pipelines_dir: Path, landing: dict[str, list[str]]) -> None:
    """Written before any row lands: which files go to which raw table."""
    pipelines_dir.mkdir(parents=True, exist_ok=True)
    temporary = pipelines_dir / (MARKER + ".tmp")
    temporary.write_text(json.dumps(landing))
    temporary.replace(pipelines_dir / MARKER)


def landing_done(pipelines_dir: Path) -> None:
    """Removed after the ledger is written: nothing left to undo."""
    (pipelines_dir / MARKER).unlink(missing_ok=True)
