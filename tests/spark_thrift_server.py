"""A real Spark Thrift server on this machine, as a cluster serves dbt (`method: thrift`): the
HiveThriftServer2 that ships in pyspark, started with the lake's Spark settings on a free local
port, and a dbt profile whose `spark` target reaches it. Nothing of socialkpi's runs in it: the
server is what a cluster would run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from socialkpi.build.spark import spark_parameters
from tests.postgres_server import _free_port

SERVER_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"


def thrift_profile(folder: Path, port: int) -> Path:
    """A profiles.yml whose `spark` target is the server on `port` (what a cluster's user
    writes, with the cluster's host); the folder to give as DBT_PROFILES_DIR."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profiles.yml").write_text(
        "socialkpi:\n"
        "  target: spark\n"
        "  outputs:\n"
        "    spark:\n"
        "      type: spark\n"
        "      method: thrift\n"
        "      host: 127.0.0.1\n"
        f"      port: {port}\n"
        "      user: socialkpi\n"
        "      auth: NOSASL\n"
        "      schema: main\n"
        "      threads: 2\n"
        "      poll_interval: 1\n"
    )
    return folder


@contextmanager
def running_thrift_server(lake: Path, log: Path) -> Iterator[int]:
    """The server over `lake` (its warehouse folder and metastore there, as the `session` target
    keeps them), until the block ends; yields its port."""
    from pyspark.find_spark_home import _find_spark_home

    spark_home = Path(_find_spark_home())
    port = _free_port()
    command = [str(spark_home / "bin" / "spark-submit"), "--class", SERVER_CLASS]
    for key, value in spark_parameters(lake).items():
        command += ["--conf", f"{key}={value}"]
    command += ["spark-internal", "--hiveconf", f"hive.server2.thrift.port={port}"]
    command += ["--hiveconf", "hive.server2.thrift.bind.host=127.0.0.1"]
    command += ["--hiveconf", "hive.server2.authentication=NOSASL"]
    environment = {**os.environ, "SPARK_HOME": str(spark_home)}
    with log.open("w") as output:
        server = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=environment, start_new_session=True
        )
    try:
        _wait_for(port, server, log)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _wait_for(port: int, server: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"the Spark Thrift server exited ({server.returncode}):\n{log.read_text()[-3000:]}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(
        f"the Spark Thrift server did not listen within {timeout:.0f} s:\n{log.read_text()[-3000:]}"
    )
