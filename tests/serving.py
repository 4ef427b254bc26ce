"""`socialkpi serve` started as a user starts it, for the tests that need a running endpoint."""

from __future__ import annotations

import os
import socket
import subprocess
from contextlib import contextmanager

from socialkpi.settings import Settings
from tests.conftest import SOCIALKPI

PASSWORD = "a long test password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(settings: Settings):
    """`socialkpi serve` as a user starts it, on a free port; stopped at the end."""
    port = free_port()
    env = {**os.environ, "SOCIALKPI_SERVE_PASSWORD": PASSWORD}
    command = [SOCIALKPI, "serve", "--warehouse", str(settings.warehouse), "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert "serving" in line, line + server.stderr.read()
        yield f"host=127.0.0.1 port={port} user=socialkpi dbname=kpi password='{PASSWORD}'", port
    finally:
        server.terminate()
        server.wait(timeout=10)
