"""One file can fail only itself: a dbt build whose blocking checks fail on rows of one file (or
a few) quarantines those files, takes their rows out of raw, and builds again.

How a failure is traced to files: the checks that failed are run again storing their failing
rows (schema `audit`, dbt_runner._store_failing_rows). Staging models carry each row's
`source_file` (and `ingested_at`); raw tables carry `_source_file` (and `_ingested_at`). When
every failing row of every failed check names its file, those files are the cause: each is
quarantined with the check's name and its first failing row (`socialkpi files` shows it), its
rows leave raw in one transaction, and the build runs again. A failure that names no file (a
check on a mart that aggregates many files, a model that does not compile), or one that blames
more files than MAX_FILES_PER_CHECK (then the check or the code is more likely wrong than every
one of those files), still raises BuildFailed and nothing is published.

The rebuild is `--full-refresh` of what the quarantined files' raw tables reach: the
incremental staging models already hold the rows (the failed build wrote them) and a download's
rows may have replaced an older download's rows for the same key and snapshot date
(`delete+insert`), so deleting them from staging would lose the older rows, which raw still
holds. Rebuilding from raw is exact.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import duckdb

from pipelines.ledger import FAILED_CHECK
from pipelines.settings import Settings
from pipelines.unload import Unloaded, files_of, unload
from pipelines.warehouse import open_warehouse
from socialkpi.build import runstate
from socialkpi.build.dbt_runner import (
    BuildFailed,
    DbtEvents,
    FailedNode,
    build_models,
    forget_stored_failures,
)

Progress = Callable[[str], None]

MAX_FILES_PER_CHECK_ENV = "SOCIALKPI_MAX_FILES_PER_CHECK"
# Rounds of quarantine and rebuild one build may take: each round quarantines every file the
# failed checks name, so a second round is needed only when a check that the first failure
# skipped (downstream of it) fails on another file.
MAX_ROUNDS = 3
# Columns that say where a failing row came from (staging, raw), and when it was landed.
_FILE_COLUMNS = ("source_file", "_source_file")
_LANDED_COLUMNS = ("ingested_at", "_ingested_at")
# Lineage and bookkeeping columns left out of the row shown in a quarantine reason.
_NOT_SHOWN = {
    *_FILE_COLUMNS,
    *_LANDED_COLUMNS,
    "channel",
    "export_format",
    "export_language",
    "_file_sha256",
    "file_sha256",
    "downloaded_at",
    "_downloaded_at",
    "_format",
    "_language",
}


def max_files_per_check() -> int:
    raw = os.environ.get(MAX_FILES_PER_CHECK_ENV, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else 10


def build_isolating(
    settings: Settings,
    arguments: tuple[str, ...],
    progress: Progress | None = None,
    rounds: list[DbtEvents] | None = None,
) -> list[Unloaded]:
    """`dbt build` with `arguments`; when blocking checks fail on rows that come from files,
    quarantine those files and build again (up to MAX_ROUNDS times). Returns the files
    quarantined; raises BuildFailed when a failure is not explained by files. `rounds`, when
    given, receives each build's result events as it ends."""
    say = progress or (lambda _message: None)
    forget_stored_failures(settings)
    quarantined: list[Unloaded] = []
    for attempt in range(MAX_ROUNDS + 1):
        events: DbtEvents = []
        if rounds is not None:
            rounds.append(events)
        try:
            build_models(settings, *arguments, progress=progress, events=events)
            return quarantined
        except BuildFailed as failed:
            reasons = blame(failed.failed, settings) if attempt < MAX_ROUNDS else None
            if not reasons:
                raise
            held, tables = quarantine(settings, reasons)
            quarantined.extend(held)
            say(
                f"quarantined {len(held)} file(s) whose rows failed a blocking check "
                f"({', '.join(h.relative_path for h in held)}); building again without them"
            )
            arguments = rebuild_arguments(arguments, tables)
    raise AssertionError("unreachable: the last round raises or returns")


def blame(failed: tuple[FailedNode, ...], settings: Settings) -> dict[str, str] | None:
    """Content hash -> quarantine reason for every file the failed checks' rows come from; None
    when some failure is not explained by files."""
    if not failed:
        return None
    reasons: dict[str, str] = {}
    with open_warehouse(settings.warehouse, read_only=True) as con:
        for node in failed:
            if node.resource_type != "test" or node.status != "fail" or not node.relation:
                return None  # a model, seed or test that could not run: the code, not a file
            files = _files_of_failing_rows(con, node)
            if not files or len(files) > max_files_per_check():
                return None
            for sha, row in files.items():
                reasons.setdefault(sha, _reason(node, row))
    return reasons


def _files_of_failing_rows(con: duckdb.DuckDBPyConnection, node: FailedNode) -> dict[str, str] | None:
    """Content hash -> the first failing row of that file (shown short), or None when a failing
    row does not name a loaded file."""
    try:
        relation = con.sql(f"select * from {node.relation}")
    except duckdb.Error:
        return None
    columns = relation.columns
    file_column = next((c for c in _FILE_COLUMNS if c in columns), None)
    landed_column = next((c for c in _LANDED_COLUMNS if c in columns), None)
    if file_column is None:
        return None
    files: dict[str, str] = {}
    located: dict[tuple, set[str]] = {}
    for row in relation.fetchall():
        cells = dict(zip(columns, row, strict=True))
        where = (cells[file_column], cells.get(landed_column) if landed_column else None)
        if where[0] is None:
            return None
        if where not in located:
            located[where] = files_of(con, *where)
        if not located[where]:
            return None  # its rows are no longer in raw: nothing a quarantine would change
        for sha in located[where]:
            files.setdefault(sha, _shown(cells))
    return files


def _shown(cells: dict[str, object]) -> str:
    """The row short: keys and numbers, not the post's text (cells longer than 40 characters)."""
    shown = ", ".join(
        f"{k}={v}" for k, v in cells.items() if k not in _NOT_SHOWN and v is not None and len(str(v)) <= 40
    )
    return shown[:200] + ("…" if len(shown) > 200 else "")


def _reason(node: FailedNode, row: str) -> str:
    what = f" ({node.description})" if node.description else ""
    return (
        f"{FAILED_CHECK}{node.name}{what}: {row}; the file's rows were taken out of the warehouse "
        "and the rest was published. A new download of it loads again, and so does this file "
        "after a change to the checks or the seeds (accounts.csv)"
    )


def quarantine(settings: Settings, reasons: dict[str, str]) -> tuple[list[Unloaded], list[str]]:
    """Take the files' rows out of raw, mark them quarantined, and make the next build rebuild
    from raw, in one transaction. Returns the files and the raw tables their rows left."""
    with open_warehouse(settings.warehouse) as con:
        con.execute("begin transaction")
        try:
            held, tables = unload(con, reasons, settings.lake)
            runstate.forget_passed_build(con)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    return held, tables


def rebuild_arguments(arguments: tuple[str, ...], tables: list[str]) -> tuple[str, ...]:
    """The build again, from raw for every model the emptied raw tables reach: a full build
    stays a full build; a selection gains those tables (a quarantined file may be older than
    the rows the selection was made for)."""
    arguments = arguments if "--full-refresh" in arguments else (*arguments, "--full-refresh")
    if "--select" not in arguments:
        return arguments
    at = arguments.index("--select") + 1
    end = next((i for i in range(at, len(arguments)) if arguments[i].startswith("--")), len(arguments))
    selected = list(arguments[at:end])
    added = [f"source:{table}+" for table in tables if f"source:{table}+" not in selected]
    return (*arguments[:end], *added, *arguments[end:])
