"""`socialkpi` end to end on the command line: refresh, idempotence, bad files, the ledger, publish."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import Settings
from socialkpi.serve.access import open_live
from tests.conftest import SOCIALKPI, mart_rows, run_cli

MARTS = ("twitter_posts", "twitter_account_daily")


def ledger(settings: Settings) -> dict[str, tuple[str, str | None]]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        rows = con.execute("select relative_path, status, reason from raw_ledger.export_files").fetchall()
    return {path: (status, reason) for path, status, reason in rows}


def test_the_demo_refresh_builds_every_mart_and_publishes_only_the_marts(demo_refresh):
    for mart in MARTS:
        assert len(mart_rows(demo_refresh.warehouse, mart)) > 100
    with duckdb.connect(str(demo_refresh.published_marts), read_only=True) as con:
        schemas = {
            s
            for (s,) in con.execute("select distinct table_schema from information_schema.tables").fetchall()
        }
    assert schemas == {"marts"}


def test_the_demo_has_both_accounts_every_generation_and_tweets_seen_in_several_snapshots(demo_refresh):
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        accounts = con.execute(
            "select account, count(distinct language) from marts.twitter_posts group by 1"
        ).fetchall()
        formats = {f for (f,) in con.execute("select distinct _format from raw_twitter.tweets").fetchall()}
        resnapshotted = con.execute(
            "select count(*) from marts.twitter_posts where snapshot_count >= 3"
        ).fetchone()
    assert sorted(accounts) == [("cern", 1), ("cern_fr", 1)]
    assert formats == {"twitter.tweet_activity.gen_a", "twitter.tweet_activity.gen_b", "twitter.x_content"}
    assert resnapshotted[0] > 100


def test_a_later_download_with_larger_numbers_wins_over_earlier_snapshots(demo_refresh):
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        wrong = con.execute(
            """
            select count(*) from marts.twitter_posts as posts
            inner join staging.stg_twitter__tweet_snapshots as snaps using (account, post_id)
            where snaps.snapshot_date > posts.snapshot_date or snaps.impressions > posts.impressions
            """
        ).fetchone()
    assert wrong == (0,)


def test_loading_the_same_folder_twice_changes_no_row_of_any_mart(workspace, demo_exports):
    shutil.copytree(demo_exports / "twitter" / "cern_fr", Path(workspace.exports) / "cern_fr")
    run_cli("refresh", settings=workspace, check=True)
    before = {mart: mart_rows(workspace.warehouse, mart) for mart in MARTS}
    second = run_cli("refresh", settings=workspace, check=True)
    assert "0 loaded" in second.stdout
    assert {mart: mart_rows(workspace.warehouse, mart) for mart in MARTS} == before
    with duckdb.connect(str(workspace.warehouse), read_only=True) as con:
        (raw_rows,) = con.execute("select count(*) from raw_twitter.tweets").fetchone()
        (distinct_rows,) = con.execute(
            "select count(*) from (select distinct _file_sha256, _row_number from raw_twitter.tweets)"
        ).fetchone()
    assert raw_rows == distinct_rows


def test_an_identical_file_under_another_name_is_a_duplicate_loaded_once(workspace, demo_exports):
    source = sorted((demo_exports / "twitter" / "cern").glob("tweet_activity_metrics_*"))[0]
    (Path(workspace.exports) / "cern").mkdir()
    shutil.copy(source, Path(workspace.exports) / "cern" / source.name)
    shutil.copy(source, Path(workspace.exports) / "cern" / ("copy of " + source.name))
    run_cli("load", settings=workspace, check=True)
    statuses = sorted(status for status, _ in ledger(workspace).values())
    assert statuses == ["duplicate", "loaded"]


def test_a_broken_file_is_refused_with_a_reason_while_the_good_file_loads(workspace, demo_exports):
    exports = Path(workspace.exports)
    good = sorted((demo_exports / "twitter" / "cern").glob("daily_tweet_activity_metrics_*"))[0]
    shutil.copy(good, exports / good.name)
    (exports / "cern").mkdir()
    (exports / "cern" / "tweets.csv").write_bytes(b"\x00\x9f\x92\x96 PK\x03\x04 not a csv" * 100)
    (exports / "cern" / "contacts.csv").write_text("Name,Email\nAda,ada@example.org\n")

    result = run_cli("refresh", settings=workspace)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "2 new file(s) could not be loaded" in result.stderr
    entries = ledger(workspace)
    # At the top of the exports folder the account comes from the file name, and the ledger says so.
    assert entries[good.name] == ("loaded", "account from the file name: no account folder")
    assert entries["cern/tweets.csv"][0] == "unrecognised"
    assert "binary" in entries["cern/tweets.csv"][1]
    assert entries["cern/contacts.csv"][0] == "unrecognised"
    assert "Name, Email" in entries["cern/contacts.csv"][1]
    days_in_good_file = len(good.read_text().splitlines()) - 1
    assert len(mart_rows(workspace.warehouse, "twitter_account_daily")) == days_in_good_file
    files = run_cli("files", "--status", "unrecognised", settings=workspace, check=True)
    assert "contacts.csv" in files.stdout and "tweets.csv" in files.stdout

    again = run_cli("refresh", settings=workspace)
    assert again.returncode == 0, "a file refused before for the same reason is not news"


def test_a_missing_exports_folder_is_one_line_not_a_traceback(workspace):
    missing = str(Path(workspace.exports) / "nope")
    result = run_cli("load", "--exports", missing, "--warehouse", str(workspace.warehouse))
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_publish_keeps_the_previous_copy_and_rollback_restores_it(workspace, demo_exports):
    exports = Path(workspace.exports)
    first, second = sorted((demo_exports / "twitter" / "cern").glob("tweet_activity_metrics_*2022*"))[:2]
    shutil.copy(first, exports / first.name)
    run_cli("refresh", settings=workspace, check=True)
    posts_before = len(mart_rows(workspace.published_marts, "twitter_posts"))
    shutil.copy(second, exports / second.name)
    legacy = workspace.published_dir / "marts.duckdb"  # the name of the copy before 0.3
    legacy.write_bytes(workspace.published_marts.read_bytes())
    abandoned = workspace.published_dir / ".building.999999999"  # a publish killed mid-way
    (abandoned / "parquet").mkdir(parents=True)
    run_cli("refresh", settings=workspace, check=True)
    assert not legacy.exists(), "a copy that would never be refreshed again must not stay"
    assert not abandoned.exists()
    posts_after = len(mart_rows(workspace.published_marts, "twitter_posts"))
    assert posts_after > posts_before
    assert len(mart_rows(workspace.previous_marts, "twitter_posts")) == posts_before

    run_cli("publish", "--rollback", settings=workspace, check=True)
    assert len(mart_rows(workspace.published_marts, "twitter_posts")) == posts_before
    with open_live(workspace) as live:  # the Parquet files and their views roll back too
        assert live.execute("select count(*) from marts.twitter_posts").fetchone() == (posts_before,)


def test_sql_reads_the_published_copy_and_cannot_write_or_read_other_files(demo_refresh):
    ok = run_cli("sql", "select count(*) as n from marts.twitter_posts", settings=demo_refresh, check=True)
    assert str(len(mart_rows(demo_refresh.warehouse, "twitter_posts"))) in ok.stdout
    write = run_cli("sql", "create table marts.x as select 1", settings=demo_refresh)
    assert write.returncode == 1 and "read-only" in write.stderr.lower()
    escape = run_cli("sql", "select * from read_csv('/etc/hostname')", settings=demo_refresh)
    assert escape.returncode == 1 and "disabled" in escape.stderr


@pytest.mark.parametrize("word", [".quit", ".exit", "\\q"])
def test_the_sql_shell_ends_on_the_words_people_type_to_leave_one(demo_refresh, word):
    location = ["--exports", demo_refresh.exports, "--warehouse", str(demo_refresh.warehouse)]
    typed = f"select 41 + 1 as answer;\n{word}\nselect 'never run';\n"
    result = subprocess.run(
        [SOCIALKPI, "sql", *location], input=typed, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "42" in result.stdout
    assert "never run" not in result.stdout
    assert "...>" not in result.stdout  # no continuation prompt: the word ended the shell


def test_a_failed_check_no_single_file_explains_leaves_the_published_copy_in_place_and_says_which(
    workspace, demo_exports, monkeypatch
):
    """A blocking check that fails on rows of more files than one check may blame
    (SOCIALKPI_MAX_FILES_PER_CHECK) is the check's or the code's problem, not the files': nothing
    is quarantined and nothing is published (socialkpi/build/isolation.py)."""
    exports = Path(workspace.exports)
    days = sorted((demo_exports / "twitter" / "cern").glob("daily_tweet_activity_metrics_*"))
    shutil.copy(days[0], exports / days[0].name)
    run_cli("refresh", settings=workspace, check=True)
    published_before = workspace.published_marts.read_bytes()

    for day in days[1:3]:  # two days without a date (X writes "-" for no value), one per file
        lines = day.read_bytes().split(b"\n")
        lines[1] = b'"-"' + lines[1][lines[1].index(b'",') + 1 :]
        (exports / day.name).write_bytes(b"\n".join(lines))
    monkeypatch.setenv("SOCIALKPI_MAX_FILES_PER_CHECK", "1")
    result = run_cli("refresh", settings=workspace)

    assert result.returncode == 1
    assert "not_null_stg_twitter__account_day_snapshots_date" in result.stderr
    assert "Traceback" not in result.stderr
    assert workspace.published_marts.read_bytes() == published_before
    assert {status for path, (status, _) in ledger(workspace).items()} == {"loaded"}


def test_damaged_files_of_every_kind_are_in_the_ledger_with_a_reason_and_the_rest_loads(
    workspace, demo_exports
):
    exports = Path(workspace.exports)
    good = [
        sorted((demo_exports / "linkedin" / "cern").glob("*_content_*.xls"))[0],
        sorted((demo_exports / "youtube" / "cern").glob("Content *.zip"))[0],
        sorted((demo_exports / "facebook" / "cern").glob("*_*_*.csv"))[0],
    ]
    for path in good:
        shutil.copy(path, exports / path.name)
    (exports / "cern").mkdir()
    xlsx = sorted((demo_exports / "linkedin" / "cern").glob("*.xlsx"))[0].read_bytes()
    damaged = {
        "cern/truncated.xlsx": xlsx[: len(xlsx) // 2],
        "cern/renamed_sheets.xls": _workbook_with_sheet(
            "Sheet1", [["Date", "Total followers"], ["01/01/2025", "3"]]
        ),
        "cern/Follows.csv": 'sep=,\n"Facebook follows"\n"Date","Primary"\n'.encode("utf-16"),
        "cern/photo.csv": bytes(range(256)) * 10,
    }
    for name, content in damaged.items():
        (exports / name).write_bytes(content)

    result = run_cli("load", settings=workspace)

    entries = ledger(workspace)
    assert all(entries[path.name][0] == "loaded" for path in good), entries
    assert entries["cern/truncated.xlsx"][0] == "quarantined"
    assert "damaged" in entries["cern/truncated.xlsx"][1]
    assert entries["cern/renamed_sheets.xls"][0] == "unrecognised"
    assert "Sheet1" in entries["cern/renamed_sheets.xls"][1]
    assert entries["cern/Follows.csv"][0] == "loaded"  # header only: a valid export of no days
    assert entries["cern/photo.csv"][0] == "unrecognised"
    assert result.returncode == 2 and "Traceback" not in result.stderr


def _workbook_with_sheet(name: str, rows: list[list[str]]) -> bytes:
    import io

    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet(name)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
