"""A signal or a full disk ends a run with one line that says so (socialkpi/failure_line.py),
even where DuckDB is what noticed it first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from socialkpi.failure_line import failure_line

# A process with socialkpi's handlers, whose query gets a real signal and whose code takes the
# error for a failed query and goes on; then the check between two steps. A process of its own:
# the signal never reaches the test worker.
SWALLOWED = """
import os, signal, sys, threading, duckdb
from socialkpi.failure_line import Terminated, failure_line, raise_if_signalled, raise_on_signals

raise_on_signals()
con = duckdb.connect()
threading.Timer(0.3, os.kill, (os.getpid(), getattr(signal, sys.argv[1]))).start()
try:
    con.execute("select count(*) from range(100000000000) as t (i) where i % 7 = 3").fetchall()
    print("the query ended before the signal came")
except Exception:
    print("the query failed")
try:
    raise_if_signalled()
    print("the next step runs")
except Terminated as stopped:
    print(failure_line(stopped, ()))
raise_if_signalled()
print("once", flush=True)
# What is checked is the lines above. Under CI load this process was once seen to print all of
# them and then not exit for 2 minutes (DuckDB's teardown after the interrupted query).
os._exit(0)
"""


def test_a_ctrl_c_duckdb_turned_into_a_query_error_still_stops_the_run_at_the_next_step():
    # SIGINT only: DuckDB interrupts its query on Ctrl-C and raises its own error; a SIGTERM's
    # handler runs once the query has returned, where nothing turns Terminated into another error.
    said = subprocess.run(
        [sys.executable, "-c", SWALLOWED, "SIGINT"], capture_output=True, text=True, timeout=120, check=False
    )
    assert said.stdout.splitlines() == [
        "the query failed",  # DuckDB turned the signal's exception into its own error
        "stopped by SIGINT before the run finished; run it again to complete it",
        "once",  # the next run of a long-lived process is not stopped by it
    ], said.stdout + said.stderr


def test_duckdb_running_out_of_disk_names_the_file_it_was_writing(small_disk: Path):
    warehouse = small_disk / "socialkpi.duckdb"
    with pytest.raises(duckdb.Error) as full:
        with duckdb.connect(str(warehouse)) as con:
            con.execute(
                "create table filler as select i, repeat('x', 200) || i as text from range(200000) as t (i)"
            )
            con.execute("checkpoint")
    # DuckDB's IOException carries no errno, only its wording, which names the file (or its WAL).
    assert failure_line(full.value, ()).startswith(f"the disk is full (writing {warehouse}"), full.value
