"""Read-only, hardened connections to the published copy: what `socialkpi sql`, `report` and
`serve` open, and what the README's BI settings reproduce.

Hardened means: the published file is attached read-only; no file outside it can be read or
written (COPY ... TO, read_csv('/etc/passwd'), ATTACH); no extension is installed or loaded
on demand; and the configuration is locked so a query cannot switch any of that back on.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from socialkpi.publish import PublishFailed, sql_string
from socialkpi.settings import Settings

CATALOG = "kpi"
NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


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
    con = duckdb.connect(config=NO_EXTENSIONS)
    con.execute(f"attach {sql_string(path)} as {CATALOG} (read_only)")
    con.execute(f"use {CATALOG}.marts")
    if readable is not None:
        # Only settable on a running database, so not in the connect() config above.
        con.execute(f"set allowed_directories = [{sql_string(str(readable) + '/')}]")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con
