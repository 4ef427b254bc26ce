"""What the marts and the published copy were last made from, so that a refresh does only what is
needed (the cost of a night follows the new rows, not the history):

- no dbt build when no raw table received rows since the last build that passed and the dbt
  project is unchanged;
- an incremental build of what the new rows reach (`--select source:<table>+`; staging models
  read only rows loaded since their last build) when only rows were added;
- a full rebuild (`--full-refresh`) on the first build and whenever the dbt project changed;
- no publish when the published copy already holds the marts of the last build that passed.

The state lives in the warehouse (`raw_ledger.refresh_state`): `build-started` before every build
(Dagster's too), `build` when one passed (with the time it started), `publish` after a publish
(with the content hash of every published file: the DuckDB copy, each Parquet file and the live
views' file, so that a rollback, a copy someone put there by hand, or a file edited in place, even
with its time set back, is replaced by the next refresh).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.ledger import LEDGER_TABLE, ensure_ledger
from socialkpi.settings import DBT_PROJECT_DIR, Settings

STATE_TABLE = "raw_ledger.refresh_state"
BUILD, BUILD_STARTED, PUBLISH = "build", "build-started", "publish"
# What dbt reads besides the warehouse: everything under these, and the project file.
_PROJECT_PARTS = ("models", "macros", "seeds", "tests", "snapshots", "analyses", "dbt_project.yml")
_RAW_TABLES = (
    "select table_schema, table_name from information_schema.tables "
    "where table_schema like 'raw\\_%' escape '\\' and table_schema <> 'raw_ledger' "
    "and table_name not like '\\_dlt%' escape '\\' order by all"
)


@dataclass(frozen=True)
class Inputs:
    """What a build is made from: the loaded files and dlt loads, and the dbt project's files."""

    files: str
    project: str


def current_inputs(settings: Settings) -> Inputs:
    with duckdb.connect(str(settings.warehouse)) as con:
        ensure_ledger(con)
        (files,) = con.execute(
            f"select coalesce(string_agg(sha256, ',' order by sha256), '') "
            f"from (select distinct sha256 from {LEDGER_TABLE} where status = 'loaded')"
        ).fetchone()
        loads = [
            con.execute(
                f"select coalesce(string_agg(load_id, ',' order by load_id), '') from {schema}._dlt_loads"
            ).fetchone()[0]
            for (schema,) in con.execute(
                "select distinct table_schema from information_schema.tables "
                "where table_schema like 'raw\\_%' escape '\\' and table_name = '_dlt_loads' order by 1"
            ).fetchall()
        ]
    digest = hashlib.sha256("\n".join([files, *loads]).encode()).hexdigest()
    return Inputs(files=digest, project=project_fingerprint())


def checks_changed(settings: Settings) -> bool:
    """The dbt project (its checks, its seeds: accounts.csv) changed since the last build that
    passed: files a check took out are read again, and the next build decides anew."""
    if not settings.warehouse.exists():
        return False
    passed = last(settings, BUILD)
    return bool(passed) and passed[0].project != project_fingerprint()


def project_fingerprint(root: Path = DBT_PROJECT_DIR) -> str:
    digest = hashlib.sha256()
    for part in _PROJECT_PARTS:
        base = root / part
        paths = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in (p for p in paths if p.exists()):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildPlan:
    skip: bool
    dbt_arguments: tuple[str, ...]
    why: str


def plan_build(settings: Settings, inputs: Inputs) -> BuildPlan:
    """Skip, build incrementally what the new rows reach, or rebuild in full; and why."""
    passed, started = last(settings, BUILD), last(settings, BUILD_STARTED)
    same_code = bool(passed and started and passed[0].project == started[0].project == inputs.project)
    if not same_code:
        why = "building every model from raw (dbt build --full-refresh: first build or dbt project changed)"
        return BuildPlan(False, ("--full-refresh",), why)
    changed = changed_raw_tables(settings, since=passed[1])
    if not changed:
        return BuildPlan(
            True, (), "models are current (no new rows, dbt project unchanged): dbt build skipped"
        )
    selection = [f"source:{table}+" for table in changed]
    why = f"building what {len(changed)} raw table(s) with new rows reach (incremental dbt build)"
    return BuildPlan(False, ("--select", *selection), why)


