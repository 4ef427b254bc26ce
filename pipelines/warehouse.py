"""The one way into the warehouse file. Every step that reads or writes it (landing, the ledger,
run state, the build's bookkeeping, publishing, `socialkpi files`) opens it here, so that:

- every connection has the memory cap (pipelines/memory.py): left alone, DuckDB takes 80 % of
  the machine and keeps it. Set after opening, not as the connection's configuration: DuckDB
  refuses a second connection to a file this process already has open with another one;
- a lock held for a moment by another process (a Dagster sensor reading the ledger, a
  `socialkpi files` run during a refresh) is waited out instead of failing the step: DuckDB
  allows one writing process per file and fails at once otherwise. The wait is short
  (SOCIALKPI_WAREHOUSE_LOCK_WAIT_SECONDS, default 3 s); a longer hold is another writer, which
  the writer lock (pipelines/writer_lock.py) reports with its holder, and Dagster retries
  (orchestration/retries.py).

dlt and dbt open the file through their own adapters, with the same memory cap
(pipelines/load.py, dbt_project/profiles.yml); the published copy is opened read-only by
socialkpi/serve/access.py, which is not the warehouse.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.memory import duckdb_memory_limit

LOCK_WAIT_ENV = "SOCIALKPI_WAREHOUSE_LOCK_WAIT_SECONDS"
DEFAULT_LOCK_WAIT_SECONDS = 3.0
_FIRST_PAUSE_SECONDS = 0.05


@contextmanager
def open_warehouse(warehouse: Path | str, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse for the block, closed after it (committed work stays)."""
    con = _open(str(warehouse), read_only)
    try:
        yield con
    finally:
        con.close()


# DuckDB's words when another process holds the file (its IOException has no code): `Could not
# set lock on file "<path>": Conflicting lock is held in <program> (PID <n>)`.
LOCK_MESSAGE = "Could not set lock on file"


def is_lock_conflict(error: BaseException | str) -> bool:
    """True when this error (or message) is DuckDB refusing a lock another process holds."""
    return LOCK_MESSAGE in str(error)


def _open(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + _lock_wait_seconds()
    pause = _FIRST_PAUSE_SECONDS
    while True:
        try:
            con = duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as error:
            if not is_lock_conflict(error) or time.monotonic() + pause > deadline:
                raise
        else:
            con.execute(f"set memory_limit = {sql_string(duckdb_memory_limit())}")
            return con
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def sql_string(value: object) -> str:
    """A SQL string literal (paths may contain quotes)."""
    return "'" + str(value).replace("'", "''") + "'"


def _lock_wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV, "") or DEFAULT_LOCK_WAIT_SECONDS))
    except ValueError:
        return DEFAULT_LOCK_WAIT_SECONDS
