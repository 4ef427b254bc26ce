"""A signal or a full disk ends a run with one line that says so (socialkpi/failure_line.py),
even where DuckDB is what noticed it first."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import duckdb
import pytest

from socialkpi.failure_line import Terminated, failure_line, raise_if_signalled, raise_on_signals


@pytest.fixture
def signal_handlers():
    """socialkpi's handlers for the test, Python's back after it."""
    before = {received: signal.getsignal(received) for received in (signal.SIGINT, signal.SIGTERM)}
    raise_on_signals()
    yield
    for received, handler in before.items():
        signal.signal(received, handler)


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_duckdb_turned_into_a_query_error_still_stops_the_run_at_the_next_step(
    signal_handlers, sent
):
    con = duckdb.connect()
    threading.Timer(0.3, os.kill, (os.getpid(), sent)).start()
    try:  # code that takes a failed query for a failed query, and goes on
        con.execute("select count(*) from range(100000000000) as t (i) where i % 7 = 3").fetchall()
    except Exception as error:
        assert not isinstance(error, KeyboardInterrupt)  # what DuckDB makes of it
    else:
        pytest.fail("the query ended before the signal came")
    with pytest.raises(Terminated) as stopped:
        raise_if_signalled()
    assert failure_line(stopped.value, ()) == (
        f"stopped by {sent.name} before the run finished; run it again to complete it"
    )
    raise_if_signalled()  # once: the next run of this process is not stopped by it


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
