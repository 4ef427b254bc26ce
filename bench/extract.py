"""A BI extract of 100k rows: through PostgreSQL (the marts as `socialkpi publish --postgres`
writes them, read with psycopg as a PostgreSQL driver reads them) against the same rows from the
published DuckDB file (a hardened read-only connection, socialkpi.serve.access). Prints the ratio.

`make bench` runs it on the warehouse the refresh benchmark leaves; any published warehouse does:
    python -m bench.extract --warehouse demo/warehouse/socialkpi.duckdb

It starts a PostgreSQL cluster of its own in a temporary folder (Debian's PostgreSQL 15, `make
postgres`), publishes the marts there, and stops it at the end.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb
import psycopg

from pipelines.settings import load_settings
from socialkpi.publish.postgres import publish_marts
from socialkpi.serve.access import open_published
from tests.postgres_server import running_postgres

ROWS = 100_000
TRIES = 3


def widest_large_mart(published: Path) -> tuple[str, int]:
    """The mart with the most rows (ties: the most columns): the extract reads it, repeated when
    it holds fewer than ROWS rows, so both sides return exactly ROWS rows."""
    with duckdb.connect(str(published), read_only=True) as con:
        marts = con.execute(
            "select table_name, estimated_size, column_count from duckdb_tables() "
            "where schema_name = 'marts' order by estimated_size desc, column_count desc limit 1"
        ).fetchone()
    return marts[0], marts[1]


def extract_sql(mart: str, rows_in_mart: int) -> str:
    repeats = max(1, -(-ROWS // max(rows_in_mart, 1)))
    return (
        f"select m.* from marts.{mart} m cross join generate_series(1, {repeats}) as copies(n) limit {ROWS}"
    )


def best_of(read) -> tuple[float, int]:
    timings, rows = [], 0
    for _ in range(TRIES):
        started = time.perf_counter()
        rows = len(read())
        timings.append(time.perf_counter() - started)
    return min(timings), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    settings = load_settings(None, parser.parse_args().warehouse)
    mart, rows_in_mart = widest_large_mart(settings.published_marts)
    query = extract_sql(mart, rows_in_mart)
    with running_postgres() as server:
        url = server.url()
        started = time.perf_counter()
        publish_marts(settings.published_marts, url, {})
        published_s = time.perf_counter() - started

        def from_postgres() -> list:
            with psycopg.connect(url) as con:
                return con.execute(query).fetchall()

        def from_duckdb() -> list:
            with open_published(settings) as con:
                return con.execute(query).fetchall()

        postgres_s, postgres_rows = best_of(from_postgres)
        duckdb_s, duckdb_rows = best_of(from_duckdb)
    assert postgres_rows == duckdb_rows == ROWS, (postgres_rows, duckdb_rows)
    print()
    print(
        f"extract of {ROWS} rows of marts.{mart} (best of {TRIES}; "
        f"publish to PostgreSQL took {published_s:.1f} s)"
    )
    print(f"| {'route':<42} | {'wall s':>8} | ratio")
    print(f"|{'-' * 44}|{'-' * 10}|{'-' * 20}")
    print(f"| {'published DuckDB file (socialkpi.serve.access)':<42} | {duckdb_s:8.2f} | 1.00x")
    print(
        f"| {'PostgreSQL 15 (psycopg)':<42} | {postgres_s:8.2f} | "
        f"{postgres_s / duckdb_s:.2f}x the DuckDB file"
    )


if __name__ == "__main__":
    main()
