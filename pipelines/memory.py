"""How much memory DuckDB may use in the steps that move all of history: landing, the dbt build
and the publish. Left alone, DuckDB takes up to 80% of the machine's memory and keeps what it
took, and a refresh of the agency scale grew past 3 GB; above this limit DuckDB spills to disk
instead. `SOCIALKPI_DUCKDB_MEMORY_LIMIT` (DuckDB's units: 512MB, 2GB) changes it; dbt reads the
same variable (dbt_project/profiles.yml)."""

from __future__ import annotations

import os

MEMORY_LIMIT_ENV = "SOCIALKPI_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"


def duckdb_memory_limit() -> str:
    return os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT
