"""The corpus-wide property (issue 15): whatever bad input lies beside the good files, the good
files publish, and the refresh ends in under a minute with a peak under 1.5 GB.

Every input of the bad-input corpus (tests/corpus.py) and of the hostile generators
(tests/hostile.py) is placed beside good demo files of every channel. Inputs that cannot interfere
share a refresh, to keep CI short: each in its own account folder, so no two inputs meet in a
mart, a snapshot or a duplicate check. Each refresh runs in a fresh process whose children's
peak memory is read with getrusage(RUSAGE_CHILDREN), and each input's ledger row is checked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.errors import LOADED, QUARANTINED, UNRECOGNISED
from pipelines.settings import Settings, load_settings
from tests import corpus, hostile
from tests.conftest import SOCIALKPI, TEST_PSEUDONYM_KEY
from tests.conftest import ledger_entries as ledger

# One good demo file per channel, each giving posts: what must publish whatever lies beside it.
GOOD_FILES = {
    "twitter": "twitter/cern/account_analytics_content_2025-01-06_2025-02-02.csv",
    "facebook": "facebook/cern/Apr-01-2024_Apr-28-2024_9896628379374687.csv",
    "instagram": "instagram/cern/Apr-01-2024_Apr-28-2024_6149791568537374.csv",
    "linkedin": "linkedin/cern/cern_content_1740816960000.xls",
    "youtube": "youtube/cern/Content 2024-09-02_2025-06-01 CERN.zip",
}
X_DAILY = "twitter/cern/daily_tweet_activity_metrics_CERN_20220103_20220131_en.csv"
# The bounds: a refresh beside any bad input ends in under 60 s with a peak under 1.5 GB.
# They are ceilings that only a hang or a blow-up crosses, not timings (the project otherwise never
# asserts a duration; the issue asks for this one: a night must end, in bounded memory). The 60 s
# are measured as CPU time, which other work on a shared machine does not inflate: no more than
# this machine's cores give in 60 s (a refresh that needs more cannot end in 60 s here, even
# alone). Measured on two cores: 35 to 50 CPU seconds, 30 to 40 s of wall clock. The wall clock
# gets a ceiling three times as long, which a refresh made to wait (a hang, a lock never released)
# crosses.
MAX_CPU_SECONDS = 60 * (os.cpu_count() or 1)
MAX_WALL_SECONDS = 3 * 60
MAX_PEAK_BYTES = int(1.5 * 2**30)

# Runs a command and reports its duration, its CPU time and the peak resident memory of its process
# tree (every child it waited for, theirs included: Linux keeps the largest in RUSAGE_CHILDREN).
MEASURE = """
import json, resource, subprocess, sys, time
started = time.monotonic()
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    code = subprocess.run(sys.argv[3:], stdout=out, stderr=err, check=False).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "returncode": code,
    "seconds": time.monotonic() - started,
    "cpu_seconds": usage.ru_utime + usage.ru_stime,
    "peak_bytes": usage.ru_maxrss * 1024,
}))
"""


@dataclass(frozen=True)
class Measured:
    returncode: int
    seconds: float
    cpu_seconds: float
    peak_bytes: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Expected:
    """What the ledger must say of one bad input: `status` None means no row at all (not an
    export); `reason` a part of the reason; `rows` the row count of a loaded file."""

    path: str
    status: str | None
    reason: str | None = None
    rows: int | None = None


def measured_refresh(settings: Settings, root: Path) -> Measured:
    env = {k: v for k, v in os.environ.items() if k != "SOCIALKPI_DEBUG"}
    env["SOCIALKPI_PSEUDONYM_KEY"] = TEST_PSEUDONYM_KEY
    out, err = root / "refresh.stdout", root / "refresh.stderr"
    command = [SOCIALKPI, "refresh", "--exports", settings.exports, "--warehouse", str(settings.warehouse)]
    report = subprocess.run(
        [sys.executable, "-c", MEASURE, str(out), str(err), *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=True,
    )
    numbers = json.loads(report.stdout)
    (root / "refresh.measured.json").write_text(report.stdout)  # kept beside the run, to read back
    return Measured(
        numbers["returncode"],
        numbers["seconds"],
        numbers["cpu_seconds"],
        numbers["peak_bytes"],
        out.read_text(errors="replace"),
        err.read_text(errors="replace"),
    )


def with_good_files(root: Path, demo_exports: Path) -> Settings:
    exports = root / "exports"
    for name in GOOD_FILES.values():
        (exports / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(demo_exports / name, exports / name)
    return load_settings(str(exports), root / "warehouse" / "socialkpi.duckdb")


def assert_the_property(settings: Settings, run: Measured) -> None:
    """The run completed (exit 2: some inputs refused), every good file loaded and reached the
    published copy, within the bounds."""
    assert run.returncode == 2, run.stdout + run.stderr
    entries = ledger(settings)
    for name in GOOD_FILES.values():
        assert entries[name][0] == LOADED, (name, entries[name])
    with duckdb.connect(str(settings.published_marts), read_only=True) as con:
        published = dict(
            con.execute(
                "select channel, count(*) from marts.all_posts where account = 'cern' group by 1"
            ).fetchall()
        )
    assert set(published) == set(GOOD_FILES), published
    assert run.cpu_seconds < MAX_CPU_SECONDS, f"the refresh took {run.cpu_seconds:.0f} s of CPU time"
    assert run.seconds < MAX_WALL_SECONDS, f"the refresh took {run.seconds:.0f} s"
    assert run.peak_bytes < MAX_PEAK_BYTES, f"the refresh peaked at {run.peak_bytes / 2**20:.0f} MiB"


def assert_ledger_row(entries: dict, expected: Expected) -> None:
    if expected.status is None:
        under = [path for path in entries if path.startswith(expected.path)]
        assert under == [], f"{expected.path} is not an export: never in the ledger"
        return
    assert expected.path in entries, f"{expected.path} is not in the ledger"
    status, reason, rows = entries[expected.path]
    assert status == expected.status, (expected.path, reason)
    if expected.reason:
        assert expected.reason in (reason or ""), (expected.path, reason)
    if expected.rows is not None:
        assert rows == expected.rows, (expected.path, rows)


# ------------------------------------------------------------------------------ the corpus


@pytest.fixture(scope="module")
def corpus_night(tmp_path_factory, demo_exports) -> tuple[Settings, Measured, dict[str, Expected]]:
    """Every corpus case in its own account folder `caseNN/` (the case's `corpus/` folder moved
    whole, links and all), one refresh of them all beside the good files; the growing file grows
    during it, as in tests/test_bad_inputs.py."""
    root = tmp_path_factory.mktemp("corpus_property")
    settings = with_good_files(root, demo_exports)
    expected, growing = {}, None
    for index, case in enumerate(corpus.cases()):
        staging = root / "staging" / str(index)
        case.build(staging)
        folder = f"case{index:02d}"
        os.rename(staging / "corpus", Path(settings.exports) / folder)
        path = folder + case.path.removeprefix("corpus")
        expected[case.name] = Expected(path, case.status, case.reason, case.rows)
        if case.path == corpus.GROWING_FILE:
            growing = corpus.GrowingFile(Path(settings.exports) / path)
    assert growing is not None, "the corpus lost its growing file"
    growing.start()
    try:
        run = measured_refresh(settings, root)
    finally:
        growing.finish()
    return settings, run, expected


def test_beside_every_corpus_input_the_good_files_of_every_channel_publish_in_bounded_time_and_memory(
    corpus_night,
):
    settings, run, _expected = corpus_night
    assert_the_property(settings, run)


@pytest.mark.parametrize("case", corpus.cases(), ids=lambda c: c.name)
def test_each_corpus_input_beside_the_good_files_gets_its_own_ledger_row(corpus_night, case):
    settings, _run, expected = corpus_night
    assert_ledger_row(ledger(settings), expected[case.name])


# ------------------------------------------------------------------------------ the hostile inputs


def hostile_inputs(exports: Path, demo_exports: Path) -> dict[str, Expected]:
    """The issue's inputs that took a night down, each in its own account folder."""
    x_daily = (demo_exports / X_DAILY).read_bytes()
    header, row = x_daily.splitlines(keepends=True)[:2]
    megabyte_of_rows = row * (2**20 // len(row))
    folders = {
        name: exports / platform / f"hostile {name}"
        for name, platform in (
            ("far cell", "linkedin"),
            ("bomb", "twitter"),
            ("nul bomb", "twitter"),
            ("ratio", "twitter"),
            ("members", "twitter"),
            ("name", "twitter"),
            ("deep", "twitter"),
        )
    }
    for folder in folders.values():
        folder.mkdir(parents=True)
    hostile.xlsx_with_far_cell(folders["far cell"] / "cern_followers_1.xlsx")
    hostile.zip_bomb(folders["bomb"] / "daily.zip", "daily.csv", header, megabyte_of_rows, 1024)
    hostile.zip_bomb(folders["nul bomb"] / "daily.zip", "daily.csv", header, b"\0" * 2**20, 2048)
    hostile.zip_bomb(folders["ratio"] / "padded.zip", "daily.csv", header, megabyte_of_rows, 8)
    hostile.zip_of_many(folders["members"] / "everything.zip", x_daily, 10_000)
    hostile.non_utf8_name(folders["name"], x_daily)
    hostile.deep_folder(folders["deep"], x_daily)
    return {
        "a cell at XFD1048576": Expected(
            "linkedin/hostile far cell/cern_followers_1.xlsx", QUARANTINED, "SOCIALKPI_MAX_SHEET_CELLS"
        ),
        "a member inflating to 1 GiB": Expected(
            "twitter/hostile bomb/daily.zip", QUARANTINED, "SOCIALKPI_MAX_INFLATED_BYTES"
        ),
        "a member inflating to 2 GiB of NUL": Expected(
            "twitter/hostile nul bomb/daily.zip", QUARANTINED, "SOCIALKPI_MAX_INFLATED_BYTES"
        ),
        "a member past any real ratio": Expected(
            "twitter/hostile ratio/padded.zip", QUARANTINED, "SOCIALKPI_MAX_COMPRESSION_RATIO"
        ),
        "10,000 members": Expected(
            "twitter/hostile members/everything.zip", QUARANTINED, "SOCIALKPI_MAX_ZIP_MEMBERS"
        ),
        "a name that is not UTF-8": Expected(
            "twitter/hostile name/tweets_caf\\xe9.csv", QUARANTINED, "not valid UTF-8"
        ),
        # The ledger keeps as much of a too-long path as it can show: matched by folder and reason.
        "a path longer than the system allows": Expected(
            "twitter/hostile deep/", UNRECOGNISED, "longer than the system allows"
        ),
    }


@pytest.fixture(scope="module")
def hostile_night(tmp_path_factory, demo_exports) -> tuple[Settings, Measured, dict[str, Expected]]:
    root = tmp_path_factory.mktemp("hostile_property")
    settings = with_good_files(root, demo_exports)
    expected = hostile_inputs(Path(settings.exports), demo_exports)
    return settings, measured_refresh(settings, root), expected


def test_beside_every_hostile_input_the_good_files_of_every_channel_publish_in_bounded_time_and_memory(
    hostile_night,
):
    settings, run, _expected = hostile_night
    assert_the_property(settings, run)


HOSTILE = (
    "a cell at XFD1048576",
    "a member inflating to 1 GiB",
    "a member inflating to 2 GiB of NUL",
    "a member past any real ratio",
    "10,000 members",
    "a name that is not UTF-8",
    "a path longer than the system allows",
)


@pytest.mark.parametrize("name", HOSTILE)
def test_each_hostile_input_beside_the_good_files_gets_its_own_ledger_row(hostile_night, name):
    settings, _run, expected = hostile_night
    entries = ledger(settings)
    wanted = expected[name]
    if wanted.path.endswith("/"):
        [path] = [p for p in entries if p.startswith(wanted.path)]
        wanted = Expected(path, wanted.status, wanted.reason)
    assert_ledger_row(entries, wanted)
