"""One file can fail only itself (issue 14 "one file fails only itself", issue 15 "poison rows").

A night of good files plus files whose rows fail a blocking check (values no platform writes: a
tweet time DuckDB cannot read, a day without a date, one tweet id on two rows, a YouTube Total
below the rows it sums) publishes the good files and exits 2, naming each bad file with its
check; a rate above 1 (real: X counts engagements above impressions) only warns and is listed
in marts.data_quality; the next night with nothing new exits 0 and the bad files stay out;
`socialkpi files --unload` takes a good file out on purpose.

Three real refreshes on one warehouse (module fixture), the tests only read what happened. The
bad files are demo exports (the platforms' byte shapes) with one cell changed.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import Settings, load_settings
from socialkpi.build.isolation import rebuild_arguments
from tests.conftest import latest_ledger_row, run_cli

X = "twitter/cern"
GOOD_DAY = f"{X}/daily_tweet_activity_metrics_CERN_20220103_20220131_en.csv"
GOOD_TWEETS = f"{X}/tweet_activity_metrics_CERN_20220103_20220131_en.csv"  # later unloaded
RATE_ABOVE_ONE = f"{X}/tweet_activity_metrics_CERN_20220124_20220221_en.csv"
NEW_GOOD_TWEETS = f"{X}/tweet_activity_metrics_CERN_20220207_20220307_en.csv"
# Python's strptime reads "Z" for %z; DuckDB's does not: the post has no publish time in staging.
TIME_NOT_A_TIME = f"{X}/tweet_activity_metrics_CERN_20220110_20220207_en.csv"
DAY_WITHOUT_DATE = f"{X}/daily_tweet_activity_metrics_CERN_20220131_20220228_en.csv"
TWEET_TWICE = f"{X}/tweet_activity_metrics_CERN_20220117_20220214_en.csv"  # one id on two rows
YOUTUBE = "youtube/cern"

CHECKS = {
    TIME_NOT_A_TIME: "not_null_stg_twitter__tweet_snapshots_posted_at",
    DAY_WITHOUT_DATE: "not_null_stg_twitter__account_day_snapshots_date",
    TWEET_TWICE: "each_tweet_once_per_file",
}
TOTAL_CHECK = "youtube_total_rows_reconcile"


@dataclass
class Nights:
    settings: Settings
    first: subprocess.CompletedProcess  # good files and a rate above 1
    second: subprocess.CompletedProcess  # + one more good file and four poison files
    unload: subprocess.CompletedProcess  # files --unload GOOD_TWEETS
    third: subprocess.CompletedProcess  # nothing new
    good_zip: str
    poison_zip: str
    raw_after_second: dict[str, int]  # raw rows per file after the second night
    published_after_second: list[tuple]  # (source_file,) of published post_metric_history
    audit_after_second: dict[str, int]  # stored failing rows per check after the second night

    def ledger(self, path: str) -> tuple[str, str | None]:
        return latest_ledger_row(self.settings, path)

    def published(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.settings.published_marts), read_only=True) as con:
            return con.execute(sql).fetchall()


def _with_cell(source: Path, target: Path, row: int, column: int, value: str) -> None:
    """A copy of an all-quoted CSV export (X writes every cell quoted, `\\n` line ends) with one
    cell of data row `row` (1 = first) replaced, every other byte as the platform wrote it."""
    lines = source.read_bytes().split(b"\n")
    cells = lines[row].split(b'","')
    cells[column] = (
        (b'"' if column == 0 else b"") + value.encode() + (b'"' if column == len(cells) - 1 else b"")
    )
    lines[row] = b'","'.join(cells)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"\n".join(lines))


def _tweet_listed_twice(source: Path, target: Path) -> None:
    """A copy of an X per-tweet export whose second row repeats the first row's tweet id (with
    the second tweet's numbers)."""
    first_id = source.read_bytes().split(b"\n")[1].split(b'","')[0].lstrip(b'"').decode()
    _with_cell(source, target, 2, 0, first_id)


