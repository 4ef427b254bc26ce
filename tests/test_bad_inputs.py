"""The bad-input corpus (tests/corpus.py): every case lands in the ledger with the status and
reason it deserves, the rest of the folder still loads, nothing loaded before changes, and the
user never sees a traceback. Then schema drift (docs/design.md §8, the corpus's drift cases): a
platform adds a column, renames one we alias, drops a required one, writes a value of a new type.

One module: its session fixture (one corpus run) is built once per test worker."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.errors import LOADED
from pipelines.settings import Settings
from tests.conftest import run_cli
from tests.corpus import BIG_FILE, BIG_FILE_MB, DRIFT_FILE, GROWING_FILE, CorpusRun, cases, run_corpus

CASES = cases()


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory, demo_refresh: Settings) -> CorpusRun:
    """The corpus dropped into a copy of the demo's refreshed warehouse and exports, then
    refreshed twice."""
    return run_corpus(demo_refresh, tmp_path_factory.mktemp("corpus"), run_cli)


def test_the_corpus_has_at_least_thirty_cases_each_generated_by_code():
    assert len(CASES) >= 30
    assert len({case.path for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [c for c in CASES if c.path != GROWING_FILE], ids=lambda c: c.name)
def test_each_corpus_file_gets_the_ledger_status_and_reason_it_deserves(corpus_run, case):
    entry = corpus_run.after_first.ledger.get(case.path)
    if case.status is None:
        under = [path for path in corpus_run.after_first.ledger if path.startswith(case.path)]
        assert under == [], "not an export: never in the ledger, never followed twice"
        return
    assert entry is not None, f"{case.path} is not in the ledger"
    status, reason, rows, _sha = entry
    assert status == case.status, reason
    if case.reason:
        assert case.reason in (reason or "")
    else:
        assert reason is None or case.status != LOADED or reason == "already loaded"
    if case.rows is not None:
        assert rows == case.rows


def test_every_file_loaded_before_the_corpus_arrived_is_still_loaded_and_unchanged(corpus_run):
    for after in (corpus_run.after_first, corpus_run.after_second):
        for path, (status, _reason, rows, sha) in corpus_run.before.ledger.items():
            assert after.ledger[path][0] == status
            assert after.ledger[path][2:] == (rows, sha)


def test_raw_rows_and_marts_of_what_was_loaded_before_do_not_change(corpus_run):
    before = corpus_run.before
    for after in (corpus_run.after_first, corpus_run.after_second):
        assert {key: after.raw[key] for key in before.raw} == before.raw
        assert {mart: after.marts[mart] for mart in before.marts} == before.marts


def test_the_refresh_lists_each_new_refusal_publishes_the_rest_and_shows_no_traceback(corpus_run):
    first, second = corpus_run.first, corpus_run.second
    output = first.stdout + first.stderr + second.stdout + second.stderr
    assert "Traceback" not in output
    assert first.returncode == 2, first.stderr
    refused = [
        path
        for path, (status, *_rest) in corpus_run.after_first.ledger.items()
        if status in ("quarantined", "unrecognised")
    ]
    assert {c.path for c in CASES if c.status in ("quarantined", "unrecognised")} <= set(refused)
    for path in refused:
        assert path in first.stdout
    assert f"{len(refused)} new file(s) could not be loaded" in first.stderr
    assert "published" in first.stdout
    assert second.returncode == 0, "files refused before for the same reasons are not news"
    assert "published" in second.stdout


def test_a_file_still_being_written_is_refused_and_loads_whole_on_the_next_run(corpus_run):
    status, reason, _rows, _sha = corpus_run.after_first.ledger[GROWING_FILE]
    assert status == "quarantined"
    assert "still being written" in reason
    status, _reason, rows, _sha = corpus_run.after_second.ledger[GROWING_FILE]
    assert (status, rows) == ("loaded", corpus_run.growing_rows)


def test_a_50_mb_file_loads_every_row(corpus_run):
    path = Path(corpus_run.settings.exports) / BIG_FILE
    assert path.stat().st_size >= BIG_FILE_MB * 1_000_000
    with path.open("rb") as handle:
        rows = sum(1 for _ in handle) - 1
    assert corpus_run.after_first.ledger[BIG_FILE][:3] == ("loaded", None, rows)


def test_columns_in_another_order_land_in_the_right_raw_columns(corpus_run):
    with duckdb.connect(str(corpus_run.settings.warehouse), read_only=True) as con:
        wrong = con.execute(
            """
            select count(*) from raw_twitter.tweets as shuffled
            where shuffled._account = 'reordered'
              and (shuffled.post_url <> 'https://twitter.com/corpus/status/' || shuffled.post_id
                   or cast(shuffled.impressions as double) < cast(shuffled.engagements as double))
            """
        ).fetchone()
        (rows,) = con.execute(
            "select count(*) from raw_twitter.tweets where _account = 'reordered'"
        ).fetchone()
    assert (wrong, rows) == ((0,), 20)


def test_two_downloads_of_one_window_are_two_snapshots_and_the_marts_keep_one_row_per_post(corpus_run):
    with duckdb.connect(str(corpus_run.settings.warehouse), read_only=True) as con:
        snapshots = con.execute(
            "select count(distinct _file_sha256), count(*) from raw_twitter.tweets where _account = 'twice'"
        ).fetchone()
        posts = con.execute(
            "select count(*), count(distinct post_id) from marts.twitter_posts where account = 'twice'"
        ).fetchone()
        sources = con.execute(
            """
            select count(distinct snaps.source_file)
            from marts.twitter_posts as posts
            inner join staging.stg_twitter__tweet_snapshots as snaps
                on snaps.post_id = posts.post_id and snaps.impressions = posts.impressions
            where posts.account = 'twice'
            """
        ).fetchone()
    assert snapshots == (2, 40)
    assert posts == (20, 20)
    assert sources == (1,), "every post takes its numbers from the same one of the two downloads"


# ---------------------------------------------------------------------------- schema drift


def _posts(con: duckdb.DuckDBPyConnection, account: str) -> list[tuple]:
    """The account's twitter_posts rows without what names the post (ids, URLs, the account)."""
    return con.execute(
        "select * exclude (account, post_id, post_url) from marts.twitter_posts where account = ? "
        "order by text",
        [account],
    ).fetchall()


