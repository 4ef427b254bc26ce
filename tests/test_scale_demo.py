"""`socialkpi demo --scale cern`: years of weekly downloads in the platforms' formats, written one
file at a time, the same whatever range of days is written at once (the benchmark writes the
history, then one more day)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb

from pipelines.settings import load_settings
from socialkpi.demo.scale import SCALES, write_scale_exports
from tests.conftest import run_cli

FIRST = SCALES["cern"].first
WEEKS = (FIRST, FIRST + timedelta(weeks=2), FIRST + timedelta(weeks=3))


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_history_then_one_more_week_writes_the_same_files_as_all_at_once(tmp_path):
    write_scale_exports(tmp_path / "apart", "cern", (WEEKS[0], WEEKS[1]))
    later = write_scale_exports(tmp_path / "apart", "cern", (WEEKS[1], WEEKS[2]))
    write_scale_exports(tmp_path / "together", "cern", (WEEKS[0], WEEKS[2]))
    assert later, "the third week has downloads"
    assert _files(tmp_path / "apart") == _files(tmp_path / "together")


def test_three_weeks_of_the_cern_scale_load_every_file_on_every_platform(tmp_path):
    written = write_scale_exports(tmp_path / "exports", "cern", (WEEKS[0], WEEKS[2]))
    settings = load_settings(str(tmp_path / "exports"), tmp_path / "warehouse" / "socialkpi.duckdb")
    result = run_cli("load", settings=settings)
    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        statuses = con.execute("select status, count(*) from raw_ledger.export_files group by 1").fetchall()
        channels = {
            c for (c,) in con.execute("select distinct channel from raw_ledger.export_files").fetchall()
        }
        accounts = con.execute(
            "select count(distinct account) from raw_ledger.export_files where channel = 'twitter'"
        ).fetchone()
    assert statuses == [("loaded", len(written))]
    # A Meta daily series has no platform in the ledger until a build decides it (pipelines/ledger.py).
    assert channels == {"twitter", "facebook", "instagram", "linkedin", "youtube", None}
    assert accounts == (2,)
