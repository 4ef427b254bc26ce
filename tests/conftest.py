"""Shared fixtures: real export samples, real warehouses in temporary folders, the dbt manifest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from socialkpi.demo import write_demo_exports
from socialkpi.demo.comments import write_demo_comments
from socialkpi.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples"
SOCIALKPI = str(Path(sys.executable).parent / "socialkpi")
# The tests' pseudonymisation key (a key of the test run, not of any installation).
TEST_PSEUDONYM_KEY = "tests-only-" + "0123456789abcdef" * 4


def require_samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"the real export samples are not here ({SAMPLES} is absent)")
    return SAMPLES


def run_cli(*args: str, settings: Settings | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run the installed `socialkpi` console script as a user would."""
    location = ["--exports", settings.exports, "--warehouse", str(settings.warehouse)] if settings else []
    env = {k: v for k, v in os.environ.items() if k != "SOCIALKPI_DEBUG"}
    env["SOCIALKPI_PSEUDONYM_KEY"] = TEST_PSEUDONYM_KEY
    result = subprocess.run(
        [SOCIALKPI, *args, *location], capture_output=True, text=True, env=env, timeout=600, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"socialkpi {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def mart_rows(warehouse: Path, mart: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # Fully qualified: a published copy is catalog `marts`, which makes `marts.x` ambiguous.
        (catalog,) = con.execute("select current_database()").fetchone()
        return con.execute(f"select * from {catalog}.marts.{mart} order by all").fetchall()


def ledger_entries(settings: Settings) -> dict[str, tuple[str, str | None, int | None]]:
    """The file ledger: relative path -> status, reason and row count."""
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        rows = con.execute(
            "select relative_path, status, reason, row_count from raw_ledger.export_files"
        ).fetchall()
    return {path: (status, reason, count) for path, status, reason, count in rows}


def latest_ledger_row(settings: Settings, path: str) -> tuple[str, str | None]:
    """Status and reason of the file at `path` as the last run that saw it recorded them."""
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(
            "select status, reason from raw_ledger.export_files where relative_path = ? "
            "order by last_seen_at desc limit 1",
            [path],
        ).fetchone()


def copy_of(base: Settings, root: Path) -> Settings:
    """The demo's refreshed warehouse (published copy and dlt state included) and its exports."""
    shutil.copytree(Path(base.exports), root / "exports")
    shutil.copytree(base.warehouse.parent, root / "warehouse")
    return load_settings(str(root / "exports"), root / "warehouse" / base.warehouse.name, base.comments_from)


@pytest.fixture
def workspace(tmp_path: Path) -> Settings:
    """An empty exports folder and a warehouse path of the test's own."""
    (tmp_path / "exports").mkdir()
    return load_settings(str(tmp_path / "exports"), tmp_path / "warehouse" / "socialkpi.duckdb")


@pytest.fixture(scope="session")
def demo_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "exports"
    write_demo_exports(folder)
    return folder


@pytest.fixture(scope="session")
def demo_comments(demo_exports: Path) -> Path:
    """The demo's comments (API answers in the platforms' shapes) beside the demo exports."""
    folder = demo_exports.parent / "comments"
    write_demo_comments(folder)
    return folder


@pytest.fixture(scope="session")
def demo_refresh(
    tmp_path_factory: pytest.TempPathFactory, demo_exports: Path, demo_comments: Path
) -> Settings:
    """One `socialkpi refresh` of the demo exports and comments (served on 127.0.0.1 as `make run`
    does), shared by tests that only read its result."""
    root = tmp_path_factory.mktemp("demo_refresh")
    settings = load_settings(str(demo_exports), root / "warehouse" / "socialkpi.duckdb", demo_comments)
    run_cli("refresh", "--comments-from", str(demo_comments), settings=settings, check=True)
    return settings


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """Dagster reads its dbt assets from the manifest; write it once per session (per test
    worker, one at a time: both write dbt_project/target)."""
    from filelock import FileLock

    with FileLock(str(REPO / "dbt_project" / ".parse.lock")):
        run_cli("parse", check=True)
    return REPO / "dbt_project" / "target" / "manifest.json"


def copy_samples(names: list[str], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(require_samples() / name, target / Path(name).name)


@dataclass(frozen=True)
class SamplesRefresh:
    """One `socialkpi refresh` of the whole real samples folder, copied as a user would drop it
    (EXPECTED.md, a notes file, included)."""

    settings: Settings
    result: subprocess.CompletedProcess

    def query(self, sql: str, parameters: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.settings.warehouse), read_only=True) as con:
            return con.execute(sql, parameters or []).fetchall()

    def one(self, sql: str, parameters: list | None = None) -> tuple:
        (row,) = self.query(sql, parameters)
        return row

    def ledger(self, relative_path: str) -> tuple[str, str | None, str | None]:
        """Status, reason and account of the file at `<platform>/<account>/<name>`."""
        return self.one(
            "select status, reason, account from raw_ledger.export_files where relative_path = ?",
            [relative_path],
        )


@pytest.fixture(scope="session")
def samples_refresh(tmp_path_factory: pytest.TempPathFactory) -> SamplesRefresh:
    root = tmp_path_factory.mktemp("real_samples")
    shutil.copytree(require_samples(), root / "exports")
    # The samples are read-only where they lie; a user's downloads folder is not.
    for path in (root / "exports").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    settings = load_settings(str(root / "exports"), root / "warehouse" / "socialkpi.duckdb")
    return SamplesRefresh(settings, run_cli("refresh", settings=settings))


@pytest.fixture(scope="session", autouse=True)
def the_checkout_stays_clean():
    """No test writes a warehouse or exports into the checkout: a user's own `warehouse/` there
    (the CLI's default) would be mixed with test data, and `make test` would leave files behind."""
    watched = [REPO / "warehouse", REPO / "exports"]
    before = {path for path in watched if path.exists()}
    yield
    created = [str(path) for path in watched if path.exists() and path not in before]
    assert not created, f"a test wrote into the checkout: {created}"
