"""Real BI clients on the marts published to a real PostgreSQL 15 (started by the suite), connected
as the read-only socialkpi_reader: pgjdbc (Debian's driver, a compiled Java program), psqlODBC
(Debian's driver through pyodbc), SQLAlchemy 2 and pandas, and psql."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, copy_of
from tests.postgres_server import (
    READER_PASSWORD,
    PostgresServer,
    PublishedPostgres,
    postgres_server_fixture,  # noqa: F401 (the postgres_server fixture)
    publish_to_new_database,
)

PGJDBC = Path("/usr/share/java/postgresql.jar")
JAVA_PROGRAM = REPO / "tests" / "data" / "bi_clients" / "MartsOverJdbc.java"
DATABASE = "bi_clients"
SINCE, CHANNEL = date(2023, 1, 1), "twitter"
# What each DuckDB type of the marts must look like to a client (pgjdbc's TYPE_NAME).
JDBC_TYPE = {
    "VARCHAR": "text",
    "BIGINT": "int8",
    "INTEGER": "int4",
    "DOUBLE": "float8",
    "DATE": "date",
    "BOOLEAN": "bool",
    "VARCHAR[]": "_text",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


@pytest.fixture(scope="module")
def published(postgres_server, demo_refresh, tmp_path_factory) -> PublishedPostgres:
    warehouse = copy_of(demo_refresh, tmp_path_factory.mktemp("bi_clients"))
    return publish_to_new_database(postgres_server, warehouse, DATABASE)


@pytest.fixture(scope="module")
def duckdb_marts(published, demo_refresh):
    """The published DuckDB copy's marts, columns and types: what every client must find."""
    with duckdb.connect(str(demo_refresh.published_marts), read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where schema_name = 'marts' order by table_name, column_index"
        ).fetchall()
        (expected_count,) = con.execute(
            "select count(*) from marts.all_posts where posted_at >= ? and channel = ?", [SINCE, CHANNEL]
        ).fetchone()
    return columns, expected_count


def expected_jdbc_type(column: str, duckdb_type: str) -> str:
    if duckdb_type == "TIMESTAMP":
        return "timestamp" if column.endswith("_local") else "timestamptz"
    return JDBC_TYPE[duckdb_type]


