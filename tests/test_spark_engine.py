"""The pipeline on Apache Spark (SOCIALKPI_ENGINE=spark): `socialkpi refresh` lands the demo
exports and comments into a lake as Parquet through dlt's filesystem destination, builds every
model and runs every data test on Spark in local mode, and publishes; every published mart holds
what the DuckDB refresh of the same exports holds. A second refresh with nothing new changes
nothing. The unit tests, forget and Dagster run on the same lake after them, in this order."""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
import pytest

from pipelines.comments.privacy import pseudonym
from pipelines.comments.replay_server import load_dataset
from pipelines.ledger import loaded_row_counts
from pipelines.reconcile import raw_tables
from pipelines.settings import Settings, load_settings
from tests.conftest import run_cli
from tests.postgres_server import (
    postgres_server_fixture,  # noqa: F401 (the postgres_server fixture)
    set_up_database,
)
from tests.spark_thrift_server import running_thrift_server, thrift_profile

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "dbt_project" / "models"
# Columns whose value is the moment of the build, different in any two builds.
BUILD_TIME_COLUMNS = {("data_quality", "detected_at")}


def spark_engine(lake: Path) -> dict[str, str]:
    return {"SOCIALKPI_ENGINE": "spark", "SOCIALKPI_LAKE": str(lake)}


def lake_files(lake: Path) -> dict[str, tuple[int, int]]:
    """Every file of the lake's raw datasets: size and modification time."""
    return {
        str(path.relative_to(lake)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(lake.glob("raw_*/**/*"))
        if path.is_file()
    }


@dataclass(frozen=True)
class SparkRefresh:
    settings: Settings
    lake: Path
    postgres_reader_url: str  # the database the first refresh also published to
    second: str  # what the second refresh said
    second_code: int
    lake_after_first: dict[str, tuple[int, int]]
    lake_after_second: dict[str, tuple[int, int]]


@pytest.fixture(scope="module")
def spark_refresh(demo_exports, demo_comments, tmp_path_factory, postgres_server) -> SparkRefresh:
    """Two refreshes of the demo on Spark; the first also publishes to PostgreSQL, set up as a
    user does it (`socialkpi postgres-setup`, then SOCIALKPI_POSTGRES_URL)."""
    root = tmp_path_factory.mktemp("spark")
    lake = root / "lake"
    settings = load_settings(
        str(demo_exports), root / "warehouse" / "socialkpi.duckdb", demo_comments, engine="spark", lake=lake
    )
    postgres = set_up_database(postgres_server, "spark_publish")
    refresh = ("refresh", "--comments-from", str(demo_comments))
    env = spark_engine(lake) | {"SOCIALKPI_POSTGRES_URL": postgres.writer_url}
    first = run_cli(*refresh, settings=settings, env=env)
    said = first.stdout + first.stderr
    failures = [line for line in said.splitlines() if re.search(r"ERROR|FAIL|rror", line)]
    assert first.returncode == 0, "the refresh on Spark failed:\n" + "\n".join(failures[-30:]) + said[-3000:]
    after_first = lake_files(lake)
    second = run_cli(*refresh, settings=settings, env=spark_engine(lake))
    return SparkRefresh(
        settings,
        lake,
        postgres.reader_url,
        second.stdout + second.stderr,
        second.returncode,
        after_first,
        lake_files(lake),
    )


def comparable(value):
    """A value as both engines should agree on it: doubles to 9 significant digits, instants as
    UTC wall-clock times, lists as tuples."""
    if isinstance(value, float):
        return None if math.isnan(value) else float(f"{value:.9g}")
    if isinstance(value, dt.datetime) and value.tzinfo:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, list):
        return tuple(comparable(item) for item in value)
    return value


def rows_of(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    rows = [tuple(comparable(value) for value in row) for row in con.execute(sql).fetchall()]
    return sorted(rows, key=lambda row: tuple((value is None, str(value)) for value in row))


def test_every_mart_published_from_spark_holds_what_the_duckdb_refresh_of_the_same_exports_holds(
    demo_refresh, spark_refresh
):
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        assert len(marts) > 20
        con.execute(f"attach '{spark_refresh.settings.published_marts}' as spark (read_only)")
        different = []
        for mart in marts:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns"
                    " where table_catalog = current_database() and table_schema = 'marts'"
                    " and table_name = ? order by ordinal_position",
                    [mart],
                ).fetchall()
                if (mart, name) not in BUILD_TIME_COLUMNS
            ]
            listed = ", ".join(f'"{name}"' for name in columns)
            on_duckdb = rows_of(con, f"select {listed} from marts.{mart}")
            on_spark = rows_of(con, f"select {listed} from spark.marts.{mart}")
            if len(on_duckdb) != len(on_spark):
                different.append(f"{mart}: {len(on_duckdb)} rows on DuckDB, {len(on_spark)} on Spark")
                continue
            for index, column in enumerate(columns):
                pairs = [(d[index], s[index]) for d, s in zip(on_duckdb, on_spark, strict=True)]
                unequal = [(d, s) for d, s in pairs if d != s]
                if unequal:
                    different.append(
                        f"{mart}.{column}: {unequal[0][0]!r} on DuckDB, {unequal[0][1]!r} on Spark"
                    )
        (posts,) = con.execute("select count(*) from spark.marts.all_posts").fetchone()
    assert not different, "marts that differ between the engines:\n" + "\n".join(different)
    assert posts > 1000  # equal empty tables would prove nothing


