"""A nightly refresh builds incrementally (staging reads only new raw rows, labels only posts
folded again): its marts must be exactly those of a warehouse built from scratch on the same
files, including for a post whose text changed in a later download."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from pipelines.settings import load_settings
from tests.conftest import copy_of, mart_rows, run_cli
from tests.corpus import comparable
from tests.test_crash_safety import write_arrivals

EDITED_TEXT = "Meet Dr Ada, who works on antimatter #TBT"


def edit_latest_tweet(exports: Path) -> str:
    """The newest CERN per-tweet download, downloaded again a week later with its first tweet's
    text edited; returns that tweet's id."""
    latest = sorted((exports / "twitter" / "cern").glob("tweet_activity_metrics_CERN_*_en.csv"))[-1]
    rows = list(csv.reader(io.StringIO(latest.read_text(encoding="utf-8"))))
    rows[1][2] = EDITED_TEXT
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    # the same 28-day window's name, a week later: a later snapshot, whose text wins
    later = latest.parent / "tweet_activity_metrics_CERN_20220314_20220411_en.csv"
    later.write_text(out.getvalue(), encoding="utf-8")
    return rows[1][0]


def labels(warehouse: Path, post_id: str) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        query = "select dimension, label from intermediate.int_post_labels where post_id = ?"
        return dict(con.execute(query, [post_id]).fetchall())


def test_a_nightly_incremental_build_ends_with_the_marts_of_a_build_from_scratch(tmp_path, demo_refresh):
    nightly = copy_of(demo_refresh, tmp_path / "nightly")
    comments = ["--comments-from", str(nightly.comments_from)]
    write_arrivals(Path(nightly.exports))
    edited = edit_latest_tweet(Path(nightly.exports))
    before = labels(nightly.warehouse, edited)

    night = run_cli("refresh", *comments, settings=nightly, check=True)
    scratch = load_settings(nightly.exports, tmp_path / "scratch" / "socialkpi.duckdb", nightly.comments_from)
    run_cli("refresh", *comments, settings=scratch, check=True)

    assert "incremental dbt build" in night.stderr + night.stdout
    assert labels(nightly.warehouse, edited) != before
    assert labels(nightly.warehouse, edited)["content_type"] == "human_story"
    assert labels(nightly.warehouse, edited) == labels(scratch.warehouse, edited)
    with duckdb.connect(str(scratch.warehouse), read_only=True) as con:
        marts = [
            n
            for (n,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        ]
    assert len(marts) > 20
    for mart in marts:
        assert comparable(mart_rows(nightly.warehouse, mart)) == comparable(
            mart_rows(scratch.warehouse, mart)
        ), mart
