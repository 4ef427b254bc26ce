"""What the marts and the published copy were last made from, so that a refresh does only what is
needed (the cost of a night follows the new rows, not the history):

- no dbt build when no raw table received rows since the last build that passed and the dbt
  project is unchanged;
- an incremental build of what the new rows reach (`--select source:<table>+`; staging models
  read only rows loaded since their last build) when only rows were added;
- a full rebuild (`--full-refresh`) on the first build and whenever the dbt project changed;
- no publish when the published copy already holds the marts of the last build that passed.

The state lives in the warehouse, read and written only through pipelines/run_state.py:
`build-started` before every build (Dagster's too), `build` when one passed (with the time it
started, ISO 8601: the data tests of the next incremental build read the rows landed after it,
dbt_project/macros/tested_rows.sql), `publish` after a publish (socialkpi/publish/state.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines import run_state
from pipelines.settings import DBT_PROJECT_DIR, Settings

BUILD, BUILD_STARTED = "build", "build-started"
# What dbt reads besides the warehouse: everything under these, and the project file.
_PROJECT_PARTS = ("models", "macros", "seeds", "tests", "snapshots", "analyses", "dbt_project.yml")


@dataclass(frozen=True)
class Inputs:
    """What a build is made from: the loaded files and dlt loads, and the dbt project's files."""

    files: str
    project: str


def current_inputs(settings: Settings) -> Inputs:
    return Inputs(files=run_state.loaded_digest(settings.warehouse), project=project_fingerprint())


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
    # Rows loaded after the last build that passed started (a load never runs during a build).
    changed = run_state.raw_tables_with_rows_since(settings.warehouse, since=passed[1])
    if not changed:
        return BuildPlan(
            True, (), "models are current (no new rows, dbt project unchanged): dbt build skipped"
        )
    selection = [f"source:{table}+" for table in changed]
    why = f"building what {len(changed)} raw table(s) with new rows reach (incremental dbt build)"
    return BuildPlan(False, ("--select", *selection), why)


def last(settings: Settings, step: str) -> tuple[Inputs, str] | None:
    """The inputs the step last succeeded with, and what it noted (build: when it started;
    publish: the file it produced)."""
    state = run_state.last(settings.warehouse, step)
    return (Inputs(state.files, state.project), state.output) if state else None


def record(settings: Settings, step: str, inputs: Inputs, output: str = "") -> None:
    run_state.record(settings.warehouse, step, run_state.StepState(inputs.files, inputs.project, output))


def forget_passed_build(con: duckdb.DuckDBPyConnection) -> None:
    """Rows left raw (a file quarantined or unloaded, pipelines/unload.py) while the incremental
    models still hold them: no build counts as passed until one rebuilds from raw, so the next
    plan is `--full-refresh`. Runs in the transaction that removes the rows."""
    run_state.forget(con, BUILD)
