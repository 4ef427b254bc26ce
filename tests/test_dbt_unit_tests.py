"""Every dbt unit test (the KPI definitions on hand-computed rows) passes. They need the
relations of a built warehouse to know their inputs' columns: the demo's, copied."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipelines.settings import DBT_PROJECT_DIR, WAREHOUSE_ENV, Settings

DBT = str(Path(sys.executable).parent / "dbt")


def test_every_dbt_unit_test_passes_on_its_hand_computed_rows(demo_refresh: Settings, tmp_path: Path):
    warehouse = tmp_path / "socialkpi.duckdb"
    shutil.copy(demo_refresh.warehouse, warehouse)
    target = tmp_path / "target"
    result = subprocess.run(
        [DBT, "test", "--select", "test_type:unit", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target),
         "--log-path", str(tmp_path / "logs")],
        env={**os.environ, WAREHOUSE_ENV: str(warehouse)},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    assert len(results) >= 20
    assert {r["status"] for r in results} == {"pass"}