def _zip_with_total_views(source: Path, target: Path, views: str) -> None:
    """A copy of a YouTube Studio ZIP whose `Table data.csv` Total row says fewer views than its
    videos sum to (Studio's Total is never below them); the other members are copied as they are."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "Table data.csv":
                lines = data.split(b"\n")
                total = lines[1].split(b",")
                assert total[0] == b"Total"
                total[4] = views.encode()
                lines[1] = b",".join(total)
                data = b"\n".join(lines)
            copy.writestr(info, data)


def _raw_rows_by_file(settings: Settings) -> dict[str, int]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.columns "
            "where table_schema like 'raw\\_%' escape '\\' and column_name = '_source_file'"
        ).fetchall()
        counts: dict[str, int] = {}
        for (table,) in tables:
            for path, rows in con.execute(
                f"select _source_file, count(*) from {table} group by 1"
            ).fetchall():
                counts[path.split("::")[0]] = counts.get(path.split("::")[0], 0) + rows
        return counts


@pytest.fixture(scope="module")
def nights(demo_exports: Path, tmp_path_factory: pytest.TempPathFactory) -> Nights:
    root = tmp_path_factory.mktemp("isolation")
    settings = load_settings(str(root / "exports"), root / "warehouse" / "socialkpi.duckdb")
    exports = Path(settings.exports)
    for path in (GOOD_DAY, GOOD_TWEETS):
        (exports / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(demo_exports / path, exports / path)
    # A post with 3 impressions and 4 engagements (seen in a real X Content export).
    _with_cell(demo_exports / RATE_ABOVE_ONE, exports / RATE_ABOVE_ONE, 1, 4, "3.0")
    _with_cell(exports / RATE_ABOVE_ONE, exports / RATE_ABOVE_ONE, 1, 5, "4.0")
    _with_cell(exports / RATE_ABOVE_ONE, exports / RATE_ABOVE_ONE, 1, 6, "1.3333333333333333")
    zips = sorted((demo_exports / YOUTUBE).glob("Content *.zip"))
    good_zip, poison_zip = f"{YOUTUBE}/{zips[0].name}", f"{YOUTUBE}/{zips[1].name}"
    (exports / YOUTUBE).mkdir(parents=True)
    shutil.copy(zips[0], exports / good_zip)
    first = run_cli("refresh", settings=settings)

    shutil.copy(demo_exports / NEW_GOOD_TWEETS, exports / NEW_GOOD_TWEETS)
    _with_cell(demo_exports / TIME_NOT_A_TIME, exports / TIME_NOT_A_TIME, 1, 3, "2022-02-05 10:00 Z")
    _with_cell(demo_exports / DAY_WITHOUT_DATE, exports / DAY_WITHOUT_DATE, 1, 0, "-")
    _tweet_listed_twice(demo_exports / TWEET_TWICE, exports / TWEET_TWICE)
    _zip_with_total_views(zips[1], exports / poison_zip, "1")
    second = run_cli("refresh", settings=settings)
    raw_after_second = _raw_rows_by_file(settings)
    with duckdb.connect(str(settings.published_marts), read_only=True) as con:
        published_after_second = con.execute(
            "select distinct source_file from marts.post_metric_history"
        ).fetchall()
    audit_after_second = _stored_failures(settings)

    unload = run_cli("files", "--unload", GOOD_TWEETS, settings=settings)
    third = run_cli("refresh", settings=settings)
    return Nights(
        settings,
        first,
        second,
        unload,
        third,
        good_zip,
        poison_zip,
        raw_after_second,
        published_after_second,
        audit_after_second,
    )


def _stored_failures(settings: Settings) -> dict[str, int]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'audit'"
        ).fetchall()
        return {
            table: con.execute(f'select count(*) from audit."{table}"').fetchone()[0] for (table,) in tables
        }


def test_a_rate_above_one_loads_publishes_exits_0_and_is_listed_in_data_quality(nights):
    assert nights.first.returncode == 0, nights.first.stdout + nights.first.stderr
    assert nights.ledger(RATE_ABOVE_ONE) == ("loaded", None)
    flagged = nights.published(
        "select check_name, channel, account, column_name, value from marts.data_quality "
        f"where source_file = '{RATE_ABOVE_ONE}' order by check_name"
    )
    assert ("engagement_rate_above_1", "twitter", "cern", "engagement_rate", pytest.approx(4 / 3)) in flagged
    assert ("export_engagement_rate_above_1", "twitter", "cern", "export_engagement_rate") in [
        f[:4] for f in flagged
    ]


def test_files_whose_rows_fail_a_blocking_check_are_quarantined_with_the_check_and_the_night_exits_2(nights):
    assert nights.second.returncode == 2, nights.second.stdout + nights.second.stderr
    for path, check in {**CHECKS, nights.poison_zip: TOTAL_CHECK}.items():
        status, reason = nights.ledger(path)
        assert status == "quarantined"
        assert reason.startswith(f"failed check {check}"), reason
        assert f"quarantined {path}: failed check {check}" in nights.second.stdout
    assert "4 new file(s) could not be loaded" in nights.second.stderr


def test_a_failed_night_stores_the_failing_rows_of_exactly_the_checks_that_failed(nights):
    # Checks run without storing rows; the failed ones run again storing them (dbt_runner.py).
    # The warning (a rate above 1 on the first night) and every passing check store nothing.
    assert nights.audit_after_second.keys() == {*CHECKS.values(), TOTAL_CHECK}
    assert all(rows > 0 for rows in nights.audit_after_second.values()), nights.audit_after_second


def test_poison_files_arriving_after_a_passing_build_are_caught_by_checks_reading_only_that_nights_rows(
    nights,
):
    # The second night builds incrementally: its row-by-row checks and the file check read only
    # the rows loaded since the first night's build started (dbt_project/macros/tested_rows.sql;
    # tests/test_incremental_builds.py shows what they read), and still catch every poison file.
    assert "incremental dbt build" in nights.second.stdout + nights.second.stderr
    for path, check in CHECKS.items():
        assert f"quarantined {path}: failed check {check}" in nights.second.stdout
        assert nights.ledger(path)[0] == "quarantined"


def test_a_quarantined_files_rows_leave_raw_and_the_good_files_of_the_same_night_publish(nights):
    for path in [*CHECKS, nights.poison_zip]:
        assert path not in nights.raw_after_second
    for path in (GOOD_DAY, GOOD_TWEETS, RATE_ABOVE_ONE, NEW_GOOD_TWEETS, nights.good_zip):
        assert nights.raw_after_second.get(path, 0) > 0, path
    for path in (GOOD_DAY, RATE_ABOVE_ONE, NEW_GOOD_TWEETS, nights.good_zip):  # GOOD_TWEETS: unloaded later
        assert nights.ledger(path)[0] == "loaded"
    published = {path for (path,) in nights.published_after_second}
    assert NEW_GOOD_TWEETS in published
    assert TIME_NOT_A_TIME not in published


def test_the_next_night_with_nothing_new_exits_0_and_keeps_the_bad_files_out(nights):
    assert nights.third.returncode == 0, nights.third.stdout + nights.third.stderr
    assert "0 loaded" in nights.third.stdout
    for path, check in CHECKS.items():
        status, reason = nights.ledger(path)
        assert (status, reason.startswith(f"failed check {check}")) == ("quarantined", True)
    assert TIME_NOT_A_TIME not in _raw_rows_by_file(nights.settings)


def test_unloading_a_file_takes_its_rows_out_and_the_next_refresh_publishes_without_it(nights):
    assert nights.unload.returncode == 0, nights.unload.stdout + nights.unload.stderr
    assert (
        f"unloaded {GOOD_TWEETS}: {nights.raw_after_second[GOOD_TWEETS]} raw rows removed"
        in nights.unload.stdout
    )
    status, reason = nights.ledger(GOOD_TWEETS)
    assert status == "quarantined" and reason.startswith("unloaded by "), reason
    assert GOOD_TWEETS not in _raw_rows_by_file(nights.settings)
    assert (GOOD_TWEETS,) in nights.published_after_second
    published = {
        path for (path,) in nights.published("select distinct source_file from marts.post_metric_history")
    }
    assert GOOD_TWEETS not in published and NEW_GOOD_TWEETS in published


def test_unloading_a_path_that_never_loaded_says_so_and_changes_nothing(nights):
    result = run_cli("files", "--unload", "twitter/cern/never_there.csv", settings=nights.settings)
    assert result.returncode == 1
    assert "no loaded file at twitter/cern/never_there.csv" in result.stderr


def test_a_rebuild_after_a_quarantine_is_from_raw_and_reaches_what_the_emptied_tables_feed():
    assert rebuild_arguments(("--full-refresh",), ["raw_twitter.tweets"]) == ("--full-refresh",)
    assert rebuild_arguments(
        ("--select", "source:raw_twitter.tweets+", "--target-path", "t"), ["raw_youtube.videos"]
    ) == (
        "--select",
        "source:raw_twitter.tweets+",
        "source:raw_youtube.videos+",
        "--target-path",
        "t",
        "--full-refresh",
    )
