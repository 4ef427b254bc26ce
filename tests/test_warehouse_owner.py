"""pipelines/warehouse.py is the one way into the warehouse: every connection gets the memory cap,
and a lock another process holds for a moment is waited out instead of failing the step."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.memory import DBT_THREADS_ENV, MEMORY_CAP_ENV, MEMORY_LIMIT_ENV, dbt_threads
from pipelines.warehouse import LOCK_WAIT_ENV, open_warehouse
from tests.conftest import run_cli

# Another process opens the file read-write, says so, and holds it for the given seconds.
HOLDER = (
    "import sys, time, duckdb; con = duckdb.connect(sys.argv[1]); print('held', flush=True); "
    "time.sleep(float(sys.argv[2])); con.close()"
)


def _held_by_another_process(path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def _limit_as_duckdb_says(limit: str) -> str:
    with duckdb.connect() as con:
        con.execute(f"set memory_limit = '{limit}'")
        return con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_every_connection_to_the_warehouse_has_the_memory_cap(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "384MB")
    monkeypatch.setenv(MEMORY_CAP_ENV, "none")  # the process's cap: tests/test_memory_cap.py
    duckdb.connect(str(tmp_path / "w.duckdb")).close()
    for read_only in (False, True):
        with open_warehouse(tmp_path / "w.duckdb", read_only=read_only) as con:
            (limit,) = con.execute("select current_setting('memory_limit')").fetchone()
        assert limit == _limit_as_duckdb_says("384MB")


def test_a_lock_held_for_a_moment_by_another_process_is_waited_out(tmp_path, monkeypatch):
    warehouse = tmp_path / "w.duckdb"
    duckdb.connect(str(warehouse)).close()
    monkeypatch.setenv(LOCK_WAIT_ENV, "20")
    holder = _held_by_another_process(warehouse, 1.0)
    started = time.monotonic()
    with open_warehouse(warehouse) as con:
        assert con.execute("select 42").fetchone() == (42,)
    assert holder.wait(timeout=30) == 0
    assert time.monotonic() - started < 20


def test_a_lock_held_longer_than_the_wait_fails_with_duckdbs_words(tmp_path, monkeypatch):
    warehouse = tmp_path / "w.duckdb"
    duckdb.connect(str(warehouse)).close()
    monkeypatch.setenv(LOCK_WAIT_ENV, "0.3")
    holder = _held_by_another_process(warehouse, 5.0)
    try:
        with pytest.raises(duckdb.IOException, match="lock"), open_warehouse(warehouse):
            pass
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    ("limit", "models_at_once"),
    [
        ("1GB", 2),
        ("800MB", 2),
        ("799MB", 1),
        ("384MB", 1),
        ("1500MB", 3),
        ("2GiB", 5),
        ("64GB", 8),
        ("80%", 8),
    ],
)
def test_dbt_builds_as_many_models_at_once_as_the_memory_limit_gives_400mb_each_within_the_cores(
    monkeypatch, limit, models_at_once
):
    monkeypatch.delenv(DBT_THREADS_ENV, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert dbt_threads(limit) == models_at_once
    monkeypatch.setenv(DBT_THREADS_ENV, "3")
    assert dbt_threads(limit) == 3


def test_a_build_out_of_memory_runs_again_one_model_at_a_time_then_names_the_limit_to_raise(
    workspace, demo_exports, monkeypatch
):
    """Two models at a time under a limit too small for any: dbt retries what failed (and what it
    skipped) one model at a time; still out of memory, the night ends on one line naming the
    setting to raise, and publishes nothing."""
    day = sorted((demo_exports / "twitter" / "cern").glob("daily_tweet_activity_metrics_*"))[0]
    shutil.copy(day, Path(workspace.exports) / day.name)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "16MB")
    monkeypatch.setenv(DBT_THREADS_ENV, "2")

    result = run_cli("refresh", settings=workspace)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "building what failed again one model at a time" in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("error: dbt build ran out of memory in "), errors[0]
    assert f"{MEMORY_LIMIT_ENV}=16MB, and it was one model at a time; raise {MEMORY_LIMIT_ENV}" in errors[0]
    assert "Traceback" not in result.stderr
    assert not workspace.published_marts.exists()
