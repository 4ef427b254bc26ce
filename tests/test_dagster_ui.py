"""The Dagster UI a new user opens with `make dagster`: `dagster dev` starts on the project, and a
headless Chromium finds the marts on the asset graph page. Every process the test started is
stopped through its process group, and checked gone."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from filelock import FileLock

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_loaded(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    """Until the webserver answers and the code location `socialkpi` has loaded its definitions."""
    query = json.dumps({"query": LOCATIONS}).encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"dagster dev exited with {process.returncode} before it was ready")
        try:
            request = urllib.request.Request(
                f"{url}/graphql", data=query, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                entries = json.load(response)["data"]["workspaceOrError"]["locationEntries"]
            state = {e["name"]: (e["loadStatus"], e["locationOrLoadError"]["__typename"]) for e in entries}
            if state.get("socialkpi") == ("LOADED", "RepositoryLocation"):
                return
            if state.get("socialkpi", ("",))[0] == "LOADED":
                raise AssertionError(f"the code location failed to load: {state}")
        except (OSError, KeyError, TypeError):
            pass
        time.sleep(1)
    raise AssertionError(f"dagster dev did not load the definitions on {url} within {timeout} s")


LOCATIONS = """{ workspaceOrError { ... on Workspace { locationEntries {
    name loadStatus locationOrLoadError { __typename } } } } }"""


def stop_group(process: subprocess.Popen) -> list[psutil.Process]:
    """SIGINT to the whole group (dagster dev shuts its services down on it), then SIGTERM and
    SIGKILL for whatever is left. Returns the processes still alive afterwards (should be none)."""
    group = process.pid  # start_new_session: the group id is the leader's pid
    members = [p for p in psutil.process_iter(["pid"]) if _group_of(p) == group]
    for sig, grace in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        alive = [p for p in members if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive:
            break
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            break
        psutil.wait_procs(alive, timeout=grace)
    process.wait(timeout=5)
    return [p for p in members if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def _group_of(process: psutil.Process) -> int | None:
    try:
        return os.getpgid(process.pid)
    except (ProcessLookupError, PermissionError):
        return None


@pytest.fixture
def dagster_dev(dbt_manifest, tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((REPO / "orchestration" / "dagster.yaml").read_text())
    (tmp_path / "exports").mkdir()  # empty: the new-file sensor has nothing to start
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "SOCIALKPI_EXPORTS": str(tmp_path / "exports"),
        "SOCIALKPI_WAREHOUSE": str(tmp_path / "warehouse" / "socialkpi.duckdb"),
        # As `make dagster` does: dagster-dbt finds dbt on PATH when it prepares the project.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    log = (tmp_path / "dagster_dev.log").open("w")
    # While its definitions load, dagster dev may parse the dbt project (when a dbt file is newer
    # than the manifest): not while another test worker parses or reads the same target/.
    parse_lock = FileLock(str(REPO / "dbt_project" / ".parse.lock"))
    parse_lock.acquire()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster"),
            "dev",
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_loaded(url, process)
        parse_lock.release()
        yield url
    finally:
        parse_lock.release()  # no-op when already released
        left = stop_group(process)
        log.close()
        assert not left, f"processes left running: {[p.pid for p in left]}"


def test_dagster_dev_starts_and_the_asset_graph_page_shows_every_mart(dagster_dev):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (`make browser` installs it)")
    from playwright.sync_api import sync_playwright

    from orchestration.transform import mart_keys

    marts = sorted(key.path[-1] for key in mart_keys())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # The graph draws only the nodes in view: a tall window holds the whole marts group.
            page = browser.new_page(viewport={"width": 1920, "height": 6000})
            page.goto(f"{dagster_dev}/locations/socialkpi/asset-groups/marts", wait_until="domcontentloaded")
            page.get_by_text("twitter_posts", exact=True).first.wait_for(timeout=120_000)
            deadline = time.monotonic() + 60
            while (missing := _missing(page, marts)) and time.monotonic() < deadline:
                time.sleep(1)
            assert not missing, f"marts not on the asset graph page: {missing}"
        finally:
            browser.close()


def _missing(page, names: list[str]) -> list[str]:
    words = set(page.inner_text("body").split())
    return [name for name in names if name not in words]


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
