"""Run state: what each step of a refresh last succeeded with, kept in the warehouse
(`raw_ledger.refresh_state`, one row per step) beside the file ledger, so it moves, is backed up
and rolls back with the rows it describes. This is the only Python module that reads or writes it;
what the state means (when to build, when to publish) is decided by its callers
(socialkpi/build/runstate.py, socialkpi/publish/state.py). dbt's data tests read one value, the
`output` of the `build` row (when the last passing build started), to check only the rows landed
since (dbt_project/macros/tested_rows.sql): rename a column here and rename it there.

Also here: the two questions of the warehouse the plan asks, the digest of what was loaded and
which raw tables received rows since a time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.ledger import ensure_ledger, has_table, loaded_hashes_digest
from pipelines.warehouse import open_warehouse

STATE_TABLE = "raw_ledger.refresh_state"
_RAW_TABLES = (
    "select table_schema, table_name from information_schema.tables "
    "where table_schema like 'raw\\_%' escape '\\' and table_schema <> 'raw_ledger' "
    "and table_name not like '\\_dlt%' escape '\\' order by all"
)


@dataclass(frozen=True)
class StepState:
    """What a step last succeeded with: the digest of the loaded files, the dbt project's
    fingerprint, and what it noted (a build: when it started; a publish: what it produced)."""

    files: str
    project: str
    output: str


def loaded_digest(warehouse: Path) -> str:
    """One digest of every loaded file and every dlt load: changes when any row could have."""
    with open_warehouse(warehouse) as con:
        ensure_ledger(con)
        files = loaded_hashes_digest(con)
        loads = [
            con.execute(
                f"select coalesce(string_agg(load_id, ',' order by load_id), '') from {schema}._dlt_loads"
            ).fetchone()[0]
            for (schema,) in con.execute(
                "select distinct table_schema from information_schema.tables "
                "where table_schema like 'raw\\_%' escape '\\' and table_name = '_dlt_loads' order by 1"
            ).fetchall()
        ]
    return hashlib.sha256("\n".join([files, *loads]).encode()).hexdigest()


def last(warehouse: Path, step: str) -> StepState | None:
    with open_warehouse(warehouse, read_only=True) as con:
        query = f"select files, project, output from {STATE_TABLE} where step = ?"
        row = con.execute(query, [step]).fetchone() if has_table(con, STATE_TABLE) else None
    return StepState(*row) if row else None


def record(warehouse: Path, step: str, state: StepState) -> None:
    with open_warehouse(warehouse) as con:
        _ensure(con)
        con.execute(
            f"insert or replace into {STATE_TABLE} values (?, ?, ?, ?, now())",
            [step, state.files, state.project, state.output],
        )


def forget(con: duckdb.DuckDBPyConnection, step: str) -> None:
    """No success of `step` counts any more; in the caller's transaction."""
    _ensure(con)
    con.execute(f"delete from {STATE_TABLE} where step = ?", [step])


def raw_tables_with_rows_since(warehouse: Path, since: str) -> list[str]:
    """Raw tables with rows loaded after `since`: by `_ingested_at` for export rows, by dlt load
    for the others; every raw table when `since` is empty."""
    since = since or "-infinity"
    with open_warehouse(warehouse, read_only=True) as con:
        columns = set(
            con.execute(
                "select table_schema, table_name, column_name from information_schema.columns "
                "where column_name in ('_ingested_at', '_dlt_load_id') "
                "or (table_name = '_dlt_loads' and column_name = 'load_id')"
            ).fetchall()
        )
        return [
            f"{schema}.{table}"
            for schema, table in con.execute(_RAW_TABLES).fetchall()
            if _has_rows_since(con, schema, table, columns, since)
        ]


def _has_rows_since(con, schema: str, table: str, columns: set[tuple[str, str, str]], since: str) -> bool:
    if (schema, table, "_ingested_at") in columns:
        query = f"select max(_ingested_at) > ?::timestamptz from {schema}.{table}"
    elif {(schema, table, "_dlt_load_id"), (schema, "_dlt_loads", "load_id")} <= columns:
        query = (
            f"select count(*) > 0 from {schema}.{table} where _dlt_load_id in "
            f"(select load_id from {schema}._dlt_loads where inserted_at > ?::timestamptz)"
        )
    else:
        return False  # written by socialkpi itself (forget's list of authors), never by a load
    return bool(con.execute(query, [since]).fetchone()[0])


def _ensure(con: duckdb.DuckDBPyConnection) -> None:
    ensure_ledger(con)
    con.execute(
        f"create table if not exists {STATE_TABLE} (step varchar primary key, files varchar not null, "
        "project varchar not null, output varchar not null, finished_at timestamptz not null)"
    )
