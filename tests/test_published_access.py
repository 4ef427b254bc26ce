"""The published copy: Parquet and live views beside the DuckDB file, hardened read-only access,
and readers that never fail while the nightly refresh runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import Settings
from socialkpi.serve.access import open_live, open_published
from tests.conftest import REPO, mart_rows, run_cli
from tests.postgres_server import postgres_server_fixture  # noqa: F401 (the postgres_server fixture)

OPENERS = {"published copy": open_published, "live views": open_live}


def test_every_mart_is_published_as_a_table_a_parquet_file_and_a_live_view_with_the_same_rows(demo_refresh):
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        marts = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        }
    assert {p.stem for p in demo_refresh.published_parquet.glob("*.parquet")} == marts
    with open_published(demo_refresh) as copy, open_live(demo_refresh) as live:
        for name in marts:
            query = f"select count(*) from marts.{name}"
            expected = len(mart_rows(demo_refresh.warehouse, name))
            parquet = demo_refresh.published_parquet / f"{name}.parquet"
            assert copy.execute(query).fetchone()[0] == expected, name
            assert live.execute(query).fetchone()[0] == expected, name
            assert duckdb.sql(f"select count(*) from read_parquet('{parquet}')").fetchone()[0] == expected


@pytest.mark.parametrize("published", ["published_marts", "published_live"])
def test_a_published_file_opened_directly_answers_marts_dot_name_without_ambiguity(demo_refresh, published):
    """Clients that open the file themselves (DuckDB CLI, duckdb-engine, Metabase) get catalog `kpi`
    from its name; schema `marts` no longer shares its name with the catalog."""
    path = getattr(demo_refresh, published)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select current_database()").fetchone() == ("kpi",)
        assert con.execute("select count(*) from marts.all_posts").fetchone()[0] > 1000
        assert con.execute("select count(*) from kpi.marts.all_posts").fetchone()[0] > 1000


@pytest.mark.parametrize("opener", OPENERS.values(), ids=OPENERS.keys())
def test_the_hardened_connection_refuses_copy_to_other_files_and_every_write(demo_refresh, opener, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    parquet, published = demo_refresh.published_parquet, demo_refresh.published_dir
    climb_out = f"{parquet}/{os.path.relpath(secret, parquet)}"  # starts in the folder live views may read
    write = "read-only mode|is not an table|only update base table"  # live marts are views
    refused = {
        f"copy (select 1) to '{tmp_path / 'out.csv'}'": "disabled by configuration",
        f"copy marts.all_posts to '{published / 'all_posts.csv'}'": "disabled by configuration",
        f"select * from read_csv('{secret}')": "disabled by configuration",
        f"select * from read_csv('{climb_out}')": "disabled by configuration",
        f"select * from read_text('{demo_refresh.warehouse}')": "disabled by configuration",
        f"attach '{demo_refresh.warehouse}' as private": "disabled by configuration",
        f"attach '{tmp_path / 'new.duckdb'}' as scratch": "disabled by configuration",
        "create table marts.scratch as select 1 as a": write,
        "insert into marts.channel_monthly (channel) values ('x')": write,
        "update marts.all_posts set likes = 0": write,
        "drop table marts.all_posts": write,
        "set enable_external_access = true": "configuration has been locked",
        "set allowed_directories = ['/']": "configuration has been locked",
        "install httpfs": "disabled by configuration",
        "load httpfs": "disabled through configuration",
    }
    with opener(demo_refresh) as con:
        for statement, reason in refused.items():
            with pytest.raises(duckdb.Error, match=reason):
                con.execute(statement)
        assert con.execute("select count(*) from marts.all_posts").fetchone()[0] > 1000
    assert not (tmp_path / "out.csv").exists() and not (published / "all_posts.csv").exists()


@pytest.mark.parametrize("opener", OPENERS.values(), ids=OPENERS.keys())
def test_a_reader_has_no_temporary_folder_to_write_or_read_files_in(
    demo_refresh, opener, tmp_path, monkeypatch
):
    """DuckDB lets a connection use its temporary directory with external access off: `.tmp` in
    the working directory, `<file>.tmp/` beside an opened file. Once such a folder existed, a
    reader could write files there and read them back."""
    monkeypatch.chdir(tmp_path)
    holes = [
        tmp_path / ".tmp",
        Path(f"{demo_refresh.published_marts}.tmp"),
        Path(f"{demo_refresh.published_live}.tmp"),
    ]
    try:
        for hole in holes:
            hole.mkdir(exist_ok=True)
            (hole / "left.csv").write_text("a\n1\n")
        with opener(demo_refresh) as con:
            for hole in holes:
                with pytest.raises(duckdb.Error, match="disabled by configuration"):
                    con.execute(f"copy (select 42 as a) to '{hole}/x.csv'")
                with pytest.raises(duckdb.Error, match="disabled by configuration"):
                    con.execute(f"select * from read_csv('{hole}/left.csv')")
        assert not any((hole / "x.csv").exists() for hole in holes)
    finally:
        for hole in holes:
            shutil.rmtree(hole, ignore_errors=True)


@pytest.mark.parametrize("opener", OPENERS.values(), ids=OPENERS.keys())
def test_a_reader_is_capped_at_the_reader_memory_limit_and_fails_instead_of_spilling(
    demo_refresh, opener, monkeypatch
):
    monkeypatch.setenv("SOCIALKPI_READER_MEMORY_LIMIT", "64MB")
    with opener(demo_refresh) as con:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "61.0 MiB"
        assert con.execute("select count(*) from marts.all_posts").fetchone()[0] > 1000
        with pytest.raises(duckdb.OutOfMemoryException):
            con.execute("select count(*) from (select i, random() as r from range(20000000) t(i) order by r)")


def test_the_parquet_folders_are_read_only_between_publishes(demo_refresh, tmp_path):
    """The live views' connection may read published/parquet/, and DuckDB's allowed_directories
    lets it write there as well: the folder's own permissions are what refuse the write (to every
    user but root)."""
    for folder in (demo_refresh.published_parquet, demo_refresh.previous_parquet):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o555
    for parquet in demo_refresh.published_parquet.iterdir():
        assert stat.S_IMODE(parquet.stat().st_mode) == 0o444
    if os.geteuid() == 0:
        return  # root writes through permissions; the README says to run BI servers as another user
    with open_live(demo_refresh) as con, pytest.raises(duckdb.Error, match="ermission denied"):
        con.execute(f"copy (select 1 as a) to '{demo_refresh.published_parquet}/all_posts.parquet'")


def test_readers_never_fail_while_refresh_runs_twice_and_see_each_publish(
    workspace, demo_exports, postgres_server, monkeypatch, capsys
):
    """Three kinds of reader in another process: a connection per query, a kept connection to the
    live views, and a kept connection to the marts each refresh also publishes to PostgreSQL."""
    dsn = postgres_server.create_database("readers_during_refresh")
    monkeypatch.setenv("SOCIALKPI_POSTGRES_URL", dsn)  # run_cli passes the environment on
    exports = Path(workspace.exports)
    files = sorted((demo_exports / "twitter" / "cern").glob("tweet_activity_metrics_*2022*"))[:3]
    shutil.copy(files[0], exports / files[0].name)
    run_cli("refresh", settings=workspace, check=True)  # something published before the reader starts
    expected = [len(mart_rows(workspace.warehouse, "twitter_posts"))]

    stop = workspace.published_dir.parent / "stop-reading"
    reader = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "tests" / "published_reader.py"),
            str(workspace.warehouse),
            str(stop),
            dsn,
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert reader.stdout.readline().strip() == "ready"
    refreshes = []
    for new_file in files[1:]:
        shutil.copy(new_file, exports / new_file.name)  # a new download: the next refresh adds posts
        refreshes.append(run_cli("refresh", settings=workspace))
        expected.append(len(mart_rows(workspace.warehouse, "twitter_posts")))
    time.sleep(1)  # let the reader query the last publish
    stop.touch()
    report = json.loads(reader.communicate(timeout=60)[0].splitlines()[-1])

    with capsys.disabled():
        print(f"\nreader during two refreshes: {report['queries']} queries, {report['failed']} failed")
    assert [r.returncode for r in refreshes] == [0, 0], [r.stderr for r in refreshes]
    assert report["failed"] == 0, report["errors"]
    assert len(set(expected)) == 3, "each new download should add posts"
    assert report["seen"] == {
        "per_query_connection": expected,
        "pooled_live_connection": expected,
        "pooled_postgres_connection": expected,
    }


def test_publish_removes_its_build_folder_and_leaves_only_the_published_layout(demo_refresh: Settings):
    names = {p.name for p in demo_refresh.published_dir.iterdir()}
    assert names <= {"kpi.duckdb", "kpi.previous.duckdb", "live", "parquet", "parquet.previous", "report"}
    assert {"kpi.duckdb", "live", "parquet"} <= names


README = (REPO / "README.md").read_text()
README_WAREHOUSE = "/srv/socialkpi/warehouse"


def test_the_superset_url_in_the_readme_reads_the_marts_and_refuses_files_and_writes(demo_refresh, tmp_path):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    pytest.importorskip("duckdb_engine")
    (documented,) = re.findall(r"^duckdb:////\S+$", README, flags=re.MULTILINE)
    url = documented.replace(README_WAREHOUSE, str(demo_refresh.warehouse.parent))
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)  # Superset's default
    text = sqlalchemy.text
    with engine.connect() as con:
        assert con.execute(text("select count(*) from marts.all_posts")).scalar() > 1000
        assert con.execute(text("select current_setting('memory_limit')")).scalar() == "953.6 MiB"
    assert "all_posts" in sqlalchemy.inspect(engine).get_table_names(schema="kpi.marts")
    beside = Path(f"{demo_refresh.published_marts}.tmp")  # DuckDB's temporary folder by default
    beside.mkdir(exist_ok=True)
    (beside / "left.csv").write_text("a\n1\n")
    try:
        for statement in (
            "select * from read_csv('/etc/passwd')",
            f"copy (select 1) to '{tmp_path / 'out.csv'}'",
            f"copy (select 1) to '{beside / 'out.csv'}'",
            f"select * from read_csv('{beside / 'left.csv'}')",
            "create table marts.mine as select 1 as a",
        ):
            with engine.connect() as con, pytest.raises(sqlalchemy.exc.DBAPIError):
                con.execute(text(statement))
        assert not (tmp_path / "out.csv").exists() and not (beside / "out.csv").exists()
    finally:
        shutil.rmtree(beside)


def test_the_readme_sql_for_the_live_views_hardens_a_plain_duckdb_connection(demo_refresh):
    (block,) = re.findall(r"```sql\n(set allowed_directories.*?)```", README, flags=re.DOTALL)
    hardening = block.replace(README_WAREHOUSE, str(demo_refresh.warehouse.parent))
    with duckdb.connect(str(demo_refresh.published_live), read_only=True) as con:
        con.execute(hardening)
        assert con.execute("select count(*) from marts.all_posts").fetchone()[0] > 1000
        with pytest.raises(duckdb.Error, match="disabled by configuration"):
            con.execute("select * from read_csv('/etc/passwd')")
        with pytest.raises(duckdb.Error, match="locked"):
            con.execute("set enable_external_access = true")
        assert con.execute("select current_setting('temp_directory')").fetchone() == ("",)
        assert con.execute("select current_setting('memory_limit')").fetchone() == ("953.6 MiB",)
