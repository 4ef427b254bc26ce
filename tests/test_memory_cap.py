"""The whole process has a memory cap (SOCIALKPI_MEMORY_CAP, pipelines/memory.py): each DuckDB a
step opens, the dbt build's included, gets the configured limit or what the cap leaves beside what
the process already holds, never less than DuckDB's least."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pipelines.memory import (
    LEAST_DUCKDB_LIMIT,
    MEMORY_CAP_ENV,
    MEMORY_LIMIT_ENV,
    OUTSIDE_DUCKDB_LIMIT,
    duckdb_memory_limit,
    memory_limit_bytes,
    resident_bytes,
)
from pipelines.warehouse import open_warehouse
from socialkpi.build.dbt_runner import run_dbt
from tests.conftest import run_cli

MB = 10**6
# What the process's resident memory may move between computing the cap and checking it.
DRIFT = 40 * MB


def _cap_leaving(room: int) -> str:
    """A cap that leaves DuckDB `room` bytes beside what this process holds now."""
    return f"{(resident_bytes() + OUTSIDE_DUCKDB_LIMIT + room) // MB}MB"


def _warehouse_limit(tmp_path) -> int:
    with open_warehouse(tmp_path / "w.duckdb") as con:
        return memory_limit_bytes(con.execute("select current_setting('memory_limit')").fetchone()[0])


def test_a_connection_gets_what_the_cap_leaves_and_less_once_the_process_holds_more(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    monkeypatch.setenv(MEMORY_CAP_ENV, _cap_leaving(600 * MB))
    assert abs(_warehouse_limit(tmp_path) - 600 * MB) < DRIFT

    held = b"\x01" * (250 * MB)  # written, so resident: what a load's rows would hold
    assert abs(_warehouse_limit(tmp_path) - 350 * MB) < DRIFT
    del held


def test_a_cap_with_room_for_the_configured_limit_leaves_it_as_configured(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "384MB")
    monkeypatch.setenv(MEMORY_CAP_ENV, _cap_leaving(2000 * MB))
    assert duckdb_memory_limit() == "384MB"
    monkeypatch.setenv(MEMORY_CAP_ENV, "none")
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    assert duckdb_memory_limit() == "1GB"


def test_a_process_already_past_the_cap_still_gives_duckdb_its_least_limit(monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    monkeypatch.setenv(MEMORY_CAP_ENV, "100MB")
    assert memory_limit_bytes(duckdb_memory_limit()) == LEAST_DUCKDB_LIMIT


def test_a_cap_not_in_bytes_is_refused_naming_the_setting(monkeypatch):
    monkeypatch.setenv(MEMORY_CAP_ENV, "80%")
    with pytest.raises(ValueError, match=f"{MEMORY_CAP_ENV}='80%': give bytes in DuckDB's units"):
        duckdb_memory_limit()


def test_the_dbt_build_runs_under_the_limit_the_cap_leaves_when_it_starts(workspace, monkeypatch):
    """dbt's own DuckDB (profiles.yml) gets the lowered limit, not the configured one. The cap
    leaves 500MB now; importing dbt before the limit is computed takes some of it."""
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "2GB")
    workspace.warehouse.parent.mkdir(parents=True)
    monkeypatch.setenv(MEMORY_CAP_ENV, _cap_leaving(500 * MB))
    result = run_dbt(workspace, "show", "--inline", "select current_setting('memory_limit') as memory_limit")
    (shown,) = result.result.results[0].agate_table.rows
    assert 350 * MB < memory_limit_bytes(shown[0]) < 500 * MB + DRIFT


def test_a_refresh_says_when_the_cap_lowers_the_builds_limit_and_builds_under_it(
    workspace, demo_exports, monkeypatch
):
    day = sorted((demo_exports / "twitter" / "cern").glob("daily_tweet_activity_metrics_*"))[0]
    shutil.copy(day, Path(workspace.exports) / day.name)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    monkeypatch.setenv(MEMORY_CAP_ENV, "600MB")  # less than the refresh's process holds plus 1GB

    result = run_cli("refresh", settings=workspace)

    assert result.returncode == 0, result.stdout + result.stderr
    expected = (
        f"… DuckDB may use {LEAST_DUCKDB_LIMIT // MB}MB in this dbt build, not {MEMORY_LIMIT_ENV}=1GB: "
        rf"the process already holds \d+MB of {MEMORY_CAP_ENV}=600MB"
    )
    said = [line for line in result.stderr.splitlines() if "DuckDB may use" in line]
    assert len(said) == 1 and re.fullmatch(expected, said[0]), result.stderr
