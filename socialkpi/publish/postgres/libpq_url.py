"""A PostgreSQL URL (SOCIALKPI_POSTGRES_URL, `publish --postgres`, `postgres-setup --admin-url`)
read as libpq reads it, into the separate arguments pg8000 takes.

    postgresql://user:password@host:port/database?sslmode=require
    postgresql://user@/database?host=/var/run/postgresql      (a unix socket's folder)
    postgresql://user@%2Fvar%2Frun%2Fpostgresql/database       (the same, as the host)

What the URL leaves out comes from the variables libpq reads (PGHOST, PGPORT, PGUSER, PGDATABASE,
PGPASSWORD, PGSSLMODE) and, for the password, from ~/.pgpass (or PGPASSFILE), as with psql. A
parameter libpq knows but this reader does not is refused by name, never ignored: a silently
dropped `sslmode=verify-full` would publish without checking the server's certificate.
"""

from __future__ import annotations

import getpass
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_PORT = 5432
# Where Debian's libpq looks for the server's socket when nothing names a host.
DEFAULT_SOCKET_DIR = "/var/run/postgresql"
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
PARAMETERS = ("host", "port", "dbname", "user", "password", "sslmode", "sslrootcert", "connect_timeout")


class UnreadableUrl(ValueError):
    """The URL is not one this reader can connect with; the message says what to change."""


@dataclass(frozen=True)
class Target:
    """Where to connect and as whom. `host` is a host name or address, or (starting with /) the
    folder that holds the server's unix socket."""

    user: str
    host: str
    port: int
    database: str
    password: str | None = field(default=None, repr=False)
    sslmode: str = "prefer"
    sslrootcert: str | None = None
    connect_timeout: float = 30.0

    @property
    def unix_socket(self) -> str | None:
        return f"{self.host}/.s.PGSQL.{self.port}" if self.host.startswith("/") else None

    def shown(self) -> str:
        """The URL without its password: what messages and logs may name."""
        if self.unix_socket:
            return f"postgresql://{self.user}@/{self.database}?host={self.host}&port={self.port}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"postgresql://{self.user}@{host}:{self.port}/{self.database}"

    def ssl_context(self) -> ssl.SSLContext | bool | None:
        """pg8000's ssl_context for the sslmode: False no TLS, None TLS when the server offers it,
        True TLS required, a context TLS with the certificate checked (against sslrootcert, or
        the system's authorities when none is given, as libpq 16's sslrootcert=system)."""
        if self.unix_socket or self.sslmode == "disable":
            return False  # libpq never uses TLS over a unix socket
        if self.sslmode in ("allow", "prefer"):
            return None
        if self.sslmode == "require" and not self.sslrootcert:
            return True
        context = ssl.create_default_context(cafile=self.sslrootcert)
        context.check_hostname = self.sslmode == "verify-full"
        return context


def read_url(url: str, environ: Mapping[str, str] = os.environ) -> Target:
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise UnreadableUrl("a PostgreSQL URL starts with postgresql:// (postgresql://user:password@host/db)")
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, has_password, password = userinfo.partition(":")
    host, port = _host_and_port(hostport)
    given = {
        "user": unquote(user),
        "password": unquote(password) if has_password else "",
        "host": unquote(host),
        "port": port,
        "dbname": unquote(parts.path.lstrip("/")),
        **_query(parts.query),
    }
    given = {key: value for key, value in given.items() if value}
    if "," in given.get("host", ""):
        raise UnreadableUrl("the URL names several hosts; name the one to publish to")
    user = given.get("user") or environ.get("PGUSER") or getpass.getuser()
    target = Target(
        user=user,
        host=given.get("host") or environ.get("PGHOST") or _default_host(),
        port=_number(given.get("port") or environ.get("PGPORT") or DEFAULT_PORT, "port", int),
        database=given.get("dbname") or environ.get("PGDATABASE") or user,
        sslmode=given.get("sslmode") or environ.get("PGSSLMODE") or "prefer",
        sslrootcert=given.get("sslrootcert"),
        connect_timeout=_number(given.get("connect_timeout") or 30, "connect_timeout", float),
    )
    if target.sslmode not in SSL_MODES:
        raise UnreadableUrl(f"sslmode={target.sslmode} is not one of {', '.join(SSL_MODES)}")
    password = given.get("password") or environ.get("PGPASSWORD") or _from_pgpass(target, environ)
    return replace(target, password=password)


def _host_and_port(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):  # an IPv6 address, [::1]:5432
        address, _, rest = hostport[1:].partition("]")
        return address, rest.removeprefix(":")
    host, _, port = hostport.partition(":")
    return host, port


def _query(query: str) -> dict[str, str]:
    """The URL's parameters, percent-decoded as libpq does (a `+` stays a plus)."""
    found = {}
    for pair in filter(None, query.split("&")):
        key, _, value = pair.partition("=")
        if key not in PARAMETERS:
            raise UnreadableUrl(f"the URL parameter {key} is not supported here; use {', '.join(PARAMETERS)}")
        found[key] = unquote(value)
    return found


def _number(value, name: str, kind: type):
    try:
        return kind(value)
    except ValueError:
        raise UnreadableUrl(f"the URL's {name} {value!r} is not a number") from None


def _default_host() -> str:
    return DEFAULT_SOCKET_DIR if Path(DEFAULT_SOCKET_DIR).is_dir() else "localhost"


def _from_pgpass(target: Target, environ: Mapping[str, str]) -> str | None:
    """The first matching line of the password file (hostname:port:database:username:password,
    `*` matching anything). Like libpq, a file others may read is not used."""
    path = Path(environ.get("PGPASSFILE") or Path.home() / ".pgpass")
    try:
        if path.stat().st_mode & 0o077:
            return None
        lines = path.read_text().splitlines()
    except OSError:
        return None
    # A socket in the default folder is "localhost" there, as for libpq.
    hosts = {target.host} | ({"localhost"} if target.host == DEFAULT_SOCKET_DIR else set())
    wanted = (hosts, {str(target.port)}, {target.database}, {target.user})
    for line in lines:
        if line.startswith("#"):
            continue
        fields = _pgpass_fields(line)
        if len(fields) == 5 and all(f == "*" or f in w for f, w in zip(fields, wanted, strict=False)):
            return fields[4]
    return None


def _pgpass_fields(line: str) -> list[str]:
    """A line split at its unescaped colons, `\\:` and `\\\\` unescaped."""
    fields, current, escaped = [], "", False
    for char in line:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            escaped = True
        elif char == ":" and len(fields) < 4:
            fields.append(current)
            current = ""
        else:
            current += char
    return [*fields, current]
