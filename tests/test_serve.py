"""`socialkpi serve`: the published copy over the PostgreSQL protocol, with real clients (psql and
psycopg), read-only, password-protected, and following each new publish."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from datetime import date, datetime

import duckdb
import pytest

from socialkpi.serve.protocol import decode_parameter, parse_bind
from socialkpi.serve.session import first_keyword
from socialkpi.settings import Settings
from tests.conftest import SOCIALKPI
from tests.serving import PASSWORD, free_port, serving

psycopg = pytest.importorskip("psycopg")
PSQL = shutil.which("psql")


@pytest.fixture(scope="module")
def server(demo_refresh):
    with serving(demo_refresh) as (dsn, port):
        yield dsn, port


def published_count(settings: Settings, where: str = "true", params=()) -> int:
    with duckdb.connect(str(settings.published_marts), read_only=True) as con:
        return con.execute(f"select count(*) from marts.all_posts where {where}", list(params)).fetchone()[0]


def psql(port: int, query: str, password: str = PASSWORD, user: str = "socialkpi"):
    env = {**os.environ, "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"}
    command = [PSQL, "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", "kpi", "-At", "-c", query]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.skipif(PSQL is None, reason="psql is not installed (Debian: postgresql-client)")
def test_psql_queries_a_mart_and_a_write_is_refused(server, demo_refresh):
    _, port = server
    answer = psql(port, "select channel, count(*) from marts.all_posts group by 1 order by 1")
    assert answer.returncode == 0, answer.stderr
    counts = dict(line.split("|") for line in answer.stdout.split())
    assert {c: int(n) for c, n in counts.items()} == {
        c: published_count(demo_refresh, "channel = ?", [c]) for c in counts
    }
    write = psql(port, "create table marts.mine as select 1 as a")
    assert write.returncode != 0 and "read-only" in write.stderr


def test_psycopg_queries_a_mart_with_text_number_and_date_parameters(server, demo_refresh):
    dsn, _ = server
    cases = [
        ("channel = %s", ("twitter",)),
        ("audience > %s and engagement_rate > %s", (1000, 0.05)),
        ("posted_at >= %s", (datetime(2025, 1, 1),)),
        ("snapshot_date >= %s", (date(2025, 6, 1),)),
        ("link_clicks is not distinct from %s", (None,)),
    ]
    with psycopg.connect(dsn) as conn:  # psycopg's default: statements inside a transaction
        for where, params in cases:
            got = conn.execute(f"select count(*) from marts.all_posts where {where}", params).fetchone()[0]
            assert got == published_count(demo_refresh, where.replace("%s", "?"), params), where
        # a query whose text mentions transaction words is an ordinary query
        assert conn.execute("select 'commit; begin' as word").fetchone() == ("commit; begin",)


def test_psycopg_writes_copies_and_file_reads_are_refused(server, tmp_path):
    dsn, _ = server
    refused = [
        "insert into marts.all_posts (channel) values ('x')",
        "drop table marts.all_posts",
        f"copy (select 1) to '{tmp_path / 'out.csv'}'",
        "select * from read_csv('/etc/passwd')",
    ]
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in refused:
            with pytest.raises(psycopg.Error, match=r"read-only|disabled by configuration"):
                conn.execute(statement)
        assert conn.execute("select 1").fetchone() == (1,)  # the connection survives each refusal
    assert not (tmp_path / "out.csv").exists()


def test_a_wrong_password_and_an_unknown_user_are_refused(server):
    dsn, port = server
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(dsn.replace(PASSWORD, "wrong"))
    if PSQL:
        answer = psql(port, "select 1", user="postgres")
        assert answer.returncode != 0 and 'failed for user "postgres"' in answer.stderr


def test_serve_refuses_to_start_without_a_password_in_the_environment(demo_refresh):
    env = {k: v for k, v in os.environ.items() if k != "SOCIALKPI_SERVE_PASSWORD"}
    result = subprocess.run(
        [SOCIALKPI, "serve", "--warehouse", str(demo_refresh.warehouse), "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and "SOCIALKPI_SERVE_PASSWORD" in result.stderr
    assert "Traceback" not in result.stderr


def test_statement_keywords_are_read_past_comments_and_case():
    assert first_keyword("  -- a note\n/* more */ BEGIN;") == "begin"
    assert first_keyword("select 'commit'") == "select"
    assert first_keyword("") == ""


def test_bind_reads_text_binary_and_null_parameters():
    def bind(values: list[tuple[int, bytes | None]]) -> bytes:
        body = b"portal\x00stmt\x00" + struct.pack("!h", len(values))
        body += b"".join(struct.pack("!h", fmt) for fmt, _ in values) + struct.pack("!h", len(values))
        for _, raw in values:
            body += struct.pack("!i", -1) if raw is None else struct.pack("!i", len(raw)) + raw
        return body + struct.pack("!h", 0)

    days = struct.pack("!i", (date(2025, 6, 1) - date(2000, 1, 1)).days)
    payload = bind([(0, b"twitter"), (1, days), (0, None), (0, b"42")])
    portal, statement, values, formats = parse_bind(payload, {"stmt": [0, 1082, 25, 20]})
    assert (portal, statement, formats) == ("portal", "stmt", [])
    assert values == ["twitter", date(2025, 6, 1), None, 42]
    with pytest.raises(Exception, match="oid 600"):
        decode_parameter(b"\x00" * 16, 600, binary=True)
