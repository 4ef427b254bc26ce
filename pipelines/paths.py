"""Where the landing layer keeps its own state, derived from the warehouse's path.

A basic module: it imports nothing but the standard library, so the settings (which every
command and Dagster import first) can name these paths without loading DuckDB, Arrow or dlt.
"""

from __future__ import annotations

from pathlib import Path


def pipelines_dir_for(warehouse: Path) -> Path:
    """dlt's working state lives beside the warehouse it describes (never in ~/.dlt), so two
    warehouses never share pending packages or schemas."""
    return warehouse.parent / ".dlt_pipelines"
