"""What the marts and the published copy were last made from, so that a refresh does only what is
needed: no dbt build when neither the loaded files nor the dbt project changed since the last
build that passed, no publish when the published copy already holds the current marts.

The state lives in the warehouse (`raw_ledger.refresh_state`). A build clears its row before it
starts and writes it only once every model and test passed, so a failed or killed build always
means "build again". The publish row also names the published file (inode, size, time), so a
rollback or a copy someone put there by hand is replaced by the next refresh, as before.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.ledger import LEDGER_TABLE, ensure_ledger
from socialkpi.publish import PublishResult, open_published
from socialkpi.settings import DBT_PROJECT_DIR, Settings

STATE_TABLE = "raw_ledger.refresh_state"
BUILD, PUBLISH = "build", "publish"
# What dbt reads besides the warehouse: everything under these, and the project file.
_PROJECT_PARTS = ("models", "macros", "seeds", "tests", "snapshots", "analyses", "dbt_project.yml")


@dataclass(frozen=True)
class Inputs:
    """What a build is made from: the files loaded, and the dbt project's own files."""

    files: str
    project: str


def current_inputs(settings: Settings) -> Inputs:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        (files,) = con.execute(
            f"select coalesce(md5(string_agg(sha256, ',' order by sha256)), '') "
            f"from (select distinct sha256 from {LEDGER_TABLE} where status = 'loaded')"
        ).fetchone()
    return Inputs(files=files, project=project_fingerprint())


def project_fingerprint(root: Path = DBT_PROJECT_DIR) -> str:
    digest = hashlib.sha256()
    for part in _PROJECT_PARTS:
        base = root / part
        paths = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in (p for p in paths if p.exists()):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def last(settings: Settings, step: str) -> tuple[Inputs, str] | None:
    """The inputs the step last succeeded with, and (for publish) the file it produced."""
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw_ledger' and table_name = 'refresh_state'"
        ).fetchone()
        query = f"select files, project, output from {STATE_TABLE} where step = ?"
        row = con.execute(query, [step]).fetchone() if exists[0] else None
    return (Inputs(row[0], row[1]), row[2]) if row else None


def forget(settings: Settings, step: str) -> None:
    with duckdb.connect(str(settings.warehouse)) as con:
        _ensure(con)
        con.execute(f"delete from {STATE_TABLE} where step = ?", [step])


def record(settings: Settings, step: str, inputs: Inputs, output: str = "") -> None:
    with duckdb.connect(str(settings.warehouse)) as con:
        _ensure(con)
        con.execute(
            f"insert or replace into {STATE_TABLE} values (?, ?, ?, ?, now())",
            [step, inputs.files, inputs.project, output],
        )


def published_identity(settings: Settings) -> str:
    """Which file is published now: a rollback or a hand copy changes it."""
    try:
        info = os.stat(settings.published_marts)
    except FileNotFoundError:
        return ""
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


def _ensure(con: duckdb.DuckDBPyConnection) -> None:
    ensure_ledger(con)
    con.execute(
        f"create table if not exists {STATE_TABLE} (step varchar primary key, files varchar not null, "
        "project varchar not null, output varchar not null, finished_at timestamptz not null)"
    )


def published_result(settings: Settings) -> PublishResult:
    """What the published copy holds, when it is already current and nothing is copied."""
    with open_published(settings) as con:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() "
                "where database_name = 'socialkpi' and schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        rows = {name: con.execute(f"select count(*) from {name}").fetchone()[0] for name in marts}
    return PublishResult(settings.published_marts, settings.published_marts.stat().st_size, rows)
