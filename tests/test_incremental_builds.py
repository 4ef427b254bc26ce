"""A nightly refresh builds incrementally (staging reads only new raw rows, labels only posts
folded again): its marts must be exactly those of a warehouse built from scratch on the same
files, including for a post whose text changed in a later download. Its data tests read only
what they must (dbt_project/macros/tested_rows.sql): a row-by-row check of a staging model the
rows loaded since the last build that passed, a uniqueness check the rows sharing a key with
them, a check of a mart the whole mart.

One night and one build from scratch on the same files (module fixture); the tests read them."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import Settings, load_settings
from socialkpi.build.dbt_runner import dbt_target
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


@dataclass(frozen=True)
class Night:
    nightly: Settings  # the demo's warehouse, then one night of new files (incremental build)
    scratch: Settings  # the same files, built from scratch
    night: subprocess.CompletedProcess
    edited: str  # the tweet whose text the night's download changed
    labels_before: dict[str, str]


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory, demo_refresh: Settings) -> Night:
    root = tmp_path_factory.mktemp("incremental")
    nightly = copy_of(demo_refresh, root / "nightly")
    comments = ["--comments-from", str(nightly.comments_from)]
    write_arrivals(Path(nightly.exports))
    edited = edit_latest_tweet(Path(nightly.exports))
    before = labels(nightly.warehouse, edited)

    result = run_cli("refresh", *comments, settings=nightly, check=True)
    scratch = load_settings(nightly.exports, root / "scratch" / "socialkpi.duckdb", nightly.comments_from)
    run_cli("refresh", *comments, settings=scratch, check=True)
    return Night(nightly, scratch, result, edited, before)


def test_a_nightly_incremental_build_ends_with_the_marts_of_a_build_from_scratch(night: Night):
    nightly, scratch, edited = night.nightly, night.scratch, night.edited
    assert "incremental dbt build" in night.night.stderr + night.night.stdout
    assert labels(nightly.warehouse, edited) != night.labels_before
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


TWEETS = "staging.stg_twitter__tweet_snapshots"
NOT_NULL = "not_null_stg_twitter__tweet_snapshots_posted_at"
UNIQUE = "unique_combination_stg_twitter__tweet_snapshots_account__post_id__snapshot_date"
KEY = "account, post_id, snapshot_date"


def check_sql(settings: Settings, check: str, *, full_refresh: bool) -> str:
    """The SQL a data test ran in the last dbt build of the warehouse (run_results.json), after
    making sure that build was incremental, or a build from scratch."""
    run = json.loads((dbt_target(settings) / "run_results.json").read_text(encoding="utf-8"))
    assert bool(run["args"].get("full_refresh")) == full_refresh
    (code,) = [r["compiled_code"] for r in run["results"] if r["unique_id"].split(".")[2] == check]
    return code


def failing_rows(warehouse: Path, sql: str, columns: str = "*") -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select {columns} from ({sql}) order by all").fetchall()


def plant(warehouse: Path) -> dict[str, tuple]:
    """Rows that break the tweets' checks, some old (landed before the night's build started,
    which passed) and some new (landed after it), each keyed by what it is."""
    with duckdb.connect(str(warehouse)) as con:
        (started,) = con.execute(
            "select output from raw_ledger.refresh_state where step = 'build'"
        ).fetchone()
        old = con.execute(
            f"select {KEY} from {TWEETS} where ingested_at < ?::timestamptz order by {KEY} limit 3",
            [started],
        ).fetchall()
        assert len(old) == 3
        planted = {"old without time": old[0], "new key again": old[1], "old key again": old[2]}
        where = "account = ? and post_id = ? and snapshot_date = ?"
        con.execute(f"update {TWEETS} set posted_at = null where {where}", list(old[0]))
        new_row = "* replace (post_id || '-new' as post_id, null as posted_at, now() as ingested_at)"
        con.execute(f"insert into {TWEETS} select {new_row} from {TWEETS} where {where}", list(old[0]))
        planted["new without time"] = (old[0][0], old[0][1] + "-new", old[0][2])
        # The same key as an old row: once landed after the build, once before it.
        again = "* replace (now() as ingested_at)"
        con.execute(f"insert into {TWEETS} select {again} from {TWEETS} where {where}", list(old[1]))
        con.execute(f"insert into {TWEETS} select * from {TWEETS} where {where}", list(old[2]))
    return planted


def planted_copy(night: Night, tmp_path: Path, check: str) -> tuple[Path, dict, str, str]:
    """A copy of the night's warehouse with the rows of plant(), and the SQL `check` ran as on the
    incremental night and as on the build from scratch."""
    warehouse = tmp_path / "socialkpi.duckdb"
    shutil.copy(night.nightly.warehouse, warehouse)
    planted = plant(warehouse)
    nightly_check = check_sql(night.nightly, check, full_refresh=False)
    from_scratch_check = check_sql(night.scratch, check, full_refresh=True)
    return warehouse, planted, nightly_check, from_scratch_check


def test_an_incremental_nights_row_by_row_checks_read_only_the_rows_landed_since_the_last_passing_build(
    night: Night, tmp_path: Path
):
    warehouse, planted, nightly_check, from_scratch_check = planted_copy(night, tmp_path, NOT_NULL)

    # Both rows without a publish time break the check; the night reads only the new one (the
    # old one was there, with its time, when the last passing build checked it). A check that
    # does not store its rows selects only the column it checks (dbt's not_null): the rows are
    # told apart by what the check reads, the old row's and then the new row's.
    assert planted["old without time"] != planted["new without time"]
    assert failing_rows(warehouse, from_scratch_check, "count(*)") == [(2,)]
    assert failing_rows(warehouse, nightly_check, "count(*)") == [(1,)]
    with duckdb.connect(str(warehouse)) as con:  # the new row gets its time back: nothing fails
        con.execute(
            f"update {TWEETS} set posted_at = now() where account = ? and post_id = ?",
            list(planted["new without time"][:2]),
        )
    assert failing_rows(warehouse, from_scratch_check, "count(*)") == [(1,)]
    assert failing_rows(warehouse, nightly_check, "count(*)") == [(0,)]


def test_an_incremental_nights_uniqueness_checks_read_every_row_sharing_a_key_with_a_new_row(
    night: Night, tmp_path: Path
):
    warehouse, planted, nightly_check, from_scratch_check = planted_copy(night, tmp_path, UNIQUE)

    # A new row repeating an old row's key is caught with the old row it collides with; two old
    # rows sharing a key are the whole table's business (a build from scratch).
    assert failing_rows(warehouse, from_scratch_check) == sorted(
        [(*planted["new key again"], 2), (*planted["old key again"], 2)]
    )
    assert failing_rows(warehouse, nightly_check) == [(*planted["new key again"], 2)]


def test_an_incremental_nights_checks_of_marts_read_them_whole(night: Night):
    run = json.loads((dbt_target(night.nightly) / "run_results.json").read_text(encoding="utf-8"))
    tests = {
        r["unique_id"].split(".")[2]: r["compiled_code"]
        for r in run["results"]
        if r["unique_id"].startswith("test.")
    }
    scoped = {name for name, sql in tests.items() if "refresh_state" in sql}
    assert NOT_NULL in scoped and UNIQUE in scoped and "each_tweet_once_per_file" in scoped
    mart_checks = {name for name in tests if "post_metric_history" in name or "twitter_posts" in name}
    assert mart_checks and not mart_checks & scoped