def test_on_spark_the_raw_rows_are_parquet_in_the_lake_and_the_warehouse_file_keeps_only_the_ledger(
    spark_refresh,
):
    tweets = list((spark_refresh.lake / "raw_twitter" / "tweets").glob("*.parquet"))
    assert tweets, "no Parquet file of raw_twitter.tweets in the lake"
    with duckdb.connect(str(spark_refresh.settings.warehouse), read_only=True) as con:
        holding_rows = [
            f"{schema}.{table}"
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables"
                " where table_schema like 'raw%' and table_type = 'BASE TABLE'"
            ).fetchall()
            if con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
            and f"{schema}.{table}" not in ("raw_ledger.export_files", "raw_ledger.refresh_state")
        ]
        (ledger_rows,) = con.execute(f"select sum(rows_read) from ({loaded_row_counts()})").fetchone()
        in_lake = 0
        for table in raw_tables():
            folder = spark_refresh.lake.joinpath(*table.split("."))
            if any(folder.glob("*.parquet")):
                in_lake += con.execute(f"select count(*) from read_parquet('{folder}/*.parquet')").fetchone()[
                    0
                ]
    assert holding_rows == []
    assert in_lake == ledger_rows > 1000  # every loaded row, once


def test_the_spark_refresh_publishes_every_mart_to_postgresql_with_the_rows_it_published_as_parquet(
    spark_refresh,
):
    with duckdb.connect(str(spark_refresh.settings.published_marts), read_only=True) as published:
        listed = "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
        marts = [name for (name,) in published.execute(listed).fetchall()]
        counts = {
            mart: published.execute(f"select count(*) from marts.{mart}").fetchone()[0] for mart in marts
        }
    assert len(marts) > 20
    with psycopg.connect(spark_refresh.postgres_reader_url) as con:
        in_postgres = {
            mart: con.execute(f"select count(*) from marts.{mart}").fetchone()[0] for mart in marts
        }
    assert in_postgres == counts
    assert counts["all_posts"] > 1000


def test_a_second_spark_refresh_with_no_new_files_builds_nothing_and_changes_nothing_in_the_lake(
    spark_refresh,
):
    assert spark_refresh.second_code == 0, spark_refresh.second[-3000:]
    assert "dbt build skipped" in spark_refresh.second
    assert "publish skipped" in spark_refresh.second
    assert spark_refresh.lake_after_second == spark_refresh.lake_after_first


def test_every_dbt_unit_test_passes_on_spark(spark_refresh):
    """The nightly build leaves the unit tests out on both engines (they test the SQL, not the
    night's rows); here they run on Spark, from the command that builds there alone."""
    settings = spark_refresh.settings
    command = [sys.executable, "-m", "socialkpi.build.spark", "--lake", str(spark_refresh.lake)]
    command += ["--warehouse", str(settings.warehouse), "--unit-tests"]
    ran = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    said = ran.stdout + ran.stderr  # dbt's lines, wherever its logger sends them
    summary = [line for line in said.splitlines() if "Done." in line or "FAIL" in line or "ERROR" in line]
    assert ran.returncode == 0, "\n".join(summary[-30:]) + said[-2000:]
    (done,) = [line for line in summary if "Done." in line]
    assert int(re.search(r"PASS=(\d+)", done).group(1)) >= 30


def lake_rows_of(folder: Path, pseudonyms: list[str]) -> dict[str, int]:
    """Rows by table folder under `folder` (any depth) that hold one of these pseudonyms."""
    counts = {}
    with duckdb.connect() as con:
        for table in sorted({path.parent for path in folder.rglob("*.parquet")}):
            files = f"{table}/*.parquet"
            columns = [
                row[0] for row in con.execute(f"describe select * from read_parquet('{files}')").fetchall()
            ]
            if "author_pseudonym" in columns and table.name != "forgotten_authors":
                (count,) = con.execute(
                    f"select count(*) from read_parquet('{files}') where list_contains(?, author_pseudonym)",
                    [pseudonyms],
                ).fetchone()
                counts[str(table.relative_to(folder))] = count
    return {table: count for table, count in counts.items() if count}


@dataclass(frozen=True)
class ServerAnswers:
    raw_comment_tables: set[str]
    comments: int
    their_comments: int


