"""Reconciliation before anything is built or published: for every loaded file, the rows the
ledger says were read equal the rows that landed in raw. A mismatch means a load went wrong (a
crash between landing and recording, a hand-edited raw table), and nothing downstream should
trust the raw layer until someone looks."""

from __future__ import annotations

import duckdb

from pipelines.formats import ALL_FORMATS
from pipelines.ledger import LEDGER_TABLE
from socialkpi.settings import Settings


class ReconciliationFailed(Exception):
    """Ledger and raw disagree; the message names the files."""


def raw_tables() -> list[str]:
    return sorted({f"{fmt.raw_schema}.{fmt.table}" for fmt in ALL_FORMATS})


def mismatches(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int]]:
    """(file, rows the ledger reports, rows in raw) for every loaded file where they differ."""
    # Rows are counted once per (file hash, member or sheet, row number): a crashed run that
    # landed a file twice still holds each row of it once after staging deduplicates. Counting
    # distinct rows of all history holds all of it in a hash table (1.6 GB at the agency scale),
    # so rows are counted plainly first, and distinctly only for the files whose count is off.
    suspects = _differing(con, "_file_sha256")
    if not suspects:
        return []
    recounted = _differing(con, "distinct _file_sha256, _source_file, _row_number", [s[3] for s in suspects])
    return [(file, read, raw) for file, read, raw, _sha in recounted]


def _differing(
    con: duckdb.DuckDBPyConnection, rows: str, only: list[str] | None = None
) -> list[tuple[str, int, int, str]]:
    """(file, rows read, rows in raw, hash) of the loaded files (of `only`, when given) whose
    ledger count differs from the number of `rows` selected from raw."""
    where = "where _file_sha256 in (select unnest($only))" if only is not None else ""
    landed = " union all ".join(f"select {rows} from {table} {where}" for table in raw_tables())
    return con.execute(
        f"""
        with raw_rows as (
            select _file_sha256 as sha256, count(*) as rows_in_raw from ({landed}) group by 1
        ),
        ledger as (
            select sha256, min(relative_path) as file, max(row_count) as rows_read
            from {LEDGER_TABLE}
            where status = 'loaded' and row_count is not null
            group by sha256
        )
        select ledger.file, ledger.rows_read, coalesce(raw_rows.rows_in_raw, 0), ledger.sha256
        from ledger left join raw_rows using (sha256)
        where
            ledger.rows_read <> coalesce(raw_rows.rows_in_raw, 0)
            {"and ledger.sha256 in (select unnest($only))" if only is not None else ""}
        order by ledger.file
        """,
        {"only": only} if only is not None else {},
    ).fetchall()


def reconcile(settings: Settings) -> int:
    """Raise ReconciliationFailed naming every file whose rows do not add up; return the number
    of loaded files checked."""
    with duckdb.connect(str(settings.warehouse)) as con:
        problems = mismatches(con)
        (checked,) = con.execute(
            f"select count(distinct sha256) from {LEDGER_TABLE} where status = 'loaded'"
        ).fetchone()
    if problems:
        listed = "; ".join(f"{file}: ledger {read} rows, raw {raw}" for file, read, raw in problems[:5])
        raise ReconciliationFailed(f"{len(problems)} file(s) do not reconcile with raw: {listed}")
    return checked
