"""Publish: copy schema `marts` (nothing raw) into a new file, check it, and swap it in
atomically (DESIGN.md §6).

DuckDB allows one writer *or* many readers. Analysts and BI tools therefore never open the
warehouse; they open `published/marts.duckdb`, which is only ever replaced by a rename. A reader
holding the old file keeps reading the old file; the next one to connect gets the new one; the
nightly run never waits on a reader.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from socialkpi.settings import Settings


class PublishFailed(Exception):
    """The copy could not be made or did not match the warehouse; the published copy is untouched."""


@dataclass(frozen=True)
class PublishResult:
    path: Path
    size_bytes: int
    rows_by_mart: dict[str, int]


def publish(settings: Settings) -> PublishResult:
    """Copy the marts into a fresh file, verify row counts, then rename it over the published copy
    (the copy it replaces is kept as marts.previous.duckdb)."""
    settings.published_dir.mkdir(parents=True, exist_ok=True)
    staging_copy = settings.published_dir / f".marts.{os.getpid()}.building.duckdb"
    staging_copy.unlink(missing_ok=True)
    try:
        rows = _copy_marts(settings.warehouse, staging_copy)
        _swap_in(staging_copy, settings.published_marts, settings.previous_marts)
    finally:
        staging_copy.unlink(missing_ok=True)
    return PublishResult(settings.published_marts, settings.published_marts.stat().st_size, rows)


def _copy_marts(warehouse: Path, target: Path) -> dict[str, int]:
    # Same connection settings as dbt's (read-write): DuckDB refuses a second connection to a file
    # with a different configuration in the same process.
    with duckdb.connect(str(warehouse)) as con:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = current_database() and table_schema = 'marts' "
                "and table_type = 'BASE TABLE' order by table_name"
            ).fetchall()
        ]
        if not marts:
            raise PublishFailed("the warehouse has no marts yet: run `socialkpi build` first")
        con.execute(f"attach '{target}' as published")
        try:
            con.execute("create schema published.marts")
            rows = {name: _copy_table(con, name) for name in marts}
        finally:
            con.execute("detach published")
    return rows


def _copy_table(con: duckdb.DuckDBPyConnection, name: str) -> int:
    con.execute(f"create table published.marts.{name} as select * from marts.{name}")
    (source_rows,) = con.execute(f"select count(*) from marts.{name}").fetchone()
    (copied_rows,) = con.execute(f"select count(*) from published.marts.{name}").fetchone()
    if source_rows != copied_rows:
        raise PublishFailed(f"marts.{name}: copied {copied_rows} rows of {source_rows}; not published")
    return copied_rows


def _swap_in(new_copy: Path, current: Path, previous: Path) -> None:
    if current.exists():
        # Keep the outgoing copy for rollback without ever leaving `current` missing: link it
        # under a temporary name, then rename that over `previous`.
        keep = previous.with_name(previous.name + ".tmp")
        keep.unlink(missing_ok=True)
        try:
            os.link(current, keep)
        except OSError:
            shutil.copy2(current, keep)
        os.replace(keep, previous)
    os.replace(new_copy, current)


def rollback(settings: Settings) -> Path:
    """Put the previous published copy back (the current one becomes the previous)."""
    current, previous = settings.published_marts, settings.previous_marts
    if not previous.exists():
        raise PublishFailed(f"no previous published copy at {previous}; nothing to roll back to")
    swap = previous.with_name(previous.name + ".swap")
    shutil.copy2(previous, swap)
    _swap_in(swap, current, previous)
    return current


def open_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published marts that cannot read other files, attach other
    databases, install anything, or change those settings back: what `socialkpi sql` uses.

    The copy is attached as catalog `socialkpi` because a file named marts.duckdb opened directly
    becomes catalog `marts`, and `marts.twitter_posts` is then ambiguous between that catalog
    and the schema `marts`.
    """
    if not settings.published_marts.exists():
        raise PublishFailed(
            f"nothing published yet at {settings.published_marts}: run `socialkpi refresh` first"
        )
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    path = str(settings.published_marts).replace("'", "''")
    con.execute(f"attach '{path}' as socialkpi (read_only)")
    con.execute("use socialkpi.marts")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con