def server_answers(port: int, pseudonyms: list[str]) -> ServerAnswers:
    """What the Thrift server's own catalogue and tables say, asked over its wire protocol."""
    from pyhive import hive

    with closing(hive.connect("127.0.0.1", port, username="socialkpi", auth="NOSASL")) as server:
        cursor = server.cursor()
        cursor.execute("show tables in raw_comments")
        tables = {row[1] for row in cursor.fetchall()}
        listed = ", ".join(f"'{p}'" for p in pseudonyms)
        cursor.execute(f"select count(*), count_if(author_pseudonym in ({listed})) from marts.comments")
        comments, theirs = cursor.fetchone()
    return ServerAnswers(tables, comments, theirs)


def test_forget_on_spark_through_a_thrift_server_erases_the_author_from_the_lake_spark_s_tables_and_the_marts(
    spark_refresh, demo_comments, tmp_path
):
    """`forget` rebuilds the comment models through a real Spark Thrift server, as on a cluster:
    only the dbt profile changes (its `spark` target: method thrift, the server's host and port);
    the lake's raw tables are registered on the server through dbt's connection. Runs after the
    tests above (one module, one worker, in order): it changes the lake."""
    from tests.test_comment_privacy import KEY, _most_active_youtube_commenter, rows_of

    author = _most_active_youtube_commenter(load_dataset(demo_comments))
    theirs = [pseudonym(KEY, channel, author) for channel in ("youtube", "facebook", "instagram")]
    before = lake_rows_of(spark_refresh.lake, theirs)
    assert "raw_comments/youtube" in before
    assert any(table.startswith("warehouse/marts.db/") for table in before), before
    assert rows_of(spark_refresh.settings.published_marts, theirs)

    with running_thrift_server(spark_refresh.lake, tmp_path / "thrift_server.log") as port:
        cluster = {"DBT_PROFILES_DIR": str(thrift_profile(tmp_path / "cluster_profile", port))}
        forgot = run_cli(
            "forget",
            "--author",
            author,
            settings=spark_refresh.settings,
            env=spark_engine(spark_refresh.lake) | cluster,
        )
        on_server = (tmp_path / "thrift_server.log").read_text()
        served = server_answers(port, theirs)

    assert forgot.returncode == 0, (forgot.stdout + forgot.stderr)[-3000:] + on_server[-2000:]
    # The server itself knows the lake's raw tables and holds the comments without the author.
    assert "youtube" in served.raw_comment_tables
    assert served.their_comments == 0 < served.comments
    assert lake_rows_of(spark_refresh.lake, theirs) == {}
    for database in (spark_refresh.settings.published_marts, spark_refresh.settings.previous_marts):
        assert rows_of(database, theirs) == {}, database


def test_dagster_materializes_the_same_dbt_assets_on_spark_with_the_engine_as_its_resource(
    spark_refresh, dbt_manifest, monkeypatch
):
    """A code location started with SOCIALKPI_ENGINE=spark: its `socialkpi` resource says so, the
    asset graph is the DuckDB one, and a materialized mart is rebuilt on Spark (in this process:
    the Spark session stops after the build)."""
    import dagster as dg

    from orchestration.constants import REFRESH_JOB
    from orchestration.definitions import defs as build_defs

    settings = spark_refresh.settings
    for name, value in spark_engine(spark_refresh.lake).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SOCIALKPI_WAREHOUSE", str(settings.warehouse))
    monkeypatch.setenv("SOCIALKPI_EXPORTS", settings.exports)
    defs = build_defs()
    resource = defs.resources["socialkpi"]
    assert (resource.engine, resource.lake) == ("spark", str(spark_refresh.lake))
    mart = dg.AssetKey(["marts", "youtube_videos"])
    assert mart in {node.key for node in defs.resolve_asset_graph().asset_nodes}
    folder = spark_refresh.lake / "warehouse" / "marts.db" / "youtube_videos"
    files_before = sorted(folder.glob("*.parquet"))

    result = defs.resolve_job_def(REFRESH_JOB).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), asset_selection=[mart], raise_on_error=False
    )

    assert result.success
    events = {e.asset_key: e for e in result.get_asset_materialization_events()}
    assert events[mart].materialization.metadata["dagster/row_count"].value > 0
    assert sorted(folder.glob("*.parquet")) != files_before  # Spark wrote the mart again
    checks = result.get_asset_check_evaluations()
    assert checks and all(check.passed for check in checks)


def test_no_model_file_names_an_engine():
    named = [
        f"{path.relative_to(MODELS)}: {match.group()}"
        for path in sorted(MODELS.rglob("*.sql"))
        for match in re.finditer(r"\b(duckdb|spark)\b", path.read_text(), re.IGNORECASE)
    ]
    assert not named, "engine-specific model files:\n" + "\n".join(named)
