"""The marts published to a real PostgreSQL 15 (started by the suite): what arrives, the roles,
the swap a pooled reader never notices, rollback, and no rewrite when nothing is new."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import psycopg
import pytest

from pipelines.settings import Settings
from socialkpi.publish import postgres as publish_postgres
from socialkpi.publish import state as publish_state
from tests.conftest import SOCIALKPI, copy_of, mart_rows, run_cli
from tests.postgres_server import (
    PublishedPostgres,
    postgres_server_fixture,  # noqa: F401 (the postgres_server fixture)
    publish_to_new_database,
)

READER_TIMEOUT = "2s"


@pytest.fixture(scope="module")
def warehouse(demo_refresh: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the demo's warehouse of this module's own: its publishes touch no other test's."""
    return copy_of(demo_refresh, tmp_path_factory.mktemp("postgres_publish"))


@pytest.fixture(scope="module")
def published(postgres_server, warehouse: Settings) -> PublishedPostgres:
    return publish_to_new_database(postgres_server, warehouse, "publish_tests", READER_TIMEOUT)


def marts_of(warehouse: Settings) -> list[str]:
    with duckdb.connect(str(warehouse.published_marts), read_only=True) as con:
        return [n for (n,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]


def test_every_mart_arrives_in_postgres_with_the_warehouse_rows(published, warehouse):
    marts = marts_of(warehouse)
    assert len(marts) > 20
    with psycopg.connect(published.reader_url) as con:
        for mart in marts:
            (rows,) = con.execute(f"select count(*) from marts.{mart}").fetchone()
            assert rows == len(mart_rows(warehouse.warehouse, mart)), mart
    assert "PostgreSQL schema marts: written" in published.publish.stdout


def test_postgres_columns_keep_the_marts_types_utc_times_as_timestamptz(published):
    with psycopg.connect(published.reader_url) as con:
        types = dict(
            con.execute(
                "select table_name || '.' || column_name, data_type from information_schema.columns "
                "where table_schema = 'marts'"
            ).fetchall()
        )
    assert types["all_posts.posted_at"] == "timestamp with time zone"
    assert types["all_posts.posted_at_local"] == "timestamp without time zone"
    assert types["all_posts.snapshot_date"] == "date"
    assert types["all_posts.engagement_rate"] == "double precision"
    assert types["all_posts.likes"] == "bigint"
    assert types["channel_monthly.month"] == "date"


def test_utc_times_and_text_arrays_hold_the_same_values_as_in_duckdb(published, warehouse):
    with duckdb.connect(str(warehouse.published_marts), read_only=True) as con:
        array_columns = con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where schema_name = 'marts' and data_type = 'VARCHAR[]' order by all"
        ).fetchall()
        (first,) = con.execute("select min(posted_at) from marts.all_posts").fetchone()
    assert array_columns, "the marts have text arrays (hashtags, mentions)"
    with psycopg.connect(published.reader_url) as con:
        (utc,) = con.execute("select min(posted_at) at time zone 'UTC' from marts.all_posts").fetchone()
        assert utc == first
        for table, column in array_columns:
            with duckdb.connect(str(warehouse.published_marts), read_only=True) as duck:
                expected = duck.execute(
                    f"select {column} from marts.{table} where {column} is not null"
                ).fetchall()
            got = con.execute(f"select {column} from marts.{table} where {column} is not null").fetchall()
            assert sorted(map(str, got)) == sorted(map(str, expected)), f"{table}.{column}"
            assert con.execute(
                "select data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = %s and column_name = %s",
                [table, column],
            ).fetchone() == ("ARRAY",)


def test_each_mart_has_its_dbt_key_as_primary_key_and_its_dbt_descriptions_as_comments(published):
    with psycopg.connect(published.reader_url) as con:
        (key,) = con.execute(
            "select pg_get_constraintdef(oid) from pg_constraint "
            "where conrelid = 'marts.all_posts'::regclass and contype = 'p'"
        ).fetchone()
        (table_comment, column_comment) = con.execute(
            "select obj_description('marts.all_posts'::regclass), "
            "col_description('marts.all_posts'::regclass, (select attnum from pg_attribute "
            "where attrelid = 'marts.all_posts'::regclass and attname = 'posted_at'))"
        ).fetchone()
        without_key = con.execute(
            "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where nspname = 'marts' and relkind = 'r' and not exists "
            "(select 1 from pg_constraint k where k.conrelid = c.oid and k.contype in ('p', 'u'))"
        ).fetchall()
    assert key == "PRIMARY KEY (channel, account, post_id)"
    assert table_comment.startswith("One row per channel and post")
    assert "UTC" in column_comment and "{{" not in column_comment  # the doc block, rendered
    assert without_key == []


