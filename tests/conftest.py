"""Shared fixtures: real export samples, real warehouses in temporary folders, the dbt manifest."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from pipelines.settings import Settings, load_settings
from socialkpi.demo import write_demo_exports
from socialkpi.demo.comments import write_demo_comments

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples"
SOCIALKPI = str(Path(sys.executable).parent / "socialkpi")
# The tests' pseudonymisation key (a key of the test run, not of any installation).
TEST_PSEUDONYM_KEY = "tests-only-" + "0123456789abcdef" * 4


def require_samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"the real export samples are not here ({SAMPLES} is absent)")
    return SAMPLES


def run_cli(
    *args: str, settings: Settings | None = None, check: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the installed `socialkpi` console script as a user would (`env`: variables it also gets)."""
    location = ["--exports", settings.exports, "--warehouse", str(settings.warehouse)] if settings else []
    env = {k: v for k, v in os.environ.items() if k != "SOCIALKPI_DEBUG"} | (env or {})
    env["SOCIALKPI_PSEUDONYM_KEY"] = TEST_PSEUDONYM_KEY
    result = subprocess.run(
        [SOCIALKPI, *args, *location], capture_output=True, text=True, env=env, timeout=600, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"socialkpi {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def killed_at(point: str, command: list[str], env: dict[str, str] | None = None) -> str:
    """Run a `socialkpi` command until it pauses at the checkpoint `point`
    (pipelines/checkpoints.py), SIGKILL it, and return what it said on stderr."""
    from pipelines.checkpoints import PAUSE_ENV

    environment = {k: v for k, v in os.environ.items() if k != "SOCIALKPI_DEBUG"} | (env or {})
    environment |= {PAUSE_ENV: point, "SOCIALKPI_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY}
    process = subprocess.Popen(
        [SOCIALKPI, *command], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    watchdog = threading.Timer(300, process.kill)  # never wait for ever on a run that does not pause
    watchdog.start()
    lines = []
    try:
        for line in process.stderr:
            lines.append(line)
            if line.strip() == f"paused at {point}":
                os.kill(process.pid, signal.SIGKILL)
                break
    finally:
        watchdog.cancel()
        process.wait()
        process.stderr.close()
    said = "".join(lines)
    assert process.returncode == -signal.SIGKILL, f"the run did not pause at {point}:\n{said}"
    return said


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


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder `make` fills once per test run, shared by the pytest-xdist workers (each worker
    used to make its own: the demo and the samples refreshed twice). `make` runs under a lock in
    the run's shared temporary folder; a `make` that raised leaves nothing for the next caller to
    trust, so the next one makes it again. Only for folders tests read, never change."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    folder, done = base / name, base / f"{name}.done"
    with FileLock(str(base / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            make(folder)
            done.touch()
    return folder


def _write_demo(folder: Path) -> None:
    write_demo_exports(folder / "exports")
    write_demo_comments(folder / "comments")


@pytest.fixture(scope="session")
def demo_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_once(tmp_path_factory, "demo", _write_demo) / "exports"


@pytest.fixture(scope="session")
def demo_comments(demo_exports: Path) -> Path:
    """The demo's comments (API answers in the platforms' shapes) beside the demo exports."""
    return demo_exports.parent / "comments"


@pytest.fixture(scope="session")
def demo_refresh(
    tmp_path_factory: pytest.TempPathFactory, demo_exports: Path, demo_comments: Path
) -> Settings:
    """One `socialkpi refresh` of the demo exports and comments (served on 127.0.0.1 as `make run`
    does), shared by tests that only read its result."""

    def refresh(root: Path) -> None:
        settings = load_settings(str(demo_exports), root / "warehouse" / "socialkpi.duckdb", demo_comments)
        run_cli("refresh", "--comments-from", str(demo_comments), settings=settings, check=True)

    root = made_once(tmp_path_factory, "demo_refresh", refresh)
    return load_settings(str(demo_exports), root / "warehouse" / "socialkpi.duckdb", demo_comments)


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """Dagster reads its dbt assets from the manifest; write it once per session (per test
    worker, one at a time: both write dbt_project/target)."""
    with FileLock(str(REPO / "dbt_project" / ".parse.lock")):
        run_cli("parse", check=True)
    return REPO / "dbt_project" / "target" / "manifest.json"


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 4 MB tmpfs: room for the exports and the start of a warehouse, not for the load."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


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
    samples = require_samples()

    def refresh(root: Path) -> None:
        shutil.copytree(samples, root / "exports")
        # The samples are read-only where they lie; a user's downloads folder is not.
        for path in (root / "exports").rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        result = run_cli("refresh", settings=_samples_settings(root))
        (root / "refresh.json").write_text(
            json.dumps({"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr})
        )

    root = made_once(tmp_path_factory, "real_samples", refresh)
    said = json.loads((root / "refresh.json").read_text())
    result = subprocess.CompletedProcess(
        ["socialkpi", "refresh"], said["returncode"], said["stdout"], said["stderr"]
    )
    return SamplesRefresh(_samples_settings(root), result)


def _samples_settings(root: Path) -> Settings:
    return load_settings(str(root / "exports"), root / "warehouse" / "socialkpi.duckdb")


# The modules that take longest, longest first (measured with `pytest --durations`): pytest-xdist
# gives each of the two workers whole modules (--dist loadfile), so a long module started last keeps
# one core busy while the other has nothing left to do. A scheduling hint only: every test runs.
# It needs `--no-loadscope-reorder` (pyproject.toml): by default pytest-xdist hands out modules by
# their number of tests, most first, whatever this order says (the 8 Spark tests, 7 minutes of
# them, then went last and ran alone).
LONGEST_FIRST = (
    "test_spark_engine.py",
    "test_dagster_night.py",
    "test_newest_download_wins.py",
    "test_refresh.py",
    "test_published_integrity.py",
    "test_published_access.py",
    "test_isolation.py",
    "test_reconciliation.py",
    "test_crash_safety.py",
    "test_cli_says_what_is_true.py",
    "test_bad_inputs.py",
    "test_real_shapes.py",
    "test_accounts_and_channels.py",
    "test_hostile_inputs.py",
    "test_corpus_property.py",
    "test_comment_privacy.py",
    "test_postgres_publish.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a module keeps its order


@pytest.fixture(scope="session", autouse=True)
def the_checkout_stays_clean():
    """No test writes a warehouse or exports into the checkout: a user's own `warehouse/` there
    (the CLI's default) would be mixed with test data, and `make test` would leave files behind."""

    def watched() -> set[Path]:
        # dagster-dbt's default is a new dbt_project/target/<name>-<hash> folder per build.
        builds = [path for path in (REPO / "dbt_project" / "target").glob("*-*") if path.is_dir()]
        # dbt's debug log only with SOCIALKPI_DEBUG=1 (socialkpi/build/dbt_runner.py).
        return {REPO / "warehouse", REPO / "exports", REPO / "dbt_project" / "logs" / "dbt.log", *builds}

    before = {path for path in watched() if path.exists()}
    yield
    created = [str(path) for path in watched() if path.exists() and path not in before]
    assert not created, f"a test wrote into the checkout: {created}"
