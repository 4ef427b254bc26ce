"""The layout follows the data, and the basics stay cheap: what a module imports is behaviour too.
Every command and every Dagster process imports the settings first, and the sensor lists the
exports folder every few minutes; neither should pay for DuckDB, Arrow, dlt or the reader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

HEAVY = ("duckdb", "pyarrow", "dlt", "pipelines.reader", "pipelines.load")


def _loaded_by(module: str) -> list[str]:
    """Which of HEAVY a fresh interpreter holds after importing `module` alone."""
    code = (
        "import json, sys; import " + module + "; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("module", ["pipelines.settings", "pipelines.paths", "pipelines.exports"])
def test_importing_the_settings_or_listing_the_exports_loads_no_engine_and_no_reader(module):
    assert _loaded_by(module) == []


def test_the_import_contracts_hold():
    """pyproject's [tool.importlinter]: no upward imports, the demo only from the CLI and the
    bench, no cycles. Also run by `make lint`; here so a plain pytest run says so too."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint_imports), "--no-logo", "--no-cache"], check=False, cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


# Who may open a DuckDB file, and which: the warehouse only through pipelines/warehouse.py; the
# others open the published copy (serve reads it, publish builds it, the PostgreSQL publish copies
# from it) or DuckDB alone (the bench's baseline).
DUCKDB_OPENERS = {
    "pipelines/warehouse.py": "the warehouse, for every step",
    "socialkpi/serve/access.py": "an in-memory reader that attaches the published copy read-only",
    "socialkpi/publish/marts.py": "the new published copy while it is built",
    "socialkpi/publish/postgres/__init__.py": "the published copy, read-only, to copy into PostgreSQL",
    "bench/extract.py": "the published copy, read-only, for the extract benchmark",
    "bench/baseline.py": "DuckDB alone, the benchmark's baseline",
    "bench/big_account.py": "DuckDB in memory, writing the big account's export",
    "pipelines/lake.py": "DuckDB in memory, rewriting a lake table's Parquet files without a file's rows",
}
PRODUCT_FOLDERS = ("pipelines", "socialkpi", "orchestration", "bench")


def _python_files_mentioning(text: str) -> set[str]:
    return {
        path.relative_to(REPO).as_posix()
        for folder in PRODUCT_FOLDERS
        for path in (REPO / folder).rglob("*.py")
        if text in path.read_text(encoding="utf-8")
    }


def test_only_the_warehouse_module_opens_the_warehouse_file():
    """One owner: the memory cap and the wait for a held lock apply to every step, because no other
    module calls duckdb.connect on the warehouse (the others open the published copy)."""
    assert _python_files_mentioning("duckdb.connect(") <= set(DUCKDB_OPENERS)
    assert "pipelines/warehouse.py" in _python_files_mentioning("duckdb.connect(")


def test_only_the_ledger_and_run_state_modules_hold_their_sql():
    """Every read or write of the ledger and the run state goes through pipelines/ledger.py and
    pipelines/run_state.py: no other module names their tables in SQL."""
    owners = {"pipelines/ledger.py", "pipelines/run_state.py"}
    for table in ("raw_ledger.", "LEDGER_TABLE}", "STATE_TABLE}", "export_files", "refresh_state"):
        assert _python_files_mentioning(table) <= owners, table
