"""`socialkpi serve`: the published copy over the PostgreSQL wire protocol, read-only, for BI tools
that speak nothing else (Tableau, Power BI, Metabase without its DuckDB driver).

The wire protocol comes from buenavista (PyPI); `protocol.py` fixes what it gets wrong with
psycopg (text parameters, binary dates, NULL parameters, transaction control found by substring)
and `session.py` gives each client connection its own hardened, read-only DuckDB database over
the published file, reopened when a new publish replaces it.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from socialkpi.settings import Settings

PASSWORD_ENV = "SOCIALKPI_SERVE_PASSWORD"


class ServeRefused(Exception):
    """The endpoint cannot start as configured (no password, nothing published, port taken)."""


def serve(
    settings: Settings,
    host: str,
    port: int,
    user: str,
    on_ready: Callable[[str, int], None] | None = None,
) -> None:
    """Serve until interrupted. The password comes from the environment only, never a flag: a flag
    would show in `ps` and shell history."""
    from socialkpi.serve.protocol import ReadOnlyServer  # buenavista: only when serving

    password = os.environ.get(PASSWORD_ENV)
    if not password:
        raise ServeRefused(f"set {PASSWORD_ENV} to the password BI tools will use; it is never a default")
    if not settings.published_marts.exists():
        raise ServeRefused(
            f"nothing published yet at {settings.published_marts}: run `socialkpi refresh` first"
        )
    try:
        server = ReadOnlyServer((host, port), settings.published_marts, {user: password})
    except OSError as error:
        raise ServeRefused(f"cannot listen on {host}:{port}: {error.strerror}") from None
    with server:
        if on_ready:
            on_ready(*server.server_address[:2])
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
