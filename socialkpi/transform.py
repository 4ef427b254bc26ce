"""Run dbt (in-process, with dbt's own runner) on the warehouse the settings point at."""

from __future__ import annotations

import os
from collections.abc import Callable

from socialkpi.settings import DBT_PROJECT_DIR, WAREHOUSE_ENV, Settings


class BuildFailed(Exception):
    """dbt reported an error or a failed error-severity test; nothing downstream may publish."""


def dbt_args(command: str, *extra: str) -> list[str]:
    """The dbt command line for a step: always this project and its own profiles.yml."""
    return [command, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), *extra]


def run_dbt(settings: Settings, command: str, *extra: str, progress: Callable[[str], None] | None = None):
    """Invoke dbt and raise BuildFailed with the failing nodes named when it does not succeed."""
    from dbt.cli.main import dbtRunner  # dbt's import costs ~2 s: only when a build runs

    os.environ[WAREHOUSE_ENV] = str(settings.warehouse)
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    callbacks = [_progress_callback(progress)] if progress else []
    result = dbtRunner(callbacks=callbacks).invoke(dbt_args(command, "--quiet", *extra))
    if not result.success:
        raise BuildFailed(_failure_summary(result))
    return result


def _progress_callback(progress: Callable[[str], None]):
    finished = 0

    def on_event(event) -> None:
        nonlocal finished
        if event.info.name == "NodeFinished":
            finished += 1
            node = event.data.node_info
            progress(f"dbt: {finished} nodes done, last {node.node_name} ({node.node_status})")

    return on_event


def _failure_summary(result) -> str:
    if result.exception is not None:
        return f"dbt could not run: {str(result.exception).strip().splitlines()[0]}"
    failures = [
        f"{r.node.name} ({r.status}: {(r.message or '').strip().splitlines()[0][:160]})"
        for r in (result.result or [])
        if str(r.status) in ("error", "fail")
    ]
    return "dbt build failed: " + "; ".join(failures or ["see dbt_project/logs/dbt.log"])
