"""Reconciliation before anything is built or published: for every loaded file, the rows the
ledger says were read equal the rows that landed in raw, each once. A mismatch means a load went
wrong (a crash between landing and recording, two writers landing the same files, a hand-edited
raw table), and nothing downstream should trust the raw layer until someone looks."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines import ledger
from pipelines.formats import ALL_FORMATS
from pipelines.warehouse import open_warehouse


class ReconciliationFailed(Exception):
    """Ledger and raw disagree; the message names the files."""


def raw_tables() -> list[str]:
    return sorted({f"{fmt.raw_schema}.{fmt.table}" for fmt in ALL_FORMATS})


def mismatches(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int]]:
    """(file, rows the ledger reports, rows in raw) for every loaded file where they differ.

    The totals are compared first: every fault the check is for (a file landed twice, rows a
    crash left unrecorded or undone, rows added or deleted by hand) changes how many rows raw
    holds against what the ledger says, and counting a table's rows costs nothing however long
    the history. Only when the totals differ are the rows counted file by file, to name the
    files. (What the totals cannot see, rows moved from one file's hash to another's with no row
    added or lost, no load does.)"""
    if _totals_agree(con):
        return []
    # Every row a file landed is counted, repeats included: a file landed twice (two writers, or a
    # crash recovery that did not undo its landing) holds twice its rows and does not reconcile,
    # whatever staging would deduplicate later. Counted plainly: a distinct count of all history
    # holds all of it in a hash table (1.6 GB at the agency scale).
    return [(file, read, raw) for file, read, raw, _sha in _differing(con, "_file_sha256")]


def _totals_agree(con: duckdb.DuckDBPyConnection) -> bool:
    counted = " + ".join(f"(select count(*) from {table})" for table in raw_tables())
    in_raw = con.execute(f"select {counted}").fetchone()[0]
    read = con.execute(f"select coalesce(sum(rows_read), 0) from ({ledger.loaded_row_counts()})").fetchone()[
        0
    ]
    return in_raw == read


def repeated_rows(con: duckdb.DuckDBPyConnection, files: list[str]) -> dict[str, int]:
    """Per file (of `files`, by relative path), how many of its raw rows repeat another (the same
    member and row number): counted distinctly only for these few files."""
    shas = ledger.loaded_at_paths(con, files)
    if not shas:
        return {}
    landed = " union all ".join(
        f"select _file_sha256, _source_file, _row_number from {table} "
        "where _file_sha256 in (select unnest($shas))"
        for table in raw_tables()
    )
    counted = con.execute(
        f"""
        select _file_sha256, count(*) - count(distinct (_source_file, _row_number))
        from ({landed})
        group by 1
        """,
        {"shas": list(shas)},
    ).fetchall()
    return {shas[sha]: repeated for sha, repeated in counted if repeated}


def _differing(con: duckdb.DuckDBPyConnection, rows: str) -> list[tuple[str, int, int, str]]:
    """(file, rows read, rows in raw, hash) of the loaded files whose ledger count differs from the
    number of `rows` selected from raw."""
    landed = " union all ".join(f"select {rows} from {table}" for table in raw_tables())
    return con.execute(
        f"""
        with raw_rows as (
            select _file_sha256 as sha256, count(*) as rows_in_raw from ({landed}) group by 1
        ),
        loaded as ({ledger.loaded_row_counts()})
        select loaded.file, loaded.rows_read, coalesce(raw_rows.rows_in_raw, 0), loaded.sha256
        from loaded left join raw_rows using (sha256)
        where loaded.rows_read <> coalesce(raw_rows.rows_in_raw, 0)
        order by loaded.file
        """
    ).fetchall()


def reconcile(warehouse: Path) -> int:
    """Raise ReconciliationFailed naming every file whose rows do not add up; return the number
    of loaded files checked."""
    with open_warehouse(warehouse) as con:
        problems = mismatches(con)
        repeated = repeated_rows(con, [file for file, _read, _raw in problems[:5]]) if problems else {}
        checked = ledger.count_loaded(con)
    if problems:
        listed = "; ".join(
            f"{file}: ledger {read} rows, raw {raw}"
            + (f" ({repeated[file]} of them landed more than once)" if file in repeated else "")
            for file, read, raw in problems[:5]
        )
        raise ReconciliationFailed(f"{len(problems)} file(s) do not reconcile with raw: {listed}")
    return checked
