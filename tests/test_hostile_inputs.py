"""Hostile and odd inputs (issue 15) beside good demo files: each is the file's own problem (a
ledger row whose reason names the bound and its setting), never the end of the load; and one
writer at a time on a warehouse. The inputs come from tests/hostile.py, small on disk."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.reconcile import ReconciliationFailed, mismatches, reconcile
from pipelines.settings import Settings
from pipelines.writer_lock import WAIT_ENV, WarehouseBusy, lock_path, writing
from tests import hostile
from tests.conftest import SOCIALKPI, TEST_PSEUDONYM_KEY
from tests.conftest import ledger_entries as ledger

# One file of each kind a real night reads: an X CSV, a LinkedIn BIFF workbook, a YouTube ZIP.
GOOD_FILES = (
    "twitter/cern/daily_tweet_activity_metrics_CERN_20220103_20220131_en.csv",
    "linkedin/cern/cern_content_1740816960000.xls",
    "youtube/cern/Content 2024-09-02_2025-06-01 CERN.zip",
)
X_DAILY = GOOD_FILES[0]


@pytest.fixture
def exports(workspace: Settings, demo_exports: Path) -> Path:
    """The workspace's exports folder holding the good files."""
    folder = Path(workspace.exports)
    for name in GOOD_FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(demo_exports / name, folder / name)
    return folder


def assert_good_files_loaded(settings: Settings) -> None:
    entries = ledger(settings)
    for name in GOOD_FILES:
        status, reason, rows = entries[name]
        assert status == "loaded", (name, reason)
        assert rows > 0
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        assert mismatches(con) == []


def x_daily_rows(demo_exports: Path) -> tuple[bytes, bytes]:
    """The X daily file's header line and its first data row, as the file writes them."""
    lines = (demo_exports / X_DAILY).read_bytes().splitlines(keepends=True)
    return lines[0], lines[1]


def test_a_workbook_with_one_cell_at_xfd1048576_is_quarantined_and_the_files_beside_it_load(
    workspace, exports
):
    """calamine would allocate 512 GiB for the sheet's bounding box and abort the process."""
    hostile.xlsx_with_far_cell(exports / "linkedin" / "cern" / "cern_followers_1.xlsx")

    result = cli("load", settings=workspace)

    assert result.returncode == 2, result.stderr
    status, reason, _rows = ledger(workspace)["linkedin/cern/cern_followers_1.xlsx"]
    assert status == "quarantined"
    assert "1,048,576 rows x 16,384 columns" in reason
    assert "SOCIALKPI_MAX_SHEET_CELLS=2000000" in reason
    assert_good_files_loaded(workspace)


