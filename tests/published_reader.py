"""A BI-like reader for the reader-during-refresh test, run as its own process.

It queries the published marts in a loop until a stop file appears, three ways at once: a new
hardened connection per query to `kpi.duckdb` (what Superset does with its default NullPool), one
hardened connection to the live views opened once and kept (what a pooled BI server does), and,
given a DSN, one connection to the marts published to PostgreSQL, opened once and kept (Tableau,
Power BI). It prints one JSON line: queries run, failed, the first errors, every distinct answer seen.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pipelines.settings import load_settings
from socialkpi.serve.access import open_live, open_published

QUERY = "select count(*) from marts.twitter_posts"


def main(warehouse: str, stop_file: str, dsn: str | None = None) -> None:
    settings = load_settings(None, warehouse)
    pooled = open_live(settings)
    readers = {
        "per_query_connection": lambda: _count_once(open_published(settings)),
        "pooled_live_connection": lambda: pooled.execute(QUERY).fetchone()[0],
    }
    if dsn:
        import psycopg

        postgres = psycopg.connect(dsn, autocommit=True)
        readers["pooled_postgres_connection"] = lambda: postgres.execute(QUERY).fetchone()[0]
    counts = {"queries": 0, "failed": 0}
    seen: dict[str, list[int]] = {name: [] for name in readers}
    errors: list[str] = []
    print("ready", flush=True)
    while not Path(stop_file).exists():
        for name, read in readers.items():
            counts["queries"] += 1
            try:
                answer = read()
            except Exception as error:
                counts["failed"] += 1
                errors.append(f"{name}: {error}")
                continue
            if not seen[name] or seen[name][-1] != answer:
                seen[name].append(answer)
        time.sleep(0.05)  # a busy dashboard, not a busy loop: the refresh needs the CPU
    print(json.dumps({**counts, "errors": errors[:3], "seen": seen}), flush=True)


def _count_once(con) -> int:
    with con:
        return con.execute(QUERY).fetchone()[0]


if __name__ == "__main__":
    main(*sys.argv[1:4])
