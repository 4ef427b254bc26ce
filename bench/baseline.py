"""The benchmark's baseline: DuckDB alone, the fastest way anyone could get these exports into
tables on this machine. No recognition, no validation, no ledger, no lineage, no tests: the file
names say which kind each file is, `read_csv` reads every file of a kind into one table
(`all_varchar`, `union_by_name`), and one SQL statement per post kind keeps the latest snapshot of
each post.

What DuckDB cannot read itself is done the quickest other way, and timed with the rest: YouTube
ZIPs are unpacked to a folder first (DuckDB has no ZIP reader offline); LinkedIn's `.xls`
workbooks (BIFF) are read with calamine (`read_xlsx` reads only `.xlsx`).

`python -m bench.baseline EXPORTS DATABASE`
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa
from python_calamine import CalamineWorkbook

# kind -> (globs under the exports folder, extra read_csv options). Files of one header are read
# positionally; `union_by_name` only where headers differ within a kind (it is slower, and runs
# out of memory on 800 X files mixing English and French headers).
SERIES = ", encoding = 'utf-16', skip = 2"  # Meta daily series: UTF-16, `sep=,`, a title line
CSV_KINDS = {
    "x_tweets_en": (["**/tweet_activity_metrics_*_en.csv"], ""),
    "x_tweets_fr": (["**/tweet_activity_metrics_*_fr.csv"], ""),
    "x_daily_en": (["**/daily_tweet_activity_metrics_*_en.csv"], ""),
    "x_daily_fr": (["**/daily_tweet_activity_metrics_*_fr.csv"], ""),
    "x_content": (["**/account_analytics_content_*.csv"], ", union_by_name = true"),
    "x_overview": (["**/account_overview_analytics*.csv"], ", union_by_name = true"),
    "facebook_posts": (["**/facebook/*/*-*-*_*-*-*_*.csv"], ", union_by_name = true"),
    "instagram_media": (["**/instagram/*/*-*-*_*-*-*_*.csv"], ", union_by_name = true"),
    # Follows.csv, Follows (1).csv, Link clicks.csv, ...
    "meta_series": (["**/*/*/[A-Z]*[a-z].csv", "**/*/*/[A-Z]*).csv"], SERIES),
}
YOUTUBE_MEMBERS = {
    "youtube_tables": "Table data.csv",
    "youtube_charts": "Chart data.csv",
    "youtube_totals": "Totals.csv",
}

LATEST = {
    "latest_tweets": """
        select * from (
            select #1 as post_id, #4 as posted, #5 as impressions, filename from x_tweets_en
            union all
            select #1, #4, #5, filename from x_tweets_fr
            union all
            select #1, #2, #5, filename from x_content
        )
        qualify row_number() over (
            partition by regexp_extract(filename, '/([^/]+)/[^/]+$', 1), post_id
            order by replace(
                regexp_extract(filename, '(\\d{4}-?\\d{2}-?\\d{2})(_[a-z]{2})?\\.csv$', 1), '-', ''
            ) desc
        ) = 1""",
    "latest_facebook_posts": """
        select * from facebook_posts
        qualify row_number() over (
            partition by "Page name", "Post ID"
            order by strptime(regexp_extract(filename, '_([A-Z][a-z]{2}-\\d{2}-\\d{4})_\\d+\\.csv', 1),
                '%b-%d-%Y') desc
        ) = 1""",
    "latest_instagram_media": """
        select * from instagram_media
        qualify row_number() over (
            partition by "Account username", "Post ID"
            order by strptime(regexp_extract(filename, '_([A-Z][a-z]{2}-\\d{2}-\\d{4})_\\d+\\.csv', 1),
                '%b-%d-%Y') desc
        ) = 1""",
    "latest_linkedin_posts": """
        select * from linkedin_posts
        qualify row_number() over (partition by account, "Post link" order by snapshot desc) = 1""",
    "latest_youtube_videos": """
        select * from youtube_tables where "Content" is not null and "Content" <> 'Total'
        qualify row_number() over (
            partition by regexp_extract(filename, ' ([^ /]+)\\.zip/', 1), "Content"
            order by regexp_extract(filename, '_(\\d{4}-\\d{2}-\\d{2}) ', 1) desc
        ) = 1""",
}


def run(exports: Path, database: Path) -> dict[str, int]:
    """Load every export into one table per kind, then the latest snapshot of every post; return
    the rows of every table."""
    con = duckdb.connect(str(database))
    con.execute("set memory_limit = '4GB'")
    for kind, (patterns, options) in CSV_KINDS.items():
        _read_csv(con, kind, [f"{exports}/{pattern}" for pattern in patterns], options)
    with tempfile.TemporaryDirectory() as unpacked:
        _unpack_youtube(exports, Path(unpacked))
        for kind, member in YOUTUBE_MEMBERS.items():
            _read_csv(con, kind, [f"{unpacked}/*/{member}"], ", union_by_name = true")
    _read_linkedin(con, exports)
    for table, query in LATEST.items():
        con.execute(f"create or replace table {table} as {query}")
    tables = [t for (t,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
    rows = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    con.close()
    return rows


def _read_csv(con: duckdb.DuckDBPyConnection, kind: str, patterns: list[str], options: str) -> None:
    con.execute(
        f"create or replace table {kind} as "
        f"select * from read_csv(?, all_varchar = true, filename = true{options})",
        [patterns],
    )


def _unpack_youtube(exports: Path, target: Path) -> None:
    for number, archive in enumerate(sorted(exports.glob("**/youtube/*/*.zip"))):
        folder = target / f"{number:06d} {archive.stem}.zip"
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(folder)


def _read_linkedin(con: duckdb.DuckDBPyConnection, exports: Path) -> None:
    """Every `All posts` sheet of every content workbook, as text, with its file's account and
    download time."""
    rows = []
    for path in sorted(exports.glob("**/linkedin/*/*_content_*.xls")):
        account, snapshot = path.name.split("_content_")[0], path.stem.rsplit("_", 1)[1]
        cells = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("All posts").to_python()
        header = [str(h) for h in cells[1]]
        for row in cells[2:]:
            values = {h: (None if v == "" else str(v)) for h, v in zip(header, row, strict=False)}
            rows.append({"account": account, "snapshot": snapshot, **values})
    table = pa.Table.from_pylist(rows) if rows else pa.table({"account": [], "snapshot": [], "Post link": []})
    con.register("linkedin_arrow", table)
    con.execute("create or replace table linkedin_posts as select * from linkedin_arrow")
    con.unregister("linkedin_arrow")


if __name__ == "__main__":
    counts = run(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"baseline: {sum(counts.values())} rows in {len(counts)} tables")
