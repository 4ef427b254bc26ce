"""The PostgreSQL URL read as libpq reads it (user, password, host, port, database, a unix socket's
folder, sslmode, the PG* variables and ~/.pgpass), and connection failures told without the
password: first as read, then against the real PostgreSQL 15 the suite starts."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess

import pytest

from socialkpi.publish.postgres import PostgresPublishFailed
from socialkpi.publish.postgres.connection import first_row, session
from socialkpi.publish.postgres.libpq_url import UnreadableUrl, read_url
from tests.conftest import SOCIALKPI
from tests.postgres_server import (
    SUPERUSER,
    SUPERUSER_PASSWORD,
    postgres_server_fixture,  # noqa: F401 (the postgres_server fixture)
)

NO_VARIABLES: dict[str, str] = {"PGPASSFILE": "/nonexistent/pgpass"}


def test_a_url_gives_its_user_password_host_port_and_database_percent_decoded():
    target = read_url("postgresql://socialkpi_writer:p%40ss+w%2Frd@db.example.org:6543/my%20db", NO_VARIABLES)
    assert (target.user, target.password) == ("socialkpi_writer", "p@ss+w/rd")  # a + stays a plus
    assert (target.host, target.port, target.database) == ("db.example.org", 6543, "my db")
    assert target.unix_socket is None
    assert read_url("postgres://u:pw@[::1]/d", NO_VARIABLES).host == "::1"


def test_a_unix_socket_folder_is_the_host_parameter_or_an_encoded_host_that_starts_with_a_slash():
    as_parameter = read_url(
        "postgresql://u:pw@/analytics?host=/run/Postgres%20Sockets&port=5433", NO_VARIABLES
    )
    as_host = read_url("postgresql://u:pw@%2Frun%2FPostgres%20Sockets:5433/analytics", NO_VARIABLES)
    for target in (as_parameter, as_host):
        assert target.unix_socket == "/run/Postgres Sockets/.s.PGSQL.5433"  # case kept
        assert target.ssl_context() is False  # libpq never uses TLS over a unix socket


def test_what_the_url_leaves_out_comes_from_the_pg_variables_then_the_password_file(tmp_path):
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(
        "# host:port:database:user:password\n"
        "other.example.org:*:*:*:not this one\n"
        "db.example.org:5432:analytics:writer:from\\:pgpass\n"
    )
    pgpass.chmod(0o600)
    variables = {"PGHOST": "db.example.org", "PGUSER": "writer", "PGDATABASE": "analytics"}
    target = read_url("postgresql://", {**variables, "PGPASSFILE": str(pgpass)})
    assert (target.host, target.port, target.user, target.database) == (
        "db.example.org",
        5432,
        "writer",
        "analytics",
    )
    assert target.password == "from:pgpass"
    both = {**variables, "PGPASSFILE": str(pgpass), "PGPASSWORD": "from the variable"}
    assert read_url("postgresql://", both).password == "from the variable"
    assert read_url("postgresql://writer:in%20the%20url@/", both).password == "in the url"
    pgpass.chmod(0o644)  # others may read it: libpq ignores such a file, and so do we
    assert read_url("postgresql://", {**variables, "PGPASSFILE": str(pgpass)}).password is None


def test_sslmode_decides_whether_tls_is_tried_required_or_checked():
    def context(query: str):
        return read_url(f"postgresql://u@db.example.org/d{query}", NO_VARIABLES).ssl_context()

    assert context("") is None  # prefer: TLS when the server offers it, as libpq by default
    assert context("?sslmode=disable") is False
    assert context("?sslmode=require") is True
    checked = context("?sslmode=verify-full")
    assert isinstance(checked, ssl.SSLContext) and checked.check_hostname
    assert checked.verify_mode == ssl.CERT_REQUIRED
    assert not context("?sslmode=verify-ca").check_hostname


def test_a_url_this_reader_cannot_honour_is_refused_with_what_to_change():
    refused = {
        "mysql://u@h/d": "starts with postgresql://",
        "postgresql://u@h/d?target_session_attrs=read-write": "target_session_attrs is not supported",
        "postgresql://u@h1,h2/d": "several hosts",
        "postgresql://u@h/d?sslmode=verify": "sslmode=verify is not one of",
        "postgresql://u@h:port/d": "port 'port' is not a number",
    }
    for url, reason in refused.items():
        with pytest.raises(UnreadableUrl, match=reason):
            read_url(url, NO_VARIABLES)


def test_the_url_shown_in_messages_never_holds_the_password():
    target = read_url("postgresql://writer:s3cret@db.example.org/analytics", NO_VARIABLES)
    assert target.shown() == "postgresql://writer@db.example.org:5432/analytics"
    assert "s3cret" not in repr(target)
    with pytest.raises(PostgresPublishFailed) as refused:
        with session("postgresql://writer:s3cret@db.example.org/d?nonsense=1"):
            pass
    assert "nonsense" in str(refused.value) and "s3cret" not in str(refused.value)


# ---------------------------------------------------------------------------- a real server


def test_the_publish_reaches_postgres_through_its_unix_socket_folder(postgres_server):
    folder = postgres_server.data_dir.parent  # unix_socket_directories (tests/postgres_server.py)
    password = SUPERUSER_PASSWORD.replace(" ", "%20")
    encoded = str(folder).replace("/", "%2F")
    for url in (
        f"postgresql://{SUPERUSER}:{password}@/postgres?host={folder}&port={postgres_server.port}",
        f"postgresql://{SUPERUSER}:{password}@{encoded}:{postgres_server.port}/postgres",
    ):
        with session(url) as con:
            # No server address: the session came through the socket, not TCP.
            assert first_row(con, "select inet_server_addr() is null, current_setting('TimeZone')") == [
                True,
                "UTC",
            ]


def test_a_wrong_password_fails_naming_the_url_without_the_password_and_what_to_do(postgres_server):
    url = postgres_server.url(password="wrong horse battery")
    with pytest.raises(PostgresPublishFailed) as refused:
        with session(url):
            pass
    message = str(refused.value)
    assert message.startswith(
        f"cannot connect to PostgreSQL at postgresql://{SUPERUSER}@{postgres_server.host}:"
        f"{postgres_server.port}/postgres (SOCIALKPI_POSTGRES_URL): password authentication failed"
    )
    assert message.endswith("check the user and password in the URL")
    assert "horse" not in message


def test_a_server_out_of_reach_or_refusing_tls_is_told_in_one_line(postgres_server):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(PostgresPublishFailed, match="Connection refused; is the server running there"):
        with session(f"postgresql://u:pw@127.0.0.1:{closed_port}/d"):
            pass
    # The suite's server has no TLS: sslmode=require must not fall back to plain text.
    with pytest.raises(PostgresPublishFailed, match="refuses SSL"):
        with session(postgres_server.url() + "?sslmode=require"):
            pass


def test_postgres_setup_with_a_wrong_admin_password_says_so_in_one_line_without_it(postgres_server):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PG", "SOCIALKPI_POSTGRES"))},
        "SOCIALKPI_POSTGRES_WRITER_PASSWORD": "writer password",
        "SOCIALKPI_POSTGRES_READER_PASSWORD": "reader password",
    }
    result = subprocess.run(
        [SOCIALKPI, "postgres-setup", "--admin-url", postgres_server.url(password="wrong horse battery")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "(--admin-url): password authentication failed" in result.stderr
    assert "Traceback" not in result.stderr and "horse" not in result.stderr
    assert "PostgresPublishFailed" not in result.stderr  # a known failure: its message alone
