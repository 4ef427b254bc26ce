"""A real PostgreSQL server for the tests: Debian's PostgreSQL 15, a cluster of its own in a
temporary folder, started with initdb/pg_ctl and stopped at the end of the session.

PostgreSQL refuses to run as root; when the tests run as root (CI here), the cluster belongs to
the unprivileged `postgres` user Debian's package creates (or `nobody`) and runs through runuser.
A test module imports `postgres_server_fixture` to use the `postgres_server` fixture.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SUPERUSER, SUPERUSER_PASSWORD = "postgres", "superuser test password"


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    data_dir: Path

    def url(self, user: str = SUPERUSER, password: str = SUPERUSER_PASSWORD, dbname: str = "postgres") -> str:
        return f"postgresql://{user}:{password.replace(' ', '%20')}@{self.host}:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """A new, empty database; its superuser URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'drop database if exists "{name}" with (force)')
            con.execute(f'create database "{name}"')
        return self.url(dbname=name)


def pg_binary(name: str) -> Path:
    found = PG_BIN / name
    return found if found.exists() else Path(shutil.which(name) or found)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user() -> tuple[list[str], str | None]:
    """The command prefix that runs PostgreSQL's programs, and the user to chown its folder to."""
    if os.geteuid() != 0:
        return [], None
    user = "postgres" if _user_exists("postgres") else "nobody"
    return ["runuser", "-u", user, "--"], user


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """initdb a cluster in a new temporary folder, start it on a free port of 127.0.0.1 (password
    authentication, as a real server), yield it, stop it and remove the folder."""
    prefix, owner = _as_server_user()
    # Not pytest's tmp_path: that is private to the test user, and the server may run as another.
    root = Path(tempfile.mkdtemp(prefix="socialkpi-pg-"))
    data = root / "data"
    password_file = root / "password"
    password_file.write_text(SUPERUSER_PASSWORD)
    if owner:
        shutil.chown(root, owner)
        shutil.chown(password_file, owner)
    port = _free_port()
    initdb = [str(pg_binary("initdb")), "-D", str(data), "-U", SUPERUSER, "--pwfile", str(password_file)]
    _run([*prefix, *initdb, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8"])
    options = f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} -c fsync=off"
    log = root / "server.log"
    _run([*prefix, str(pg_binary("pg_ctl")), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"])
    try:
        yield PostgresServer("127.0.0.1", port, data)
    finally:
        _run([*prefix, str(pg_binary("pg_ctl")), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session", name="postgres_server")
def postgres_server_fixture() -> Iterator[PostgresServer]:
    if not pg_binary("initdb").exists():
        pytest.skip("Debian's PostgreSQL server is not installed (make postgres installs it)")
    with running_postgres() as server:
        yield server


WRITER_PASSWORD, READER_PASSWORD = "writer test password", "reader test password"


@dataclass(frozen=True)
class PublishedPostgres:
    """A database the marts were published to, as a user does it: `socialkpi postgres-setup`, then
    `socialkpi publish --postgres`."""

    writer_url: str
    reader_url: str
    setup: subprocess.CompletedProcess
    publish: subprocess.CompletedProcess


@dataclass(frozen=True)
class SetUpDatabase:
    """A database `socialkpi postgres-setup` made ready: its writer's and reader's URLs."""

    writer_url: str
    reader_url: str
    setup: subprocess.CompletedProcess


def set_up_database(server: PostgresServer, dbname: str, reader_timeout: str = "5min") -> SetUpDatabase:
    admin_url = server.create_database(dbname)
    setup = socialkpi(
        "postgres-setup",
        "--admin-url",
        admin_url,
        "--reader-timeout",
        reader_timeout,
        SOCIALKPI_POSTGRES_WRITER_PASSWORD=WRITER_PASSWORD,
        SOCIALKPI_POSTGRES_READER_PASSWORD=READER_PASSWORD,
    )
    writer_url = server.url("socialkpi_writer", WRITER_PASSWORD, dbname)
    return SetUpDatabase(writer_url, server.url("socialkpi_reader", READER_PASSWORD, dbname), setup)


def publish_to_new_database(
    server: PostgresServer, settings, dbname: str, reader_timeout: str = "5min"
) -> PublishedPostgres:
    from tests.conftest import run_cli

    database = set_up_database(server, dbname, reader_timeout)
    published = run_cli("publish", "--postgres", database.writer_url, settings=settings, check=True)
    return PublishedPostgres(database.writer_url, database.reader_url, database.setup, published)


def socialkpi(*args: str, **environment: str) -> subprocess.CompletedProcess:
    """The `socialkpi` command with these variables added to the environment; it must pass."""
    from tests.conftest import SOCIALKPI

    result = subprocess.run(
        [SOCIALKPI, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **environment},
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"socialkpi {args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result
