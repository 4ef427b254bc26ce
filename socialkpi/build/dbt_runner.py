"""Run dbt (in-process, with dbt's own runner) on the warehouse the settings point at."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipelines import checkpoints
from pipelines.memory import (
    DBT_MEMORY_LIMIT_ENV,
    MEMORY_CAP_ENV,
    MEMORY_LIMIT_ENV,
    configured_memory_limit,
    dbt_threads,
    duckdb_memory_limit,
    lowered_by_the_cap,
)
from pipelines.progress import Counted
from pipelines.settings import DBT_PROJECT_DIR, WAREHOUSE_ENV, Settings
from pipelines.warehouse import open_warehouse
from socialkpi.build.saved_parse import keep_parse_across_warehouse_paths, start_from_the_project_parse

# Unit tests pin the SQL's logic on hand-computed rows, not the data: they run with the test suite
# (tests/test_dbt_unit_tests.py), not in every nightly build, where they cost a quarter of it.
WITHOUT_UNIT_TESTS = ("--exclude-resource-type", "unit_test")
AUDIT_SCHEMA = "audit"  # where failing rows are stored (dbt_project.yml, data_tests +schema)
# The events that report a node's result, as dbt's structured log writes them (`{"info": ...,
# "data": ...}`): what Dagster turns into materializations and check results
# (orchestration/transform.py), the same dicts its dbt CLI integration reads from a subprocess.
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
DbtEvents = list[dict]


@dataclass(frozen=True)
class FailedNode:
    """One node a dbt build reported as failed: a test that found rows (`relation` is where they
    were stored, schema `audit`: _store_failing_rows) or a model, seed or test that could not
    run."""

    name: str
    resource_type: str
    status: str  # "fail" (a test found rows) or "error" (it could not run)
    relation: str | None
    description: str = ""


class BuildFailed(Exception):
    """dbt reported an error or a failed error-severity test; nothing downstream may publish."""

    def __init__(self, message: str, failed: tuple[FailedNode, ...] = ()) -> None:
        super().__init__(message)
        self.failed = failed


def dbt_args(command: str, *extra: str) -> list[str]:
    """The dbt command line for a step: always this project and its own profiles.yml."""
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    return [command, *project, *_dbt_log_file(), *extra]


def _dbt_log_file() -> tuple[str, ...]:
    """dbt's own debug log (dbt_project/logs/dbt.log) only with SOCIALKPI_DEBUG=1. Writing it
    cost ~15 % of every node's time (a formatted, flushed line per event, a rotation check per
    line), in one file of the checkout that every warehouse's builds shared; what a night needs
    from dbt reaches socialkpi through its events (progress, failures, Dagster's results)."""
    return () if os.environ.get("SOCIALKPI_DEBUG") else ("--log-level-file", "none")


def dbt_target(settings: Settings) -> Path:
    """dbt's artifacts and its saved parse live beside each warehouse (socialkpi/build/saved_parse.py)."""
    return settings.warehouse.parent / "dbt_target"


@contextmanager
def parsed_meanwhile(settings: Settings) -> Iterator[None]:
    """When the next build would parse the whole project (no saved parse beside this warehouse,
    and none of the project's to start from: saved_parse.py), `dbt parse` runs in another process
    during the block, on the core that loading files leaves idle (a full parse costs ~7 s of the
    first refresh), and the build finds the parse done. The block's end waits for it: two dbt
    processes never write one target folder at once. The parse dies with this process (a killed
    refresh leaves no dbt running); a parse cut short only means the build parses again."""
    target = dbt_target(settings)
    if start_from_the_project_parse(target):
        yield
        return
    _point_dbt_at(settings)
    target.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "socialkpi.build.saved_parse",
        *dbt_args("parse", "--quiet", "--target-path", str(target)),
    ]
    parse = subprocess.Popen(
        [sys.executable, "-c", _DIE_WITH_PARENT, str(os.getpid()), *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        parse.wait()


def _point_dbt_at(settings: Settings) -> str:
    """What profiles.yml reads: the warehouse, and the memory DuckDB may use in it (within the
    process's cap, from what the process holds now: pipelines/memory.py); that limit."""
    os.environ[WAREHOUSE_ENV] = str(settings.warehouse)
    os.environ[DBT_MEMORY_LIMIT_ENV] = limit = duckdb_memory_limit()
    return limit


# Asks the kernel to SIGKILL this process when its parent dies (PR_SET_PDEATHSIG, kept across
# exec), then becomes the command; a parent already gone means nobody waits for it: exit.
_DIE_WITH_PARENT = (
    "import ctypes, os, sys; ctypes.CDLL(None).prctl(1, 9); "
    "os.getppid() == int(sys.argv[1]) or sys.exit(1); os.execv(sys.argv[2], sys.argv[2:])"
)


def run_dbt(
    settings: Settings,
    command: str,
    *extra: str,
    progress: Callable[[str], None] | None = None,
    events: DbtEvents | None = None,
):
    """Invoke dbt in this process and raise BuildFailed with the failing nodes named when it does
    not succeed. `events`, when given, receives the result event of every node (a failed run's
    too), as dbt's structured log writes them."""
    keep_parse_across_warehouse_paths()
    memory_limit = _point_dbt_at(settings)
    if progress and memory_limit != configured_memory_limit():
        progress(f"DuckDB may use {memory_limit} in this dbt {command}, {lowered_by_the_cap()}")
    # How many models run at once within the memory limit (pipelines/memory.py).
    threads = ("--threads", str(dbt_threads(memory_limit)))
    result = invoke_observed(dbt_args(command, "--quiet", *threads, *extra), progress, events)
    if command == "build" and threads[1] != "1" and _ran_out_of_memory_only(result):
        threads = ("--threads", "1")
        result = _retry_one_at_a_time(result, extra, progress, events)
    if not result.success:
        stored = _store_failing_rows(settings, result, (*threads, *extra))
        summary = _failure_summary(result, settings, stored, threads[1] == "1", memory_limit)
        raise BuildFailed(summary, _failed_nodes(result, stored))
    return result


def invoke_observed(
    args: list[str], progress: Callable[[str], None] | None = None, events: DbtEvents | None = None
):
    """One dbt invocation in this process, as every build runs (on either engine): its progress
    said, the crash-test checkpoint, and each node's result event into `events` when given."""
    callbacks = [_progress_callback(progress)] if progress else []
    callbacks.append(_checkpoint_during_build())
    if events is not None:
        callbacks.append(_result_events_into(events))
    return _invoke(args, callbacks)


def _invoke(args: list[str], callbacks: list | None = None):
    """One dbt invocation in this process. Afterwards dbt's database is released (it would stay
    open), and a Ctrl-C or SIGTERM that dbt caught and handed back as its result's exception
    (KeyboardInterrupt, socialkpi's Terminated) is raised again, so the run stops as it would
    anywhere else, with the one line that names the signal."""
    from dbt.cli.main import dbtRunner  # dbt's import costs ~2 s: only when a build runs

    result = dbtRunner(callbacks=callbacks or []).invoke(args)
    _release_dbt_database()
    if isinstance(result.exception, KeyboardInterrupt):
        raise result.exception
    return result


OUT_OF_MEMORY = "Out of Memory Error"  # how DuckDB's error begins


def _ran_out_of_memory_only(result) -> bool:
    """The build failed, and only because DuckDB ran out of memory (no check found rows)."""
    failed = [r for r in (result.result or []) if str(r.status) in ("error", "fail")]
    return bool(failed) and all(
        str(r.status) == "error" and OUT_OF_MEMORY in (r.message or "") for r in failed
    )


def _some_errored(result, shown: int = 3) -> str:
    """`n node(s) (a, b, c, …)`: the nodes that could not run, the first few by name."""
    names = [r.node.name for r in (result.result or []) if str(r.status) == "error"]
    more = ", …" if len(names) > shown else ""
    return f"{len(names)} node(s) ({', '.join(names[:shown])}{more})"


def _retry_one_at_a_time(
    failed, extra: tuple[str, ...], progress: Callable[[str], None] | None, events: DbtEvents | None
):
    """Models built side by side share one memory limit (pipelines/memory.py gives each
    MEMORY_PER_MODEL, an estimate): when some ran out of it, `dbt retry` builds what failed and
    what it skipped again, one model at a time, with the first invocation's selection and flags.
    A node reported by both runs keeps the retry's result only (Dagster takes one per node)."""
    if progress:
        progress(f"out of memory in {_some_errored(failed)}: building what failed again one model at a time")
    retried: DbtEvents = []
    callbacks = [_result_events_into(retried)]
    if progress:
        callbacks.append(_progress_callback(progress))
    target = _option_of(extra, "--target-path")
    result = _invoke(dbt_args("retry", "--quiet", "--threads", "1", *target), callbacks)
    if events is not None:
        again = {event["data"]["node_info"]["unique_id"] for event in retried}
        events[:] = [e for e in events if e["data"]["node_info"]["unique_id"] not in again] + retried
    return result


def _store_failing_rows(settings: Settings, result, extra: tuple[str, ...]) -> dict[str, str]:
    """Test name -> the table holding its failing rows, for every test that failed.

    Checks do not store their failing rows as they run (dbt_project.yml): creating a table per
    check costs about as much as the check itself, on every node of every night, for rows only a
    failure needs. So when checks fail, exactly those run again with `--store-failures`, reading
    the same rows (the same run state, and `--full-refresh` when the build had it)."""
    failed = [r.node for r in (result.result or []) if str(r.status) == "fail" and _is_test(r.node)]
    if not failed:
        return {}
    again = ["--select", *(node.name for node in failed), "--store-failures"]
    again += [a for a in ("--full-refresh",) if a in extra]
    for option in ("--threads", "--target-path"):  # the build's, so it runs as the build ran
        again += _option_of(extra, option)
    rerun = _invoke(dbt_args("build", "--quiet", *again))
    return {
        r.node.name: r.node.relation_name
        for r in (rerun.result or [])
        if _is_test(r.node) and getattr(r.node, "relation_name", None)
    }


def _option_of(arguments: tuple[str, ...], option: str) -> tuple[str, ...]:
    """`(option, value)` as the command line gave it, or nothing when it did not."""
    if option not in arguments:
        return ()
    at = arguments.index(option)
    return arguments[at : at + 2]


def forget_stored_failures(settings: Settings) -> None:
    """Drop the failing rows earlier builds stored (schema `audit`), so that what it holds after
    a build is the rows of the checks that failed in that build (in any of its rounds)."""
    if not settings.warehouse.exists():
        return
    with open_warehouse(settings.warehouse) as con:
        for (table,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [AUDIT_SCHEMA]
        ).fetchall():
            con.execute(f'drop table "{AUDIT_SCHEMA}"."{table}"')


def _is_test(node) -> bool:
    return str(node.resource_type) == "test"


def build_models(
    settings: Settings,
    *arguments: str,
    progress: Callable[[str], None] | None = None,
    events: DbtEvents | None = None,
):
    """`dbt build` of seeds, models, contracts and data tests (WITHOUT_UNIT_TESTS), its artifacts
    and partial parse kept beside the warehouse (dbt_target)."""
    target = dbt_target(settings)
    start_from_the_project_parse(target)  # a new warehouse (Dagster's first build) too
    # A build writes the warehouse (a first build creates it); a parse only reads the project, so
    # `socialkpi parse` (make validate, the tests' manifest) leaves no warehouse folder behind.
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    return run_dbt(
        settings,
        "build",
        *WITHOUT_UNIT_TESTS,
        *arguments,
        "--target-path",
        str(target),
        progress=progress,
        events=events,
    )


def _release_dbt_database() -> None:
    """dbt-duckdb keeps its database open in a class attribute after an in-process run (after a
    failed one too); close it, so this process can open the warehouse again (to read a failed
    test's rows, to publish) and so a long-lived process never holds the file."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV  # no public way to release it
    if environment is not None:
        environment.close()
        DuckDBConnectionManager._ENV = None


def _checkpoint_during_build():
    """The `build` crash-test checkpoint, after three nodes: some models rebuilt, others not."""
    finished = 0

    def on_event(event) -> None:
        nonlocal finished
        if event.info.name == "NodeFinished":
            finished += 1
            if finished == 3:
                checkpoints.reached("build")

    return on_event


def _result_events_into(events: DbtEvents):
    """Collects each node's result event; dbt's threads report them, and a list append is atomic."""
    from dbt_common.events.functions import msg_to_dict

    def on_event(event) -> None:
        if event.info.name in RESULT_EVENTS:
            events.append(msg_to_dict(event))

    return on_event


def _progress_callback(progress: Callable[[str], None]):
    """`dbt <done>/<total> nodes`, throttled (pipelines/progress.py); dbt says the total (the nodes
    this invocation selected) before the first node starts. dbt's threads each report the nodes
    they finish: one lock, so that the counts said only go up."""
    done, total = 0, 0
    nodes_done = Counted(progress, "dbt", "nodes")
    counting = threading.Lock()

    def on_event(event) -> None:
        nonlocal done, total
        if event.info.name == "ConcurrencyLine":
            total = event.data.node_count
        elif event.info.name == "NodeFinished":
            with counting:
                done += 1
                nodes_done(done, max(total, done))

    return on_event


def _failure_summary(
    result, settings: Settings, stored: dict[str, str], one_at_a_time: bool, memory_limit: str
) -> str:
    if result.exception is not None:
        return f"dbt could not run: {str(result.exception).strip().splitlines()[0]}"
    if _ran_out_of_memory_only(result):
        configured = configured_memory_limit()
        lowered = memory_limit != configured
        return (
            f"dbt build ran out of memory in {_some_errored(result)}: DuckDB's limit is "
            f"{MEMORY_LIMIT_ENV}={configured}"
            + (f", lowered to {memory_limit} to keep the process within {MEMORY_CAP_ENV}" if lowered else "")
            + (", and it was one model at a time" if one_at_a_time else "")
            + f"; raise {MEMORY_CAP_ENV if lowered else MEMORY_LIMIT_ENV} (DuckDB's units, e.g. 2GB)"
            + " and run it again"
        )
    failures = [
        f"{r.node.name} ({r.status}: {(r.message or '').strip().splitlines()[0][:160]})"
        + first_failing_row(stored.get(r.node.name), settings)
        for r in (result.result or [])
        if str(r.status) in ("error", "fail")
    ]
    return "dbt build failed: " + "; ".join(failures or ["see dbt_project/logs/dbt.log"])


def _failed_nodes(result, stored: dict[str, str]) -> tuple[FailedNode, ...]:
    return tuple(
        FailedNode(
            name=r.node.name,
            resource_type=str(r.node.resource_type),
            status=str(r.status),
            relation=stored.get(r.node.name),
            description=(getattr(r.node, "description", "") or "").strip(),
        )
        for r in (result.result or [])
        if str(r.status) in ("error", "fail")
    )


def first_failing_row(audit_relation: str | None, settings: Settings) -> str:
    """The first row a failed test stored (_store_failing_rows), so the message names the file or
    post at fault, not only the test."""
    if not audit_relation:
        return ""
    import duckdb

    try:
        with open_warehouse(settings.warehouse) as con:
            relation = con.sql(f"select * from {audit_relation} limit 1")
            row = relation.fetchone()
            names = relation.columns
    except duckdb.Error:
        return ""
    if row is None:
        return ""
    cells = ", ".join(f"{name}={value}" for name, value in zip(names, row, strict=True) if value is not None)
    return f" [first failing row: {cells[:300]}]"
