"""Numbers you can trust over time: snapshots, gains between downloads, and the blocking checks
that stop a publish when the numbers do not add up."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb

from pipelines.reconcile import mismatches
from pipelines.settings import Settings
from tests.conftest import run_cli


def query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def tweet_rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["Tweet id"]: row for row in csv.DictReader(handle)}


def test_two_downloads_a_week_apart_keep_both_snapshots_and_the_later_numbers(workspace, demo_exports):
    weekly = sorted((demo_exports / "twitter" / "cern").glob("tweet_activity_metrics_CERN_2022*_en.csv"))
    first, second = weekly[3], weekly[4]  # two Mondays a week apart, overlapping 21 days
    for path in (first, second):
        shutil.copy(path, Path(workspace.exports) / path.name)
    run_cli("refresh", settings=workspace, check=True)

    earlier, later = tweet_rows(first), tweet_rows(second)
    in_both = sorted(set(earlier) & set(later))
    assert len(in_both) > 10
    tweet = in_both[0]
    history = query(
        workspace,
        f"select snapshot_date, audience, interactions from marts.post_metric_history "
        f"where post_id = '{tweet}' order by snapshot_date",
    )
    assert [(a, i) for _, a, i in history] == [
        (int(float(earlier[tweet]["impressions"])), int(float(earlier[tweet]["engagements"]))),
        (int(float(later[tweet]["impressions"])), int(float(later[tweet]["engagements"]))),
    ]
    posts = query(
        workspace, f"select impressions, snapshot_date from marts.twitter_posts where post_id = '{tweet}'"
    )
    assert posts == [(int(float(later[tweet]["impressions"])), history[-1][0])]

    gained = sum(int(float(later[t]["engagements"])) - int(float(earlier[t]["engagements"])) for t in in_both)
    second_month = history[-1][0].replace(day=1)
    monthly = query(
        workspace,
        "select sum(interactions_gained_between_downloads) from marts.channel_monthly "
        f"where channel = 'twitter' and month = date '{second_month}'",
    )
    assert monthly == [(gained,)]


def test_a_renamed_copy_of_a_loaded_export_changes_nothing(workspace, demo_exports):
    export = sorted((demo_exports / "twitter" / "cern").glob("tweet_activity_metrics_CERN_2022*_en.csv"))[0]
    shutil.copy(export, Path(workspace.exports) / export.name)
    run_cli("refresh", settings=workspace, check=True)
    before = query(workspace, "select * from marts.post_metric_history order by all")
    shutil.copy(export, Path(workspace.exports) / f"copy of {export.name}")
    run_cli("refresh", settings=workspace, check=True)
    assert query(workspace, "select * from marts.post_metric_history order by all") == before


def test_a_youtube_table_whose_total_row_disagrees_is_quarantined_naming_the_check_and_the_rest_stays(
    workspace,
):
    channel = Path(workspace.exports) / "cern"
    channel.mkdir()
    header = (
        "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Impressions\n"
    )
    (channel / "Table data.csv").write_text(
        header + 'Total,,,,30,1.0,1,100\nabcdefghijk,A,"Aug 28, 2025",9,20,0.5,1,60\n'
    )
    run_cli("refresh", settings=workspace, check=True)

    (channel / "Table data (1).csv").write_text(
        header + 'Total,,,,30,1.0,1,100\nabcdefghijk,A,"Aug 28, 2025",9,45,0.5,1,60\n'
    )
    result = run_cli("refresh", settings=workspace)

    # The rows cannot add up to more than their own Total: that file, and only it, is taken out.
    assert result.returncode == 2, result.stderr
    assert "cern/Table data (1).csv" in result.stdout
    status, reason = query(
        workspace,
        "select status, reason from raw_ledger.export_files where relative_path = 'cern/Table data (1).csv'",
    )[0]
    assert status == "quarantined" and "youtube_total_rows_reconcile" in reason
    with duckdb.connect(str(workspace.published_marts), read_only=True) as con:
        assert con.execute("select views from marts.youtube_videos").fetchall() == [(20,)]


def test_raw_rows_that_no_longer_match_the_ledger_stop_the_refresh_before_the_build(workspace, demo_exports):
    export = sorted((demo_exports / "twitter" / "cern").glob("daily_tweet_activity_metrics_*"))[0]
    shutil.copy(export, Path(workspace.exports) / export.name)
    run_cli("refresh", settings=workspace, check=True)
    published = workspace.published_marts.read_bytes()
    with duckdb.connect(str(workspace.warehouse)) as con:
        con.execute("delete from raw_twitter.account_daily where _row_number = 3")

    result = run_cli("refresh", settings=workspace)

    assert result.returncode == 1
    assert f"{export.name}: ledger {len(export.read_text().splitlines()) - 1} rows" in result.stderr
    assert workspace.published_marts.read_bytes() == published


def test_a_file_whose_rows_landed_twice_does_not_reconcile(workspace, demo_exports):
    """Every landed row is counted: a file landed twice (two writers at once, issue 15) holds
    twice its rows and does not reconcile, whatever staging would deduplicate later."""
    export = sorted((demo_exports / "twitter" / "cern").glob("daily_tweet_activity_metrics_*"))[0]
    shutil.copy(export, Path(workspace.exports) / export.name)
    run_cli("refresh", settings=workspace, check=True)
    rows_read = len(export.read_text().splitlines()) - 1
    with duckdb.connect(str(workspace.warehouse)) as con:
        assert mismatches(con) == []
        con.execute("insert into raw_twitter.account_daily select * from raw_twitter.account_daily")
        assert mismatches(con) == [(export.name, rows_read, 2 * rows_read)]
