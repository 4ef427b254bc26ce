"""Publish the marts to PostgreSQL as well (SOCIALKPI_POSTGRES_URL or `publish --postgres URL`),
for the BI tools that speak PostgreSQL (Tableau, Power BI, Metabase, Looker Studio, Excel, DBeaver).

After the file publish passed, the published copy is loaded into a fresh schema (`marts_loading`),
its row counts checked against the warehouse's, and swapped in with schema renames in one
transaction: `marts` becomes `marts_previous`, `marts_loading` becomes `marts`. A reader sees the
old marts or the new ones, never a half-loaded schema and never a mix of the two in one statement
(the swap first holds every table it renames away; see `_swap`); `publish --rollback` renames them
back.
The schema comment of `marts` names the content it holds, so a publish with nothing new does not
rewrite it.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pg8000.native
from pg8000.native import Connection, identifier, literal

from socialkpi.publish.postgres.connection import (
    POSTGRES_URL_ENV,
    PostgresPublishFailed,
    first_row,
    session,
    sqlstate,
    transaction,
)
from socialkpi.publish.postgres.docs import MartDocs, mart_docs
from socialkpi.publish.postgres.load import (
    UnmappedType,
    copy_mart,
    grant_to_readers,
    mart_columns,
    readers_see_only_live,
)

__all__ = [
    "POSTGRES_URL_ENV",
    "PostgresPublishFailed",
    "UnmappedType",
    "drop_previous",
    "is_current",
    "publish_marts",
    "rollback",
]

LIVE, PREVIOUS, LOADING = "marts", "marts_previous", "marts_loading"
_CONTENT = re.compile(r"\(content ([0-9a-f]{64})\)")
# The swap waits this long for the queries still reading the marts it renames away, then gives up
# and leaves everything as it was.
SWAP_WAIT_SECONDS = 60.0
# One attempt at the swap's locks waits this long, then lets go of all it holds and tries again:
# shorter than PostgreSQL's deadlock_timeout (1 s by default), so a reader that waits on a table
# the swap holds is let through before the server would pick a deadlock victim (maybe the reader).
SWAP_ATTEMPT_LOCK_TIMEOUT = "100ms"
_LOCK_NOT_AVAILABLE = "55P03"


@dataclass(frozen=True)
class PostgresPublish:
    rewritten: bool  # False: it already held these marts
    rows_by_mart: dict[str, int]


def postgres_url(explicit: str | None = None) -> str | None:
    return explicit or os.environ.get(POSTGRES_URL_ENV) or None


def publish_marts(published_copy: Path, url: str, expected_rows: dict[str, int]) -> PostgresPublish:
    """Load the published DuckDB copy into PostgreSQL and swap it in, unless it is there already."""
    with duckdb.connect(str(published_copy), read_only=True) as source, session(url) as target:
        marts = mart_columns(source)
        content = fingerprint(source, marts)
        if content_of_live_schema(target) == content:
            return PostgresPublish(False, {name: expected_rows.get(name, 0) for name in marts})
        rows = _load(source, target, marts, expected_rows, content)
        try:
            _swap_in(target)
        except pg8000.native.DatabaseError:
            target.run(f"drop schema if exists {LOADING} cascade")  # what readers see is untouched
            raise
    return PostgresPublish(True, rows)


def is_current(published_copy: Path, url: str) -> bool:
    """PostgreSQL's `marts` holds what the published copy holds (False if it cannot be reached:
    the publish that follows says why)."""
    try:
        with duckdb.connect(str(published_copy), read_only=True) as source, session(url) as target:
            return content_of_live_schema(target) == fingerprint(source, mart_columns(source))
    except (duckdb.Error, PostgresPublishFailed):
        return False


def fingerprint(source: duckdb.DuckDBPyConnection, marts: dict[str, list[tuple[str, str]]]) -> str:
    """What the marts hold: names, columns, types, and a hash of every row (one scan each)."""
    digest = hashlib.sha256()
    for name, columns in sorted(marts.items()):
        (count, rows_hash) = source.execute(f'select count(*), sum(hash(t)) from marts."{name}" t').fetchone()
        digest.update(f"{name}|{columns}|{count}|{rows_hash}\n".encode())
    return digest.hexdigest()


def content_of_live_schema(target: Connection) -> str | None:
    row = first_row(
        target,
        "select obj_description(oid, 'pg_namespace') from pg_namespace where nspname = :name",
        name=LIVE,
    )
    found = _CONTENT.search(row[0] or "") if row else None
    return found.group(1) if found else None


def rollback(url: str) -> None:
    """Swap `marts_previous` back in (the current marts become the previous)."""
    with session(url) as target:
        exists = {n for (n,) in target.run("select nspname from pg_namespace")}
        if PREVIOUS not in exists:
            raise PostgresPublishFailed(f"PostgreSQL has no {PREVIOUS} schema: nothing to roll back to")

        def renames() -> None:
            target.run(f"alter schema {LIVE} rename to {LOADING}")
            target.run(f"alter schema {PREVIOUS} rename to {LIVE}")
            target.run(f"alter schema {LOADING} rename to {PREVIOUS}")
            readers_see_only_live(target)

        _swap(target, renames)


def drop_previous(url: str | None = None) -> None:
    """Drop `marts_previous` (after `socialkpi forget`: the previous marts still hold what was
    forgotten). A rollback then has nothing to swap back, and says so."""
    url = postgres_url(url)
    if url:
        with session(url) as target:
            target.run(f"drop schema if exists {PREVIOUS} cascade")


def _load(source, target, marts, expected_rows: dict[str, int], content: str) -> dict[str, int]:
    docs = mart_docs()
    with transaction(target):
        target.run(f"drop schema if exists {LOADING} cascade")
        target.run(f"create schema {LOADING}")
        rows = {}
        for name, columns in marts.items():
            rows[name] = copy_mart(source, target, LOADING, name, columns, docs.get(name, MartDocs()))
            if name in expected_rows and rows[name] != expected_rows[name]:
                raise PostgresPublishFailed(
                    f"PostgreSQL {LOADING}.{name} holds {rows[name]} rows, the warehouse "
                    f"{expected_rows[name]}; not swapped in"
                )
        grant_to_readers(target, LOADING)
        missing = sorted(set(expected_rows) - set(rows))
        if missing:
            raise PostgresPublishFailed(f"the published copy lacks {', '.join(missing)}; not swapped in")
        comment = f"The socialkpi marts, one table per mart (content {content})"
        target.run(f"comment on schema {identifier(LOADING)} is {literal(comment)}")
    return rows


def _swap_in(target: Connection) -> None:
    def renames() -> None:
        target.run(f"drop schema if exists {PREVIOUS} cascade")
        if first_row(target, "select 1 from pg_namespace where nspname = :name", name=LIVE):
            target.run(f"alter schema {LIVE} rename to {PREVIOUS}")
        target.run(f"alter schema {LOADING} rename to {LIVE}")
        readers_see_only_live(target)

    _swap(target, renames)


def _swap(target: Connection, renames: Callable[[], None]) -> None:
    """Run the schema renames in one transaction that first holds every table of `marts` and
    `marts_previous` exclusively.

    A schema rename locks no table, and PostgreSQL looks up a statement's table names one by one:
    a reader's statement that found `marts.twitter_posts` before the swap committed and
    `marts.all_posts` after it would count the old X posts against the new. Holding the tables
    first, the swap waits for the statements already reading them, and a statement that reaches
    a held table waits for the commit and then looks its name up again: it reads the new marts
    only. The locks are taken in short attempts, all let go between two (see
    SWAP_ATTEMPT_LOCK_TIMEOUT), until SWAP_WAIT_SECONDS have passed."""
    deadline = time.monotonic() + SWAP_WAIT_SECONDS
    while True:
        try:
            with transaction(target):
                target.run(f"set local lock_timeout = '{SWAP_ATTEMPT_LOCK_TIMEOUT}'")
                _hold_live_and_previous_tables(target)
                renames()
            return
        except pg8000.native.DatabaseError as error:
            if sqlstate(error) != _LOCK_NOT_AVAILABLE or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _hold_live_and_previous_tables(target: Connection) -> None:
    tables = [
        f"{identifier(schema)}.{identifier(name)}"
        for schema, name in target.run(
            "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname in (:live, :previous) and c.relkind in ('r', 'p', 'v', 'm') "
            "order by n.nspname, c.relname",
            live=LIVE,
            previous=PREVIOUS,
        )
    ]
    if tables:
        target.run(f"lock table {', '.join(tables)} in access exclusive mode")
