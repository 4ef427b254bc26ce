"""The Facebook, Instagram and YouTube demo exports, end to end: what a demo file says is what the
marts say, read from the files on disk (not from the generator's internals)."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb

from pipelines.formats.meta import FACEBOOK_POSTS, INSTAGRAM_POSTS, INSTAGRAM_STORIES, WINDOW_IN_NAME
from pipelines.formats.spec import ExportFormat
from pipelines.formats.youtube import TABLE_CONTENT, TOTAL_LABELS
from pipelines.settings import Settings
from socialkpi.demo import CHANNELS

MARTS = (
    "facebook_posts",
    "facebook_page_daily",
    "instagram_posts",
    "instagram_stories",
    "instagram_account_daily",
    "youtube_videos",
    "youtube_channel_daily",
)
Rows = list[dict[str, str]]
_ID = "post_id"


def _folder(settings: Settings, channel: str) -> Path:
    return Path(settings.exports) / channel / "cern"


def _by_download_time(paths) -> list[Path]:
    """Oldest download first (the demo sets each file's modification time to its download)."""
    return sorted(paths, key=lambda p: (p.stat().st_mtime, p.name))


def _canonical_rows(text: str, fmt: ExportFormat) -> Rows:
    """Rows keyed by canonical column name, whatever the interface language of the header."""
    header, *rows = csv.reader(io.StringIO(text))
    names = [fmt.canonical_for(cell) or cell for cell in header]
    return [dict(zip(names, row, strict=True)) for row in rows]


def _posts_downloads(folder: Path, fmt: ExportFormat, stories: bool = False) -> list[tuple[Path, Rows]]:
    """Meta posts (or stories) exports of a folder, oldest download first."""
    downloads = []
    for path in _by_download_time(p for p in folder.glob("*.csv") if WINDOW_IN_NAME.search(p.name)):
        text = path.read_bytes().decode("utf-8-sig")
        if ("Sticker taps" in text.partition("\n")[0]) == stories:
            downloads.append((path, _canonical_rows(text, fmt)))
    return downloads


def _youtube_downloads(folder: Path) -> list[tuple[Path, Rows]]:
    """The content-dimension table of each Studio ZIP (English or German), oldest first."""
    downloads = []
    for path in _by_download_time(folder.glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                text = archive.read(name).decode("utf-8")
                if TABLE_CONTENT.canonical_for(text.split(",", 1)[0]) == "video_id":
                    rows = _canonical_rows(text, TABLE_CONTENT)
                    downloads.append((path, [r for r in rows if r["video_id"] not in TOTAL_LABELS]))
    return downloads


def _latest_value(downloads: list[tuple[Path, Rows]], pick, metric: str) -> tuple[str, str, int]:
    """The first row `pick` accepts in the oldest download: its id (as written), the value the
    most recent download listing it wrote, and how many downloads list it."""
    first = next(row for row in downloads[0][1] if pick(row))
    listing = [row for _, rows in downloads for row in rows if row[_ID] == first[_ID]]
    return first[_ID], listing[-1][metric], len(listing)


def _mart_value(settings: Settings, mart: str, column: str, post_id: str):
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        rows = con.execute(
            f"select {column} from marts.{mart} where account = 'cern' and post_id = ?", [post_id]
        ).fetchall()
    assert len(rows) == 1, f"{mart} has {len(rows)} rows for {post_id}"
    return rows[0][0]


def test_every_facebook_instagram_and_youtube_mart_has_rows_and_no_demo_file_was_refused(demo_refresh):
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        counts = {m: con.execute(f"select count(*) from marts.{m}").fetchone()[0] for m in MARTS}
        refused = con.execute(
            "select relative_path, status, reason from raw_ledger.export_files where status <> 'loaded'"
        ).fetchall()
    assert all(counts.values()), counts
    assert refused == []


def test_every_header_the_demo_writes_is_a_declared_spelling(demo_refresh):
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        extras = con.execute(
            """
            select table_schema, table_name, column_name from information_schema.columns
            where table_schema in ('raw_facebook', 'raw_instagram', 'raw_meta', 'raw_youtube')
              and column_name like 'extra%'
            """
        ).fetchall()
    assert extras == []


def test_a_facebook_posts_reach_in_the_mart_is_the_one_of_the_latest_download_that_lists_it(demo_refresh):
    downloads = _posts_downloads(_folder(demo_refresh, "facebook"), FACEBOOK_POSTS)
    post_id, written, listed_in = _latest_value(downloads, lambda row: row["reach"] != "0", "reach")
    assert listed_in >= 2
    assert _mart_value(demo_refresh, "facebook_posts", "reach", post_id) == int(written)


def test_an_instagram_posts_saves_in_the_mart_are_the_ones_of_the_latest_download_that_lists_it(demo_refresh):
    downloads = _posts_downloads(_folder(demo_refresh, "instagram"), INSTAGRAM_POSTS)
    post_id, written, listed_in = _latest_value(downloads, lambda row: row["saves"] != "0", "saves")
    assert listed_in >= 2
    assert _mart_value(demo_refresh, "instagram_posts", "saves", post_id) == int(written)


def test_an_instagram_storys_replies_in_the_mart_are_the_ones_of_the_latest_download_that_lists_it(
    demo_refresh,
):
    downloads = _posts_downloads(_folder(demo_refresh, "instagram"), INSTAGRAM_STORIES, stories=True)
    post_id, written, listed_in = _latest_value(downloads, lambda row: row["replies"] != "0", "replies")
    assert listed_in >= 2
    assert _mart_value(demo_refresh, "instagram_stories", "replies", post_id) == int(written)


def test_a_youtube_videos_views_in_the_mart_are_the_ones_of_the_latest_download_even_for_a_dash_id(
    demo_refresh,
):
    downloads = [
        (path, [{**r, _ID: r["video_id"]} for r in rows])
        for path, rows in _youtube_downloads(_folder(demo_refresh, "youtube"))
    ]
    written_id, written, listed_in = _latest_value(downloads, lambda row: row[_ID].startswith(" -"), "views")
    assert listed_in >= 2
    # Studio writes ids that start with "-" with a leading space; the mart has the real id.
    assert _mart_value(demo_refresh, "youtube_videos", "views", written_id.strip()) == int(written)


def _daily_series(path: Path) -> dict[date, int]:
    data = path.read_bytes()
    assert data.startswith(b"\xff\xfe")
    sep, title, header, *rows = data[2:].decode("utf-16-le").split("\n")
    assert (sep, title, header) == ("sep=,", '"Facebook follows"', '"Date","Primary"')
    return {date.fromisoformat(day[:10]): int(value) for day, value in csv.reader(r for r in rows if r)}


def test_a_days_new_facebook_followers_come_from_the_most_recent_follows_download_covering_it(demo_refresh):
    series = [
        _daily_series(p) for p in _by_download_time(_folder(demo_refresh, "facebook").glob("Follows*.csv"))
    ]
    day = max(series[0])  # still being counted in the first download, revised by the next one
    covering = [values[day] for values in series if day in values]
    assert len(covering) >= 2 and covering[0] != covering[-1]
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        (mart,) = con.execute(
            "select new_followers from marts.facebook_page_daily where account = 'cern' and date = ?", [day]
        ).fetchone()
    assert mart == covering[-1]


def _landed(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[str, date, list[tuple]]:
    """The interface language, snapshot date and raw rows (lineage left out) of one export."""
    source = f"facebook/cern/{path.name}"
    columns = [
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw_facebook' "
            "and table_name = 'posts' and not starts_with(column_name, '_')"
        ).fetchall()
    ]
    (language, snapshot) = con.execute(
        "select distinct _language, _snapshot_date from raw_facebook.posts where _source_file = ?", [source]
    ).fetchone()
    rows = con.execute(
        f"select {', '.join(columns)} from raw_facebook.posts where _source_file = ? order by post_id",
        [source],
    ).fetchall()
    return language, snapshot, rows


def test_the_french_facebook_download_lands_the_same_rows_as_the_english_download_of_its_window(demo_refresh):
    by_window = defaultdict(list)
    for path in _folder(demo_refresh, "facebook").glob("*.csv"):
        if match := WINDOW_IN_NAME.search(path.name):
            by_window[match.group(0)].append(path)
    (pair,) = [paths for paths in by_window.values() if len(paths) == 2]
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        landed = {language: (snapshot, rows) for language, snapshot, rows in (_landed(con, p) for p in pair)}
        snapshot, rows = landed["en"]
        staged = con.execute(
            "select count(*), count(distinct post_id) from staging.stg_facebook__post_snapshots "
            "where snapshot_date = ?",
            [snapshot],
        ).fetchone()
    assert sorted(landed) == ["en", "fr"]
    assert landed["fr"] == landed["en"] and len(rows) > 10
    # Two downloads of one window are one snapshot: one row per post, no conflicting values.
    assert staged == (len(rows), len(rows))


def test_two_runs_of_every_channel_s_generator_give_byte_identical_files():
    for _, generate in CHANNELS:
        first = generate()
        time.sleep(1.1)  # writers that stamp the save time (openpyxl does, to the second) show it
        second = generate()
        assert [(f.path, f.downloaded_at) for f in first] == [(f.path, f.downloaded_at) for f in second]
        assert all(a.content == b.content for a, b in zip(first, second, strict=True))
