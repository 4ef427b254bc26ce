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
