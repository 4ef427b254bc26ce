"""One session with PostgreSQL through pg8000, a driver in pure Python under the BSD-3-Clause
licence (socialkpi is Apache-2.0 and needs no copyleft package at run time), and its failures as
one line that names the server without the password and says what to do.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pg8000.native
from pg8000.native import Connection

from socialkpi.publish.postgres.libpq_url import Target, UnreadableUrl, read_url

POSTGRES_URL_ENV = "SOCIALKPI_POSTGRES_URL"
# What the user can do about the server's refusals most likely here, by SQLSTATE; other errors
# carry the server's own hint when it gives one.
_ADVICE = {
    "28P01": "check the user and password in the URL",
    "28000": "the server's pg_hba.conf does not let this user connect from here",
    "3D000": "create the database, or name an existing one in the URL",
    "42501": "create the roles with `socialkpi postgres-setup` and publish as socialkpi_writer",
    "55P03": "queries kept reading the marts for a minute; run the publish again later",
}


class PostgresPublishFailed(Exception):
    """PostgreSQL could not be reached or refused a step; what readers see is untouched."""


@contextmanager
def session(url: str, named_by: str = POSTGRES_URL_ENV) -> Iterator[Connection]:
    """A connection in autocommit (each statement commits alone; `transaction` groups them), in
    UTC, with standard strings (so pg8000's `literal` quotes right); a driver error on the way out
    becomes PostgresPublishFailed."""
    target = _target(url, named_by)
    con = _connect(target, named_by)
    try:
        con.run("set time zone 'UTC'")
        con.run("set standard_conforming_strings = on")
        yield con
    except pg8000.native.Error as error:
        raise PostgresPublishFailed(f"PostgreSQL at {target.shown()}: {reason(error)}") from error
    finally:
        with suppress(pg8000.native.Error, OSError):  # a connection the server dropped is closed
            con.close()


@contextmanager
def transaction(con: Connection) -> Iterator[None]:
    """The statements inside commit together, or none does."""
    con.run("begin")
    try:
        yield
    except BaseException:
        with suppress(pg8000.native.Error, OSError):  # the error that got here says what happened
            con.run("rollback")
        raise
    con.run("commit")


def first_row(con: Connection, statement: str, **params) -> list | None:
    rows = con.run(statement, **params)
    return rows[0] if rows else None


def reason(error: BaseException) -> str:
    """The server's own message (pg8000 carries its fields as a dict: M the message, C the
    SQLSTATE, H a hint) and what to do; the system's words for a server out of reach."""
    fields = _fields(error)
    if fields:
        advice = _ADVICE.get(fields.get("C", ""), fields.get("H"))
        return fields.get("M", "") + (f"; {advice}" if advice else "")
    if isinstance(error, OSError):
        return f"{error.strerror or error}; is the server running there, and reachable from here?"
    return str(error)


def _target(url: str, named_by: str) -> Target:
    try:
        return read_url(url)
    except UnreadableUrl as error:
        raise PostgresPublishFailed(f"{named_by}: {error}") from None  # the URL may hold a password


def _connect(target: Target, named_by: str) -> Connection:
    try:
        return Connection(
            user=target.user,
            host=target.host,
            port=target.port,
            database=target.database,
            password=target.password,
            sock=_socket(target),
            ssl_context=target.ssl_context(),
            application_name="socialkpi",
        )
    except (pg8000.native.Error, OSError) as error:
        raise PostgresPublishFailed(
            f"cannot connect to PostgreSQL at {target.shown()} ({named_by}): {reason(error)}"
        ) from error


def _socket(target: Target) -> socket.socket:
    """The socket to the server, reached within connect_timeout. Once reached, a statement takes
    as long as it needs: the swap bounds its own wait for locks."""
    timeout = target.connect_timeout or None  # 0: wait as long as it takes, as libpq
    if target.unix_socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(target.unix_socket)
        except OSError:
            sock.close()
            raise
    else:
        sock = socket.create_connection((target.host, target.port), timeout)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        # As libpq: a short message (COPY's end after its last chunk) goes out at once instead of
        # waiting for the server's delayed ACK (Nagle), about 40 ms per mart otherwise.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(None)
    return sock


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of the server's refusal (None for an error of another kind)."""
    return _fields(error).get("C")


def _fields(error: BaseException) -> dict:
    # pg8000 carries the server's fields as a dict: M the message, C the SQLSTATE, H a hint.
    return error.args[0] if error.args and isinstance(error.args[0], dict) else {}
