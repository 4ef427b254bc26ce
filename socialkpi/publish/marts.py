"""Publish: copy schema `marts` (nothing raw) into a new file, check it, and swap it in
atomically (docs/design.md §6); write the same marts as Parquet with a views-only DuckDB file over them.

DuckDB allows one writer *or* many readers. Analysts and BI tools therefore never open the
warehouse; they open `published/kpi.duckdb`, which is only ever replaced by a rename. A reader
holding the old file keeps reading the old file; the next one to connect gets the new one; the
nightly run never waits on a reader.

A BI server that keeps its connections open would keep reading the file it opened first. For it,
`published/live/kpi.duckdb` holds only views over `published/parquet/<mart>.parquet`; each query
reads the Parquet file that is there now, and each file is replaced by a rename.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from pipelines import checkpoints
from pipelines.settings import Settings
from pipelines.warehouse import open_warehouse, sql_string
from socialkpi.publish.swap import remove_tree, swap_back, swap_folder, swap_folder_back, swap_in


class PublishFailed(Exception):
    """The copy could not be made or did not match the warehouse; the published copy is untouched."""


@dataclass(frozen=True)
class PublishResult:
    path: Path
    size_bytes: int
    rows_by_mart: dict[str, int]
    # With SOCIALKPI_POSTGRES_URL: "written" or "already current"; None when not configured.
    postgres: str | None = None


def publish(settings: Settings, postgres_url: str | None = None) -> PublishResult:
    """Copy the marts into a fresh file and fresh Parquet files, verify row counts, then rename them
    over the published ones (the replaced ones are kept as the previous copy). Then, with a
    PostgreSQL URL (argument or SOCIALKPI_POSTGRES_URL), the same marts into PostgreSQL
    (socialkpi/publish/postgres)."""
    settings.published_dir.mkdir(parents=True, exist_ok=True)
    _remove_legacy_copies(settings.published_dir)
    _remove_abandoned_builds(settings.published_dir)
    building = settings.published_dir / f".building.{os.getpid()}"
    (building / "parquet").mkdir(parents=True)
    try:
        rows = _copy_marts(settings, building)
        checkpoints.reached("publish")
        swap_in(building / "kpi.duckdb", settings.published_marts, settings.previous_marts)
        swap_folder(building / "parquet", settings.published_parquet, settings.previous_parquet)
        # The views are created after the Parquet swap: DuckDB binds a view when it is created,
        # so its files must already be where the view says.
        _write_live_views(building / "live.duckdb", settings.published_parquet, rows)
        settings.published_live.parent.mkdir(exist_ok=True)
        swap_in(building / "live.duckdb", settings.published_live, settings.previous_live)
    finally:
        remove_tree(building)
    published = PublishResult(settings.published_marts, settings.published_marts.stat().st_size, rows)
    return publish_to_postgres(published, postgres_url)


def publish_to_postgres(published: PublishResult, postgres_url: str | None = None) -> PublishResult:
    """The published copy into PostgreSQL too, when a URL is configured."""
    from socialkpi.publish import postgres as publish_postgres

    url = publish_postgres.postgres_url(postgres_url)
    if not url:
        return published
    try:
        outcome = publish_postgres.publish_marts(published.path, url, published.rows_by_mart)
    except (publish_postgres.PostgresPublishFailed, publish_postgres.UnmappedType) as error:
        raise PublishFailed(f"the DuckDB copy is published; PostgreSQL is not: {error}") from None
    return replace(published, postgres="written" if outcome.rewritten else "already current")


def _remove_legacy_copies(published_dir: Path) -> None:
    """Before 0.3 the copy was marts.duckdb. Left in place it would never change again, and a BI
    tool still pointed at it would show old numbers without any error; gone, it fails loudly."""
    for name in ("marts.duckdb", "marts.previous.duckdb"):
        (published_dir / name).unlink(missing_ok=True)


def _remove_abandoned_builds(published_dir: Path) -> None:
    """A publish killed mid-way leaves its .building.<pid> folder; remove those whose process is gone."""
    for folder in published_dir.glob(".building.*"):
        pid = folder.suffix.lstrip(".")
        if not pid.isdigit() or int(pid) == os.getpid() or not _process_alive(int(pid)):
            remove_tree(folder)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _copy_marts(settings: Settings, building: Path) -> dict[str, int]:
    # On Spark the marts are views here over the Parquet files Spark wrote
    # (pipelines/lake.py expose_built_tables): the same copy, checks and swap publish them.
    kind = "VIEW" if settings.lake else "BASE TABLE"
    # Read-write, as dbt opens it: DuckDB refuses a read-only connection to a file this process
    # has open read-write.
    with open_warehouse(settings.warehouse) as con:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = current_database() and table_schema = 'marts' "
                "and table_type = ? order by table_name",
                [kind],
            ).fetchall()
        ]
        if not marts:
            raise PublishFailed("the warehouse has no marts yet: run `socialkpi build` first")
        con.execute(f"attach {sql_string(building / 'kpi.duckdb')} as published")
        try:
            con.execute("create schema published.marts")
            rows = {name: _copy_table(con, name, building / "parquet" / f"{name}.parquet") for name in marts}
        finally:
            con.execute("detach published")
    return rows


def _copy_table(con: duckdb.DuckDBPyConnection, name: str, parquet: Path) -> int:
    con.execute(f"create table published.marts.{name} as select * from marts.{name}")
    con.execute(f"copy published.marts.{name} to {sql_string(parquet)} (format parquet, compression zstd)")
    (source_rows,) = con.execute(f"select count(*) from marts.{name}").fetchone()
    (copied_rows,) = con.execute(f"select count(*) from published.marts.{name}").fetchone()
    (parquet_rows,) = con.execute(f"select count(*) from read_parquet({sql_string(parquet)})").fetchone()
    if not source_rows == copied_rows == parquet_rows:
        raise PublishFailed(
            f"marts.{name}: copied {copied_rows} rows and wrote {parquet_rows} to Parquet, "
            f"of {source_rows}; not published"
        )
    return copied_rows


def _write_live_views(target: Path, parquet_dir: Path, rows: dict[str, int]) -> None:
    with duckdb.connect(str(target)) as con:
        con.execute("create schema marts")
        for name, expected in rows.items():
            parquet = sql_string(parquet_dir / f"{name}.parquet")
            con.execute(f"create view marts.{name} as select * from read_parquet({parquet})")
            (seen,) = con.execute(f"select count(*) from marts.{name}").fetchone()
            if seen != expected:
                raise PublishFailed(f"the live view marts.{name} reads {seen} rows of {expected}")


def rollback(settings: Settings, postgres_url: str | None = None) -> Path:
    """Put the previous published copy back, Parquet and views included (the current one becomes
    the previous); in PostgreSQL too when a URL is configured."""
    if not settings.previous_marts.exists():
        raise PublishFailed(
            f"no previous published copy at {settings.previous_marts}; nothing to roll back to"
        )
    swap_back(settings.published_marts, settings.previous_marts)
    swap_folder_back(settings.published_parquet, settings.previous_parquet)
    swap_back(settings.published_live, settings.previous_live)
    from socialkpi.publish import postgres as publish_postgres

    url = publish_postgres.postgres_url(postgres_url)
    if url:
        try:
            publish_postgres.rollback(url)
        except publish_postgres.PostgresPublishFailed as error:
            raise PublishFailed(f"the DuckDB copy is rolled back; PostgreSQL is not: {error}") from None
    return settings.published_marts