def test_an_added_column_is_kept_in_raw_and_changes_no_mart(corpus_run):
    with duckdb.connect(str(corpus_run.settings.warehouse), read_only=True) as con:
        kept = con.execute(
            "select _account, count(*), min(extra_poll_votes) from raw_twitter.tweets "
            "where _account in ('drift_plain', 'drift_added') group by 1 order by 1"
        ).fetchall()
        plain, added = _posts(con, "drift_plain"), _posts(con, "drift_added")
        mart_columns = con.execute("select * from marts.twitter_posts limit 0").description
    assert kept == [("drift_added", 5, "12"), ("drift_plain", 5, None)]
    assert len(plain) == 5
    assert added == plain
    assert "extra_poll_votes" not in {column[0] for column in mart_columns}


def test_a_renamed_column_we_alias_still_loads_into_the_same_marts(corpus_run):
    status, reason, rows, _sha = corpus_run.after_first.ledger[f"corpus/drift_renamed/{DRIFT_FILE}"]
    assert (status, reason, rows) == ("loaded", None, 5)
    with duckdb.connect(str(corpus_run.settings.warehouse), read_only=True) as con:
        assert _posts(con, "drift_renamed") == _posts(con, "drift_plain")


def test_a_dropped_required_column_quarantines_the_file_naming_the_column(corpus_run):
    status, reason, _rows, _sha = corpus_run.after_first.ledger[f"corpus/drift_dropped/{DRIFT_FILE}"]
    assert status == "quarantined"
    assert "impressions" in reason and "missing" in reason
    with duckdb.connect(str(corpus_run.settings.warehouse), read_only=True) as con:
        (landed,) = con.execute(
            "select count(*) from raw_twitter.tweets where _account = 'drift_dropped'"
        ).fetchone()
    assert landed == 0


def test_a_value_of_a_new_type_is_refused_and_never_poisons_the_next_run(corpus_run):
    status, reason, _rows, _sha = corpus_run.after_first.ledger[f"corpus/drift_new_type/{DRIFT_FILE}"]
    assert status == "quarantined"
    assert "column likes: 'true' is not a number" in reason
    # Nor do the numbers that parse but no column can hold (negative, beyond BIGINT): the next
    # run builds, tests and publishes.
    assert corpus_run.second.returncode == 0, corpus_run.second.stderr
    assert "published" in corpus_run.second.stdout
    assert corpus_run.after_second.ledger[f"corpus/drift_new_type/{DRIFT_FILE}"][:2] == (status, reason)