def test_a_zip_whose_member_inflates_to_1_gib_is_quarantined_before_it_is_inflated(
    workspace, exports, demo_exports
):
    header, row = x_daily_rows(demo_exports)
    block = row * (2**20 // len(row))
    bomb = hostile.zip_bomb(exports / "twitter" / "cern" / "daily.zip", "daily.csv", header, block, 1024)
    assert bomb.stat().st_size < 8 * 2**20  # a few MB on disk

    result = cli("load", settings=workspace)

    assert result.returncode == 2, result.stderr
    status, reason, _rows = ledger(workspace)["twitter/cern/daily.zip"]
    assert status == "quarantined"
    assert "declares 1,07" in reason and "SOCIALKPI_MAX_INFLATED_BYTES=268435456" in reason
    assert_good_files_loaded(workspace)


def test_a_zip_member_deflated_past_any_real_ratio_is_quarantined_naming_the_ratio_setting(
    workspace, exports, demo_exports
):
    """8 MB of one repeated row: under the size bound, but no export compresses 600 times."""
    header, row = x_daily_rows(demo_exports)
    block = row * (2**20 // len(row))
    hostile.zip_bomb(exports / "twitter" / "cern" / "padded.zip", "daily.csv", header, block, 8)

    result = cli("load", settings=workspace)

    assert result.returncode == 2, result.stderr
    status, reason, _rows = ledger(workspace)["twitter/cern/padded.zip"]
    assert status == "quarantined"
    assert "daily.csv in the ZIP archive inflates 8," in reason
    assert "SOCIALKPI_MAX_COMPRESSION_RATIO=200" in reason
    assert_good_files_loaded(workspace)


def test_a_zip_of_a_thousand_exports_is_quarantined_naming_the_member_limit(workspace, exports, demo_exports):
    hostile.zip_of_many(
        exports / "twitter" / "cern" / "everything.zip", (demo_exports / X_DAILY).read_bytes(), 1000
    )

    result = cli("load", settings=workspace)

    assert result.returncode == 2, result.stderr
    status, reason, _rows = ledger(workspace)["twitter/cern/everything.zip"]
    assert status == "quarantined"
    assert "holds 1000 files" in reason and "SOCIALKPI_MAX_ZIP_MEMBERS=100" in reason
    assert_good_files_loaded(workspace)


def test_the_bounds_are_settings_a_larger_member_count_loads_when_raised(workspace, exports, demo_exports):
    hostile.zip_of_many(exports / "twitter" / "cern" / "three.zip", (demo_exports / X_DAILY).read_bytes(), 3)

    refused = cli("load", settings=workspace, env={"SOCIALKPI_MAX_ZIP_MEMBERS": "2"})
    status, reason, _rows = ledger(workspace)["twitter/cern/three.zip"]
    assert (refused.returncode, status) == (2, "quarantined")
    assert "SOCIALKPI_MAX_ZIP_MEMBERS=2" in reason

    cli("load", settings=workspace, check=True)
    assert ledger(workspace)["twitter/cern/three.zip"][0] == "loaded"


def test_a_file_name_that_is_not_utf8_is_a_ledger_row_shown_escaped_and_the_others_load(
    workspace, exports, demo_exports
):
    hostile.non_utf8_name(exports / "twitter" / "cern", (demo_exports / X_DAILY).read_bytes())

    result = cli("load", settings=workspace)

    assert result.returncode == 2, result.stderr
    status, reason, _rows = ledger(workspace)["twitter/cern/tweets_caf\\xe9.csv"]
    assert status == "quarantined"
    assert "not valid UTF-8" in reason and "rename" in reason
    assert "tweets_caf\\xe9.csv" in result.stdout
    assert_good_files_loaded(workspace)


def test_a_path_longer_than_the_system_allows_is_a_ledger_row_and_the_others_load(
    workspace, exports, demo_exports
):
    hostile.deep_folder(exports / "twitter", (demo_exports / X_DAILY).read_bytes())

    result = cli("load", settings=workspace)

    assert result.returncode == 2, result.stderr
    too_long = [
        (path, status, reason)
        for path, (status, reason, _rows) in ledger(workspace).items()
        if "longer than the system allows" in (reason or "")
    ]
    assert len(too_long) == 1
    path, status, _reason = too_long[0]
    assert path.startswith("twitter/dddd") and status == "unrecognised"
    assert_good_files_loaded(workspace)


def test_a_folder_that_cannot_be_read_is_a_ledger_row_and_the_others_load(workspace, exports, demo_exports):
    locked = exports / "twitter" / "private"
    locked.mkdir()
    shutil.copy(demo_exports / X_DAILY, locked / "tweets.csv")
    locked.chmod(0)
    try:
        result = cli("load", settings=workspace, as_unprivileged=True)
    finally:
        locked.chmod(0o755)

    assert result.returncode == 2, result.stderr
    status, reason, _rows = ledger(workspace)["twitter/private/"]
    assert status == "unrecognised"
    assert "cannot be listed (Permission denied)" in reason
    assert_good_files_loaded(workspace)


def test_extra_columns_that_slug_to_one_name_each_land_in_their_own_raw_column(workspace, demo_exports):
    lines = (demo_exports / X_DAILY).read_bytes().splitlines(keepends=True)
    extra = [b',"Poll votes","Poll votes","Poll votes 2"', b',"1","2","3"']
    widened = [lines[0].rstrip(b"\r\n") + extra[0] + b"\n"] + [
        line.rstrip(b"\r\n") + extra[1] + b"\n" for line in lines[1:] if line.strip()
    ]
    target = Path(workspace.exports) / X_DAILY
    target.parent.mkdir(parents=True)
    target.write_bytes(b"".join(widened))

    cli("load", settings=workspace, check=True)

    with duckdb.connect(str(workspace.warehouse), read_only=True) as con:
        votes = con.execute(
            "select distinct extra_poll_votes, extra_poll_votes_2, extra_poll_votes_2_2 "
            "from raw_twitter.account_daily"
        ).fetchall()
    assert votes == [("1", "2", "3")]
    assert ledger(workspace)[X_DAILY][0] == "loaded"


def test_control_characters_in_a_file_name_are_escaped_wherever_the_name_is_printed(workspace, exports):
    name = "tweets\x1b[2J\x1b]0;owned\x07.csv"
    (exports / "twitter" / "cern" / name).write_bytes(b"not an export\n")

    loaded = cli("load", settings=workspace)
    listed = cli("files", settings=workspace)

    assert loaded.returncode == 2
    for output in (loaded.stdout, loaded.stderr, listed.stdout, listed.stderr):
        assert "\x1b" not in output and "\x07" not in output
    shown = "tweets\\x1b[2J\\x1b]0;owned\\x07.csv"
    assert shown in loaded.stdout and shown in listed.stdout
    assert ledger(workspace)[f"twitter/cern/{name}"][0] == "unrecognised"


def test_a_second_writer_exits_1_naming_the_holder_and_raw_keeps_each_row_once(workspace, exports):
    first = subprocess.Popen(
        [SOCIALKPI, "load", "--exports", workspace.exports, "--warehouse", str(workspace.warehouse)],
        env=_env({"SOCIALKPI_TEST_PAUSE_AT": "ledger"}),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        _wait_for_pause(first)
        for command in ("load", "refresh", "build", "publish"):
            second = cli(command, settings=workspace)
            assert second.returncode == 1, (command, second.stdout, second.stderr)
            assert f"pid {first.pid}, `socialkpi load`" in second.stderr, second.stderr
            assert len(second.stderr.strip().splitlines()) == 1
        assert "pid" not in cli("files", settings=workspace).stderr  # reading needs no lock
    finally:
        first.send_signal(signal.SIGKILL)  # dies holding the lock: the kernel releases it
        first.wait()

    cli("load", settings=workspace, check=True)

    with duckdb.connect(str(workspace.warehouse), read_only=True) as con:
        total, distinct = con.execute(
            "select count(*), count(distinct (_file_sha256, _source_file, _row_number)) "
            "from raw_twitter.account_daily"
        ).fetchone()
    assert total == distinct > 0
    assert_good_files_loaded(workspace)


def test_a_file_landed_twice_stops_the_night_at_the_reconciliation_saying_so(workspace, exports):
    cli("load", settings=workspace, check=True)
    with duckdb.connect(str(workspace.warehouse)) as con:
        con.execute("insert into raw_twitter.account_daily select * from raw_twitter.account_daily")
        (rows,) = con.execute("select count(*) from raw_twitter.account_daily").fetchone()

    with pytest.raises(ReconciliationFailed) as failed:
        reconcile(workspace.warehouse)

    assert (
        f"{X_DAILY}: ledger {rows // 2} rows, raw {rows} ({rows // 2} of them landed more than once)"
        in str(failed.value)
    )


def test_a_dagster_step_meets_a_held_writer_lock_as_a_lock_error_it_retries(workspace):
    """A manual `socialkpi refresh` holds the lock: Dagster's load waits for it through its retry
    policy, as it does for DuckDB's own lock, instead of writing at the same time."""
    from orchestration.resources import SocialKpiResource
    from orchestration.retries import WarehouseLocked, only_a_held_lock_is_retried

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITER_LOCK, str(workspace.warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        resource = SocialKpiResource(exports=workspace.exports, warehouse=str(workspace.warehouse))
        with pytest.raises(WarehouseLocked, match=f"load: .*pid {holder.pid}, `socialkpi refresh`"):
            with only_a_held_lock_is_retried("load"), resource.writing("load"):
                raise AssertionError("the step ran while another process held the writer lock")
    finally:
        holder.kill()
        holder.wait()
    with resource.writing("load"):  # the kernel let go of the dead holder's lock
        pass


def test_a_writer_told_to_wait_takes_the_lock_when_the_holder_ends_and_gives_up_after_its_wait(
    workspace, monkeypatch
):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITER_LOCK, str(workspace.warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        monkeypatch.setenv(WAIT_ENV, "1")
        started = time.monotonic()
        with pytest.raises(WarehouseBusy, match=f"pid {holder.pid}, `socialkpi refresh`.* after waiting 1 s"):
            with writing(workspace.warehouse, "socialkpi load"):
                pass
        assert time.monotonic() - started >= 1
        monkeypatch.setenv(WAIT_ENV, "60")
        threading.Timer(1, holder.kill).start()
        with writing(workspace.warehouse, "socialkpi load"):
            assert f"pid {os.getpid()}, `socialkpi load`" in lock_path(workspace.warehouse).read_text()
    finally:
        holder.kill()
        holder.wait()


HOLD_WRITER_LOCK = """
import sys, time
from pathlib import Path
from pipelines.writer_lock import writing
with writing(Path(sys.argv[1]), "socialkpi refresh"):
    print("holding", flush=True)
    time.sleep(120)
"""


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SOCIALKPI_DEBUG"}
    env["SOCIALKPI_PSEUDONYM_KEY"] = TEST_PSEUDONYM_KEY
    return {**env, **extra}


def _wait_for_pause(process: subprocess.Popen) -> None:
    for line in process.stderr:
        if "paused at ledger" in line:
            return
    raise AssertionError(f"the first load ended (exit {process.wait()}) before it reached the pause")


def _unprivileged() -> list[str]:
    """As root, permission bits bind only without the capabilities that override them."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: a folder's permission bits cannot bind")
    drop = "-dac_override,-dac_read_search"
    return ["setpriv", "--bounding-set", drop, "--inh-caps", drop]


def cli(
    *args: str,
    settings: Settings,
    check: bool = False,
    env: dict[str, str] | None = None,
    as_unprivileged: bool = False,
) -> subprocess.CompletedProcess:
    """`socialkpi ARGS` as conftest's run_cli runs it, with extra environment variables, and
    optionally without the privileges that override permission bits; output bytes that are not
    UTF-8 are kept visible (as \\xNN) rather than failing the test's decoding."""
    command = [*(_unprivileged() if as_unprivileged else []), SOCIALKPI, *args]
    result = subprocess.run(
        [*command, "--exports", settings.exports, "--warehouse", str(settings.warehouse)],
        capture_output=True,
        text=True,
        env=_env(env or {}),
        timeout=600,
        check=False,
        errors="backslashreplace",
    )
    if check and result.returncode != 0:
        raise AssertionError(f"socialkpi {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