def test_pgjdbc_lists_every_mart_and_every_column_with_its_type_and_runs_a_prepared_statement(
    published, duckdb_marts, postgres_server: PostgresServer, tmp_path
):
    if not PGJDBC.exists() or not shutil.which("javac"):
        pytest.skip(
            "Debian's libpostgresql-jdbc-java or a JDK is not installed (make postgres installs them)"
        )
    columns, expected_count = duckdb_marts
    subprocess.run(["javac", "-d", str(tmp_path), str(JAVA_PROGRAM)], check=True, capture_output=True)
    url = f"jdbc:postgresql://{postgres_server.host}:{postgres_server.port}/{DATABASE}"
    arguments = [SINCE.isoformat(), CHANNEL]
    run = subprocess.run(
        [
            "java",
            "-cp",
            f"{tmp_path}:{PGJDBC}",
            "MartsOverJdbc",
            url,
            "socialkpi_reader",
            READER_PASSWORD,
            *arguments,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    lines = [line.split("\t") for line in run.stdout.splitlines()]
    assert sorted(cells[1] for cells in lines if cells[0] == "table") == sorted({t for t, _, _ in columns})
    seen = sorted(tuple(cells[1:]) for cells in lines if cells[0] == "column")
    assert seen == sorted((t, c, expected_jdbc_type(c, kind)) for t, c, kind in columns)
    assert [cells[2] for cells in lines if cells[0] == "key"] == ["channel", "account", "post_id"]
    counts = [int(cells[1]) for cells in lines if cells[0] == "prepared"]
    assert counts == [expected_count] * 6 and expected_count > 0


def _odbc_connection(postgres_server: PostgresServer, **options: str):
    pyodbc = pytest.importorskip("pyodbc")
    if "PostgreSQL Unicode" not in pyodbc.drivers():
        pytest.skip("Debian's odbc-postgresql (psqlODBC) is not installed (make postgres installs it)")
    settings = {
        "DRIVER": "{PostgreSQL Unicode}",
        "SERVER": postgres_server.host,
        "PORT": str(postgres_server.port),
        "DATABASE": DATABASE,
        "UID": "socialkpi_reader",
        "PWD": "{" + READER_PASSWORD + "}",
        **options,
    }
    return pyodbc, pyodbc.connect(";".join(f"{k}={v}" for k, v in settings.items()), autocommit=False)


def test_psqlodbc_lists_tables_and_columns_and_binds_parameters_with_server_side_prepare(
    published, duckdb_marts, postgres_server
):
    columns, expected_count = duckdb_marts
    _, con = _odbc_connection(postgres_server, UseServerSidePrepare="1")
    with con:
        cursor = con.cursor()
        tables = sorted(row.table_name for row in cursor.tables(schema="marts", tableType="TABLE"))
        assert tables == sorted({t for t, _, _ in columns})
        odbc_columns = [
            (row.column_name, row.type_name) for row in cursor.columns(schema="marts", table="all_posts")
        ]
        assert [name for name, _ in odbc_columns] == [c for t, c, _ in columns if t == "all_posts"]
        types = dict(odbc_columns)
        assert (
            types["posted_at"] == "timestamptz"
            and types["likes"] == "int8"
            and types["snapshot_date"] == "date"
        )
        query = "select count(*) from marts.all_posts where posted_at >= ? and channel = ?"
        for _ in range(3):  # prepared once on the server, executed again
            assert cursor.execute(query, SINCE, CHANNEL).fetchone()[0] == expected_count


def test_psqlodbc_in_manual_commit_mode_carries_on_after_a_failed_statement(published, postgres_server):
    pyodbc, con = _odbc_connection(postgres_server, UseServerSidePrepare="1")
    with con:
        cursor = con.cursor()
        with pytest.raises(pyodbc.Error, match="no_such_mart"):
            cursor.execute("select * from marts.no_such_mart")
        assert cursor.execute("select count(*) from marts.channel_monthly").fetchone()[0] > 0
        con.rollback()
        assert cursor.execute("select count(*) from marts.channel_monthly").fetchone()[0] > 0


def test_sqlalchemy_inspector_and_pandas_read_the_marts(published, duckdb_marts):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    pandas = pytest.importorskip("pandas")
    columns, expected_count = duckdb_marts
    engine = sqlalchemy.create_engine(published.reader_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        inspector = sqlalchemy.inspect(engine)
        assert "marts" in inspector.get_schema_names()
        assert sorted(inspector.get_table_names(schema="marts")) == sorted({t for t, _, _ in columns})
        all_posts = {c["name"]: c for c in inspector.get_columns("all_posts", schema="marts")}
        assert set(all_posts) == {c for t, c, _ in columns if t == "all_posts"}
        assert isinstance(all_posts["posted_at"]["type"], sqlalchemy.DateTime)
        assert all_posts["posted_at"]["type"].timezone is True
        assert "UTC" in all_posts["posted_at"]["comment"]
        assert inspector.get_pk_constraint("all_posts", schema="marts")["constrained_columns"] == [
            "channel",
            "account",
            "post_id",
        ]
        frame = pandas.read_sql(
            sqlalchemy.text(
                "select channel, count(*) as posts from marts.all_posts "
                "where posted_at >= :since and channel = :channel group by channel"
            ),
            engine,
            params={"since": SINCE, "channel": CHANNEL},
        )
        assert frame.to_dict("records") == [{"channel": CHANNEL, "posts": expected_count}]
    finally:
        engine.dispose()


def test_psql_describes_the_marts_and_a_mart(published, duckdb_marts):
    if not shutil.which("psql"):
        pytest.skip("psql (Debian's postgresql-client) is not installed (make postgres installs it)")
    columns, _ = duckdb_marts
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}

    def psql(command: str) -> str:
        result = subprocess.run(
            ["psql", published.reader_url, "-X", "-v", "ON_ERROR_STOP=1", "-c", command],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    listed = psql(r"\dt marts.*")
    for table in {t for t, _, _ in columns}:
        assert f" marts  | {table} " in listed, table
    described = psql(r"\d marts.all_posts")
    assert "posted_at" in described and "timestamp with time zone" in described
    assert '"all_posts_key" PRIMARY KEY, btree (channel, account, post_id)' in described
