"""Take loaded files' rows out of the raw tables, and say so in the file ledger.

Two callers: the build, when a blocking data check fails on rows of one file (the file is
quarantined with the check's name, socialkpi/build/isolation.py), and a person (`socialkpi files
--unload PATH`). Raw rows carry their file's content hash (`_file_sha256`), so a file's rows are
found in every raw table it landed in (a workbook's sheets, a ZIP's members) and nowhere else.

The caller owns the transaction: the rows, the ledger status and what the next build must redo
change together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines import ledger
from pipelines.lake import take_out_rows

# Raw tables that hold export rows: every table of a `raw_*` schema with the lineage column.
_RAW_TABLES = (
    "select table_schema || '.' || table_name from information_schema.columns "
    "where table_schema like 'raw\\_%' escape '\\' and column_name = '_file_sha256' order by 1"
)


@dataclass(frozen=True)
class Unloaded:
    """A file whose rows left the warehouse."""

    sha256: str
    relative_path: str
    rows: int
    reason: str


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [name for (name,) in con.execute(_RAW_TABLES).fetchall()]


def files_of(con: duckdb.DuckDBPyConnection, source_file: str, ingested_at: object | None = None) -> set[str]:
    """The content hashes of the loaded files whose rows say `_source_file` = `source_file` (and
    were landed at `ingested_at`, when given: two downloads saved under one name share a path)."""
    when = "and _ingested_at = ?" if ingested_at is not None else ""
    hashes: set[str] = set()
    for table in raw_tables(con):
        rows = con.execute(
            f"select distinct _file_sha256 from {table} where _source_file = ? {when}",
            [source_file] if ingested_at is None else [source_file, ingested_at],
        ).fetchall()
        hashes.update(sha for (sha,) in rows)
    return hashes


def loaded_at_path(con: duckdb.DuckDBPyConnection, path: str) -> dict[str, str]:
    """Content hash -> relative path of the loaded files at `path`: a path as `socialkpi files`
    shows it (relative to the exports folder), or the file's URL or absolute path."""
    return ledger.loaded_at_paths(con, [path])


def unload(
    con: duckdb.DuckDBPyConnection, reasons: dict[str, str], lake: Path | None = None
) -> tuple[list[Unloaded], list[str]]:
    """Delete every raw row of the files `reasons` names (content hash -> why) and mark their
    loaded ledger entries quarantined with that reason. Call inside a transaction. Returns the
    files, and the raw tables rows left. With a lake (the Spark engine) the rows leave its
    Parquet files first, file by file: the transaction then covers only the ledger and the run
    state, and a failure between the two shows as rows the ledger lists but raw lacks, which
    reconciliation reports (pipelines/reconcile.py)."""
    if not reasons:
        return [], []
    hashes = sorted(reasons)
    rows: dict[str, int] = dict.fromkeys(hashes, 0)
    emptied: list[str] = []
    for table in raw_tables(con):
        for sha, count in take_out_rows(con, table, hashes, lake).items():
            rows[sha] += count
            emptied.append(table)
    paths = ledger.loaded_paths_of(con, hashes)
    ledger.mark_taken_out(con, {sha: reasons[sha] for sha in hashes})
    held = [Unloaded(sha, paths.get(sha, sha), rows[sha], reasons[sha]) for sha in hashes]
    return held, sorted(set(emptied))
