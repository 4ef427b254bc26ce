"""Schema drift (DESIGN.md §8), on the corpus run (tests/corpus.py drift cases): a platform adds a
column, renames one we alias, drops a required one, writes a value of a new type."""

from __future__ import annotations

import duckdb

from tests.corpus import DRIFT_FILE


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