def changed_raw_tables(settings: Settings, since: str) -> list[str]:
    """Raw tables with rows loaded after `since`, when the last build that passed started (a load
    never runs during a build): by `_ingested_at` for export rows, by dlt load for the others."""
    since = since or "-infinity"  # a build recorded without its start time: everything
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
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


def dagster_build_arguments(settings: Settings) -> tuple[str, ...]:
    """For Dagster's `dbt build` (which may select any subset of models, so it never counts as a
    build that passed): `--full-refresh` when the incremental staging tables were built by other
    code than this."""
    inputs = current_inputs(settings)
    plan = plan_build(settings, inputs)
    record(settings, BUILD_STARTED, inputs)
    return ("--full-refresh",) if "--full-refresh" in plan.dbt_arguments else ()


def publish_is_current(settings: Settings) -> bool:
    """The published copy holds the marts of the last build that passed, and is the file that
    publish wrote; and PostgreSQL, when SOCIALKPI_POSTGRES_URL is set, holds the same marts (a
    rollback there, or a database that was down at the last publish, is published again)."""
    from socialkpi import publish_postgres

    passed, published = last(settings, BUILD), last(settings, PUBLISH)
    current = bool(passed and published and published == (passed[0], published_identity(settings)))
    url = publish_postgres.postgres_url()
    return current and (not url or publish_postgres.is_current(settings.published_marts, url))


def record_publish(settings: Settings) -> None:
    passed = last(settings, BUILD)
    if passed:
        record(settings, PUBLISH, passed[0], published_identity(settings))


def last(settings: Settings, step: str) -> tuple[Inputs, str] | None:
    """The inputs the step last succeeded with, and what it noted (build: when it started;
    publish: the file it produced)."""
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw_ledger' and table_name = 'refresh_state'"
        ).fetchone()
        query = f"select files, project, output from {STATE_TABLE} where step = ?"
        row = con.execute(query, [step]).fetchone() if exists[0] else None
    return (Inputs(row[0], row[1]), row[2]) if row else None


def record(settings: Settings, step: str, inputs: Inputs, output: str = "") -> None:
    with duckdb.connect(str(settings.warehouse)) as con:
        _ensure(con)
        con.execute(
            f"insert or replace into {STATE_TABLE} values (?, ?, ?, ?, now())",
            [step, inputs.files, inputs.project, output],
        )


def forget_passed_build(con: duckdb.DuckDBPyConnection) -> None:
    """Rows left raw (a file quarantined or unloaded, pipelines/unload.py) while the incremental
    models still hold them: no build counts as passed until one rebuilds from raw, so the next
    plan is `--full-refresh`. Runs in the transaction that removes the rows."""
    _ensure(con)
    con.execute(f"delete from {STATE_TABLE} where step = ?", [BUILD])


def published_identity(settings: Settings) -> str:
    """What is published now, by content: the SHA-256 of each published file, by its path under
    the published folder. Not inode, size and time: an edit in place keeps the inode and size,
    and `touch -r` puts the time back. Hashing every file is the whole cost of checking (about
    0.02 s for the demo's 8 MB: tests/test_published_integrity.py); a refresh with nothing new
    pays it instead of a publish."""
    files = [settings.published_marts, settings.published_live]
    if settings.published_parquet.is_dir():
        files += sorted(settings.published_parquet.glob("*.parquet"))
    hashes = {}
    for path in files:
        try:
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except FileNotFoundError:
            continue
        hashes[path.relative_to(settings.published_dir).as_posix()] = digest
    return json.dumps(hashes, sort_keys=True) if hashes else ""


def _ensure(con: duckdb.DuckDBPyConnection) -> None:
    ensure_ledger(con)
    con.execute(
        f"create table if not exists {STATE_TABLE} (step varchar primary key, files varchar not null, "
        "project varchar not null, output varchar not null, finished_at timestamptz not null)"
    )
