"""Publish the marts to PostgreSQL as well (SOCIALKPI_POSTGRES_URL or `publish --postgres URL`),
for the BI tools that speak PostgreSQL (Tableau, Power BI, Metabase, Looker Studio, Excel, DBeaver).

After the file publish passed, the published copy is loaded into a fresh schema (`marts_loading`),
its row counts checked against the warehouse's, and swapped in with schema renames in one
transaction: `marts` becomes `marts_previous`, `marts_loading` becomes `marts`. A reader sees the
old marts or the new ones, never a half-loaded schema; `publish --rollback` renames them back.
The schema comment of `marts` names the content it holds, so a publish with nothing new does not
rewrite it.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

from socialkpi.publish.postgres.docs import MartDocs, mart_docs
from socialkpi.publish.postgres.load import (
    UnmappedType,
    copy_mart,
    grant_to_readers,
    mart_columns,
    readers_see_only_live,
)

__all__ = [
    "PostgresPublishFailed",
    "UnmappedType",
    "drop_previous",
    "is_current",
    "publish_marts",
    "rollback",
]

POSTGRES_URL_ENV = "SOCIALKPI_POSTGRES_URL"
LIVE, PREVIOUS, LOADING = "marts", "marts_previous", "marts_loading"
_CONTENT = re.compile(r"\(content ([0-9a-f]{64})\)")
# The swap waits this long for a query still reading the schema it drops (marts_previous), then
# gives up and leaves everything as it was.
SWAP_LOCK_TIMEOUT = "60s"


class PostgresPublishFailed(Exception):
    """PostgreSQL could not be reached or the copy did not match; what readers see is untouched."""


@dataclass(frozen=True)
class PostgresPublish:
    rewritten: bool  # False: it already held these marts
    rows_by_mart: dict[str, int]


def postgres_url(explicit: str | None = None) -> str | None:
    return explicit or os.environ.get(POSTGRES_URL_ENV) or None


def publish_marts(published_copy: Path, url: str, expected_rows: dict[str, int]) -> PostgresPublish:
    """Load the published DuckDB copy into PostgreSQL and swap it in, unless it is there already."""
    with duckdb.connect(str(published_copy), read_only=True) as source, _connect(url) as target:
        marts = mart_columns(source)
        content = fingerprint(source, marts)
        if content_of_live_schema(target) == content:
            return PostgresPublish(False, {name: expected_rows.get(name, 0) for name in marts})
        rows = _load(source, target, marts, expected_rows, content)
        _swap_in(target)
    return PostgresPublish(True, rows)


def is_current(published_copy: Path, url: str) -> bool:
    """PostgreSQL's `marts` holds what the published copy holds (False if it cannot be reached:
    the publish that follows says why)."""
    try:
        with duckdb.connect(str(published_copy), read_only=True) as source, _connect(url) as target:
            return content_of_live_schema(target) == fingerprint(source, mart_columns(source))
    except (psycopg.Error, duckdb.Error, PostgresPublishFailed):
        return False


def fingerprint(source: duckdb.DuckDBPyConnection, marts: dict[str, list[tuple[str, str]]]) -> str:
    """What the marts hold: names, columns, types, and a hash of every row (one scan each)."""
    digest = hashlib.sha256()
    for name, columns in sorted(marts.items()):
        (count, rows_hash) = source.execute(f'select count(*), sum(hash(t)) from marts."{name}" t').fetchone()
        digest.update(f"{name}|{columns}|{count}|{rows_hash}\n".encode())
    return digest.hexdigest()


def content_of_live_schema(target: psycopg.Connection) -> str | None:
    row = target.execute(
        "select obj_description(oid, 'pg_namespace') from pg_namespace where nspname = %s", [LIVE]
    ).fetchone()
    found = _CONTENT.search(row[0] or "") if row else None
    return found.group(1) if found else None


def rollback(url: str) -> None:
    """Swap `marts_previous` back in (the current marts become the previous)."""
    with _connect(url) as target:
        exists = {n for (n,) in target.execute("select nspname from pg_namespace").fetchall()}
        if PREVIOUS not in exists:
            raise PostgresPublishFailed(f"PostgreSQL has no {PREVIOUS} schema: nothing to roll back to")
        with target.transaction():
            target.execute(f"set local lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
            target.execute(f"alter schema {LIVE} rename to {LOADING}")
            target.execute(f"alter schema {PREVIOUS} rename to {LIVE}")
            target.execute(f"alter schema {LOADING} rename to {PREVIOUS}")
            readers_see_only_live(target)


def drop_previous(url: str | None = None) -> None:
    """Drop `marts_previous` (after `socialkpi forget`: the previous marts still hold what was
    forgotten). A rollback then has nothing to swap back, and says so."""
    url = postgres_url(url)
    if url:
        with _connect(url) as target:
            target.execute(f"drop schema if exists {PREVIOUS} cascade")


def _connect(url: str) -> psycopg.Connection:
    try:
        # autocommit: each step commits on its own; the swap is one explicit transaction.
        con = psycopg.connect(url, autocommit=True, connect_timeout=30)
    except psycopg.Error as error:
        raise PostgresPublishFailed(f"cannot connect to PostgreSQL ({POSTGRES_URL_ENV}): {error}") from None
    con.execute("set time zone 'UTC'")
    return con


def _load(source, target, marts, expected_rows: dict[str, int], content: str) -> dict[str, int]:
    docs = mart_docs()
    with target.transaction():
        target.execute(f"drop schema if exists {LOADING} cascade")
        target.execute(f"create schema {LOADING}")
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
        target.execute(
            sql.SQL("comment on schema {} is {}").format(sql.Identifier(LOADING), sql.Literal(comment))
        )
    return rows


def _swap_in(target: psycopg.Connection) -> None:
    with target.transaction():
        target.execute(f"set local lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
        target.execute(f"drop schema if exists {PREVIOUS} cascade")
        if target.execute("select 1 from pg_namespace where nspname = %s", [LIVE]).fetchone():
            target.execute(f"alter schema {LIVE} rename to {PREVIOUS}")
        target.execute(f"alter schema {LOADING} rename to {LIVE}")
        readers_see_only_live(target)
