"""Read-only, hardened connections to the published copy: what `socialkpi sql` and `report` open,
and what the README's BI settings reproduce.

Hardened means: the published file is attached read-only; no file outside it can be read or
written (COPY ... TO, read_csv('/etc/passwd'), ATTACH); no extension is installed or loaded
on demand; the configuration is locked so a query cannot switch any of that back on; and a
reader's memory is capped (SOCIALKPI_READER_MEMORY_LIMIT).

DuckDB lets a connection use its temporary directory even with external access off (`.tmp` in the
working directory for an in-memory database, `<file>.tmp/` beside a file it opens): a reader
could write and read any file there. Readers get no temporary directory: a query that would spill
past the memory cap fails instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines.settings import Settings
from pipelines.warehouse import sql_string
from socialkpi.publish.marts import PublishFailed

CATALOG = "kpi"
NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
READER_MEMORY_LIMIT_ENV = "SOCIALKPI_READER_MEMORY_LIMIT"


def reader_memory_limit() -> str:
    """What one reader's DuckDB may hold in memory (DuckDB's own notation: 500MB, 2GB)."""
    return os.environ.get(READER_MEMORY_LIMIT_ENV) or "1GB"


def reader_config() -> dict[str, object]:
    return {**NO_EXTENSIONS, "temp_directory": "", "memory_limit": reader_memory_limit()}


def open_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The published copy (tables), with no file access at all."""
    return open_hardened(settings.published_marts)


def open_live(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The views over the Parquet files; file access only to read them. Keep this connection open
    as long as you like: every query reads the marts published last."""
    return open_hardened(settings.published_live, readable=settings.published_parquet)


def open_hardened(path: Path, readable: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Attach `path` read-only as catalog `kpi` in a new in-memory database (a new instance every
    time, so a file replaced since an earlier connection in this process is opened afresh).
    `readable` is the one folder its views may read."""
    if not path.exists():
        raise PublishFailed(f"nothing published yet at {path}: run `socialkpi refresh` first")
    try:
        con = duckdb.connect(config=reader_config())
    except duckdb.Error as error:
        raise PublishFailed(f"{READER_MEMORY_LIMIT_ENV}={reader_memory_limit()!r}: {error}") from None
    con.execute(f"attach {sql_string(path)} as {CATALOG} (read_only)")
    con.execute(f"use {CATALOG}.marts")
    if readable is not None:
        # Only settable on a running database, so not in the connect() config above.
        con.execute(f"set allowed_directories = [{sql_string(str(readable) + '/')}]")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con