def test_the_reader_role_reads_marts_only_creates_nothing_and_is_cut_off_by_its_timeout(published):
    with psycopg.connect(published.reader_url, autocommit=True) as con:
        assert con.execute("select count(*) from marts.channel_monthly").fetchone()[0] > 0
        refused = {
            "create table marts.mine (a int)": "read-only transaction",
            "create temporary table mine (a int)": "read-only transaction",
            "delete from marts.all_posts": "read-only transaction",
            "select pg_sleep(3)": "statement timeout",
        }
        for statement, reason in refused.items():
            with pytest.raises(psycopg.Error, match=reason):
                con.execute(statement)
        # Even with its read-only default switched off, the role owns nothing and may create nothing.
        con.execute("set default_transaction_read_only = off")
        for statement in (
            "create table marts.mine (a int)",
            "create table public.mine (a int)",
            "create temporary table mine (a int)",
            "create schema mine",
            "delete from marts.all_posts",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(statement)


def test_a_publish_with_nothing_new_leaves_postgres_untouched(published, warehouse):
    def table_identity() -> int:
        with psycopg.connect(published.writer_url) as con:
            return con.execute("select 'marts.all_posts'::regclass::oid").fetchone()[0]

    before = table_identity()
    again = run_cli("publish", "--postgres", published.writer_url, settings=warehouse, check=True)
    assert "PostgreSQL schema marts: already current" in again.stdout
    assert table_identity() == before


def smaller_copy(published_copy: Path, target: Path, dropped_tweets: int) -> Path:
    """The published file with the newest `dropped_tweets` X posts gone from both marts that hold
    them: another night's marts, as far as the swap can tell."""
    shutil.copy(published_copy, target)
    with duckdb.connect(str(target)) as con:
        for mart in ("twitter_posts", "all_posts"):
            con.execute(
                f"delete from marts.{mart} where post_id in (select post_id from marts.twitter_posts "
                f"order by posted_at desc, post_id limit {dropped_tweets})"
                + (" and channel = 'twitter'" if mart == "all_posts" else "")
            )
    return target


def test_a_pooled_reader_sees_every_publish_whole_and_never_fails_then_rollback_restores_the_previous(
    published, warehouse, tmp_path
):
    """Three publishes (swaps) while a SQLAlchemy pool of reader connections queries both marts
    that hold X posts in one statement: each answer is one publish's pair, never a mix, never an
    error; then rollback swaps the previous marts back."""
    sqlalchemy = pytest.importorskip("sqlalchemy")
    copies = [
        smaller_copy(warehouse.published_marts, tmp_path / f"night{n}.duckdb", 30 * n) for n in (3, 2, 1)
    ]
    engine = sqlalchemy.create_engine(
        published.reader_url.replace("postgresql://", "postgresql+psycopg://"),
        pool_size=3,
        pool_pre_ping=False,
    )
    query = sqlalchemy.text(
        "select (select count(*) from marts.twitter_posts), "
        "(select count(*) from marts.all_posts where channel = 'twitter')"
    )
    seen, failures, stop = [], [], threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                with engine.connect() as con:
                    answer = tuple(con.execute(query).one())
            except Exception as error:
                failures.append(repr(error))
                continue
            if not seen or seen[-1] != answer:
                seen.append(answer)
            time.sleep(0.005)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    expected = [_pair(published.reader_url)]
    try:
        for copy in copies:
            time.sleep(0.3)
            outcome = publish_postgres.publish_marts(copy, published.writer_url, {})
            assert outcome.rewritten
            expected.append((outcome.rows_by_mart["twitter_posts"],) * 2)
        time.sleep(0.3)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
        engine.dispose()
    assert failures == []
    assert len(set(expected)) == 4
    assert sorted(set(seen)) == sorted(set(expected)), "every publish seen, and only whole ones"

    with psycopg.connect(published.reader_url) as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("select count(*) from marts_previous.twitter_posts")  # readers see `marts` only
    publish_postgres.rollback(published.writer_url)
    assert _pair(published.reader_url) == expected[-2]


def test_a_reader_transaction_that_has_read_a_mart_holds_the_swap_back_and_reads_one_publish_to_its_end(
    published, warehouse, tmp_path
):
    """A schema rename locks no table: without the swap's own locks, a reader that has counted
    `marts.twitter_posts` would find the next night's `marts.all_posts` in its next look. The swap
    waits for the reader's transaction instead, and swaps in as soon as it ends."""
    before = _pair(published.reader_url)
    night = smaller_copy(warehouse.published_marts, tmp_path / "night.duckdb", 15)
    with psycopg.connect(published.reader_url) as reader, ThreadPoolExecutor(1) as pool:
        (posts,) = reader.execute("select count(*) from marts.twitter_posts").fetchone()
        publishing = pool.submit(publish_postgres.publish_marts, night, published.writer_url, {})
        _wait_until_loaded(published.writer_url, publishing)
        time.sleep(1)  # the swap would have committed in milliseconds
        assert not publishing.done(), "the swap waits for the reader that has read the marts"
        (x_in_all_posts,) = reader.execute(
            "select count(*) from marts.all_posts where channel = 'twitter'"
        ).fetchone()
        assert (posts, x_in_all_posts) == before
        reader.rollback()  # the reader's transaction ends
        swapped = publishing.result(timeout=30)
    assert _pair(published.reader_url) == (swapped.rows_by_mart["twitter_posts"],) * 2 != before


def test_a_reader_that_keeps_reading_makes_the_swap_give_up_saying_so_and_leaves_no_trace(
    published, warehouse, tmp_path, monkeypatch
):
    monkeypatch.setattr(publish_postgres, "SWAP_WAIT_SECONDS", 1.5)
    before = _pair(published.reader_url)
    night = smaller_copy(warehouse.published_marts, tmp_path / "night.duckdb", 11)
    with psycopg.connect(published.reader_url) as reader:
        reader.execute("select count(*) from marts.all_posts").fetchone()
        with pytest.raises(publish_postgres.PostgresPublishFailed, match="run the publish again later"):
            publish_postgres.publish_marts(night, published.writer_url, {})
        assert reader.execute("select count(*) from marts.twitter_posts").fetchone()[0] == before[0]
    assert _pair(published.reader_url) == before
    with psycopg.connect(published.writer_url) as con:
        assert con.execute("select 1 from pg_namespace where nspname = 'marts_loading'").fetchone() is None


def _wait_until_loaded(writer_url: str, publishing: Future) -> None:
    """Until the load's transaction has committed `marts_loading` (its comment is its last step):
    the swap comes next. Or until the publish has ended: then it did not wait."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if publishing.done():
            return
        with psycopg.connect(writer_url, autocommit=True) as con:
            row = con.execute(
                "select obj_description(oid, 'pg_namespace') from pg_namespace "
                "where nspname = 'marts_loading'"
            ).fetchone()
        if row and row[0]:
            return
        time.sleep(0.05)
    raise AssertionError("the load never committed marts_loading")


def _pair(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as con:
        return con.execute(
            "select (select count(*) from marts.twitter_posts), "
            "(select count(*) from marts.all_posts where channel = 'twitter')"
        ).fetchone()


def test_a_load_whose_row_count_differs_from_the_warehouse_swaps_nothing_in_and_leaves_no_trace(
    published, warehouse, tmp_path
):
    """The load is one transaction: a mart that does not hold the warehouse's rows fails it, and
    PostgreSQL is as it was, without a half-loaded `marts_loading`."""
    before = _pair(published.reader_url)
    night = smaller_copy(warehouse.published_marts, tmp_path / "night.duckdb", 7)
    with pytest.raises(
        publish_postgres.PostgresPublishFailed, match=r"twitter_posts holds \d+ rows, the warehouse 1;"
    ):
        publish_postgres.publish_marts(night, published.writer_url, {"twitter_posts": 1})
    assert _pair(published.reader_url) == before
    with psycopg.connect(published.writer_url) as con:
        assert con.execute("select 1 from pg_namespace where nspname = 'marts_loading'").fetchone() is None


def test_a_refresh_with_nothing_new_publishes_again_to_postgres_after_a_rollback_there(
    published, warehouse, monkeypatch
):
    monkeypatch.delenv("SOCIALKPI_POSTGRES_URL", raising=False)
    publish_state.record_publish(warehouse)  # the DuckDB copy counts as current (a refresh would say so)
    publish_postgres.rollback(published.writer_url)  # PostgreSQL now holds other marts than the file
    assert publish_state.publish_is_current(warehouse), "without a PostgreSQL URL nothing is to publish"
    monkeypatch.setenv("SOCIALKPI_POSTGRES_URL", published.writer_url)
    assert not publish_state.publish_is_current(warehouse)
    refreshed = run_cli("refresh", settings=warehouse, check=True)
    assert "publishing the marts" in refreshed.stderr
    assert publish_postgres.is_current(warehouse.published_marts, published.writer_url)
    assert publish_state.publish_is_current(warehouse)


def test_postgres_setup_refuses_to_create_roles_without_passwords(postgres_server):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALKPI_POSTGRES")}
    result = subprocess.run(
        [SOCIALKPI, "postgres-setup", "--admin-url", postgres_server.url()],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1 and "SOCIALKPI_POSTGRES_READER_PASSWORD" in result.stderr


def test_after_forget_postgres_keeps_no_previous_marts_to_roll_back_to(published, warehouse, tmp_path):
    """`socialkpi forget` republishes without a person's comments; PostgreSQL's previous marts
    still hold them, so they are dropped, and a rollback says there is nothing to go back to."""
    night = smaller_copy(warehouse.published_marts, tmp_path / "night.duckdb", 5)
    publish_postgres.publish_marts(night, published.writer_url, {})
    publish_postgres.publish_marts(warehouse.published_marts, published.writer_url, {})
    publish_postgres.drop_previous(published.writer_url)
    with pytest.raises(publish_postgres.PostgresPublishFailed, match="nothing to roll back to"):
        publish_postgres.rollback(published.writer_url)
    assert publish_postgres.is_current(warehouse.published_marts, published.writer_url)
