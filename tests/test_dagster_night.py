"""Real nights through the Dagster job on one warehouse: one that publishes, one where a poison
file beside good new files is quarantined and the good files publish, one where a check fails on
more files than one check may blame (nothing publishes), a publish run on its own, and one where
raw no longer reconciles with the ledger. Nothing after the poisoned night may touch the
published copy; the alert must reach a webhook naming the step, the check and the files; the
first night's materializations must carry the metadata the on-call person reads."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import dagster as dg
import duckdb
import pytest

from orchestration.constants import ALERT_SENSOR, REFRESH_JOB
from orchestration.freshness import LEDGER_KEY
from orchestration.publish import PUBLISHED_KEY
from orchestration.resources import build_resources
from pipelines.settings import Settings, load_settings
from socialkpi.build.isolation import MAX_FILES_PER_CHECK_ENV
from tests.conftest import latest_ledger_row

# A blocking check: no platform writes a day without its date. (A rate above 1 only warns: X
# really counts engagements above impressions.)
FAILING_TEST = "not_null_stg_twitter__account_day_snapshots_date"
FAILING_ASSET = "staging/stg_twitter__account_day_snapshots"
# The poison file of the second night: one file's rows fail the check, so it is quarantined.
BAD_FILE = "cern/account_overview_analytics.csv"


@dataclass
class Night:
    settings: Settings
    instance: dg.DagsterInstance
    published_before: tuple[str, int]  # the published copy after the poisoned night
    previous_before: tuple[str, int]  # and the copy it replaced (kept for a rollback)
    good: dg.ExecuteInProcessResult  # the night that published
    poisoned: dg.ExecuteInProcessResult  # a good new file and a poison file: published without it
    good_day_file: str  # the poisoned night's good new file
    published_days: set[str]  # twitter_account_daily's dates in the copy the poisoned night published
    bad: dg.ExecuteInProcessResult  # two new files broke an error-severity dbt test: no file is blamed
    bad_files: list[str]
    publish_alone: dg.ExecuteInProcessResult  # then someone materialized the publish asset alone
    unreconciled: dg.ExecuteInProcessResult  # then raw lost a row the ledger says was read

    def ledger(self, path: str) -> tuple[str, str | None]:
        return latest_ledger_row(self.settings, path)


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from orchestration.definitions import defs as build_defs

    return build_defs()


@pytest.fixture(scope="module")
def night(defs, demo_exports, tmp_path_factory) -> Night:
    """Five runs on one warehouse and one instance; the tests only read what happened."""
    root = tmp_path_factory.mktemp("night")
    settings = load_settings(str(root / "exports"), root / "warehouse" / "socialkpi.duckdb")
    exports = Path(settings.exports)
    exports.mkdir()
    days = sorted((demo_exports / "twitter" / "cern").glob("daily_tweet_activity_metrics_*"))
    (exports / days[0].name).write_bytes(days[0].read_bytes())
    # An export that names no account, at the top of the folder: quarantined, with advice.
    (exports / "account_overview_analytics.csv").write_text(account_overview(impressions=100))
    instance = dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def(REFRESH_JOB)
    run = lambda: job.execute_in_process(  # noqa: E731
        resources=build_resources(settings), instance=instance, raise_on_error=False
    )
    good = run()
    assert good.success, "the first night must publish"

    (exports / days[1].name).write_bytes(days[1].read_bytes())
    write_impossible_day(exports)
    poisoned = run()
    published_before = fingerprint(settings.published_marts)
    previous_before = fingerprint(settings.previous_marts)
    with duckdb.connect(str(settings.published_marts), read_only=True) as con:
        published_days = {
            str(day) for (day,) in con.execute("select date from marts.twitter_account_daily").fetchall()
        }

    bad_files = [day.name for day in days[2:4]]
    for day in days[2:4]:  # a day without a date in each of two files
        (exports / day.name).write_bytes(without_first_date(day.read_bytes()))
    with pytest.MonkeyPatch.context() as env:  # the run's step reads it in this process
        env.setenv(MAX_FILES_PER_CHECK_ENV, "1")
        bad = run()
    publish_alone = dg.materialize(
        list(defs.assets),
        selection=[PUBLISHED_KEY],
        resources=build_resources(settings),
        instance=instance,
        raise_on_error=False,
    )
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute("delete from raw_twitter.account_daily where _row_number = 3")
    # The next run finds no new file, so raw stays short of what the ledger says was read.
    unreconciled = run()
    return Night(
        settings,
        instance,
        published_before,
        previous_before,
        good,
        poisoned,
        days[1].name,
        published_days,
        bad,
        bad_files,
        publish_alone,
        unreconciled,
    )


def write_impossible_day(exports: Path) -> None:
    """An X account overview whose day has no date (`-`, X's "no value"): the reader lets a
    null token pass, staging's not-null check on the date fails."""
    (exports / BAD_FILE).parent.mkdir(parents=True)
    (exports / BAD_FILE).write_text(account_overview(impressions=100, day="-"))


def without_first_date(export: bytes) -> bytes:
    """An X daily export (every cell quoted, `\\n` line ends) whose first day's date is `-`."""
    lines = export.split(b"\n")
    lines[1] = b'"-"' + lines[1][lines[1].index(b'",') + 1 :]
    return b"\n".join(lines)


def dates_in(export: Path) -> set[str]:
    return {row["Date"] for row in csv.DictReader(io.StringIO(export.read_text()))}


def account_overview(impressions: int, day: str = '"Fri, Mar 21, 2025"') -> str:
    """An X account overview of one day with 32 engagements."""
    return (
        "Date,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Unfollows,Replies,Reposts,"
        "Profile visits,Create Post,Video views,Media views\n"
        f"{day},{impressions},11,32,0,0,0,0,2,1,6,0,0,0"
    )


def materialization(result: dg.ExecuteInProcessResult, *path: str) -> dict:
    (event,) = [
        e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(list(path))
    ]
    return {name: value.value for name, value in event.materialization.metadata.items()}


# The night that published ------------------------------------------------------------------------


def test_the_load_materialization_lists_the_files_it_loaded_or_quarantined_with_rows_and_reasons(night):
    ledger = materialization(night.good, *LEDGER_KEY.path)
    assert (ledger["files_loaded"], ledger["files_quarantined"], ledger["rows_loaded"]) == (1, 1, 30)
    table = ledger["files"]
    assert table.startswith("| file | outcome | channel | kind | rows | reason |")
    assert (
        "| `daily_tweet_activity_metrics_CERN_" in table
        and "| loaded | twitter |" in table
        and "| 30 |" in table
    )
    quarantined = next(line for line in table.splitlines() if "`account_overview_analytics.csv`" in line)
    assert "| quarantined |" in quarantined and "folder" in quarantined  # the reason says what to do
    assert materialization(night.good, "raw_twitter", "account_daily")["dagster/row_count"] == 30


def test_marts_carry_row_counts_and_the_column_schema_duckdb_built(night):
    daily = materialization(night.good, "marts", "twitter_account_daily")
    assert daily["dagster/row_count"] == 30
    columns = {c.name: c.type for c in daily["dagster/column_schema"].columns}
    assert (columns["account"], columns["date"], columns["engagement_rate"]) == ("varchar", "date", "double")
    assert materialization(night.good, "marts", "twitter_posts")["dagster/row_count"] == 0


def test_the_publish_materialization_carries_the_published_file_path_and_size(night):
    published = materialization(night.good, *PUBLISHED_KEY.path)
    assert published["path"] == str(night.settings.published_marts)
    assert published["size_bytes"] > 0
    assert published["rows/twitter_account_daily"] == 30


def test_a_channel_whose_newest_export_is_old_warns_without_stopping_the_night(night):
    checks = {e.check_name: e for e in night.good.get_asset_check_evaluations()}
    twitter = checks["twitter_exports_are_recent"]  # the demo file's window ended in 2015
    assert not twitter.passed and twitter.severity == dg.AssetCheckSeverity.WARN
    assert twitter.metadata["newest_file"].value.startswith("daily_tweet_activity_metrics_CERN_")
    assert checks["youtube_exports_are_recent"].passed  # no YouTube export at all: nothing to chase


# The night a poison file came with a good one ----------------------------------------------------


def test_a_poison_file_beside_good_new_files_is_quarantined_with_its_check_and_the_good_files_publish(
    night,
):
    assert night.poisoned.success
    status, reason = night.ledger(BAD_FILE)
    assert status == "quarantined" and reason.startswith(f"failed check {FAILING_TEST}"), reason
    assert night.ledger(night.good_day_file)[0] == "loaded"
    with duckdb.connect(str(night.settings.warehouse), read_only=True) as con:
        left = con.execute(
            "select count(*) from raw_twitter.account_daily where _source_file = ?", [BAD_FILE]
        ).fetchone()
    assert left == (0,)
    new_days = dates_in(Path(night.settings.exports) / night.good_day_file)
    assert new_days and new_days <= night.published_days
    assert PUBLISHED_KEY in {e.asset_key for e in night.poisoned.get_asset_materialization_events()}


def test_the_poisoned_nights_failed_check_is_kept_and_its_rebuild_passes_it(night):
    """The first round's failed check stays in the run's history; the second round, built from raw
    without the file in the same step (as `socialkpi refresh` does), passes it, and that latest
    result is what publish reads."""
    results = [e.passed for e in night.poisoned.get_asset_check_evaluations() if e.check_name == FAILING_TEST]
    assert results == [False, True]


def test_the_poisoned_nights_logs_and_ledger_metadata_name_the_quarantined_file_and_its_check(night):
    run_id = night.poisoned.run_id
    messages = [entry.user_message for entry in night.instance.all_logs(run_id)]
    assert any(f"quarantined {BAD_FILE}: failed check {FAILING_TEST}" in m for m in messages)
    # The CLI's build step, rounds included: the quarantine and the rebuild happen in one attempt.
    rounds = f"quarantined 1 file(s) whose rows failed a blocking check ({BAD_FILE})"
    assert any(rounds in m for m in messages)
    retries = [e for e in night.poisoned.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert retries == []
    (observation,) = [
        e.asset_observation_data.asset_observation
        for e in night.poisoned.all_events
        if e.event_type == dg.DagsterEventType.ASSET_OBSERVATION and e.asset_key == LEDGER_KEY
    ]
    assert observation.metadata["quarantined_files"].value == [BAD_FILE]
    assert FAILING_TEST in observation.metadata["files"].value


def test_a_night_rebuilds_what_its_new_rows_reach_and_reports_the_rest_current_with_checks_standing(night):
    """The poisoned night's new rows are X's, and Dagster's dbt step follows the CLI's plan: X's
    marts are rebuilt; YouTube's are not, and are reported current (their freshness says the
    night ran) with their checks' last pass standing, which the publish gate reads."""
    youtube = materialization(night.poisoned, "marts", "youtube_videos")
    assert youtube["rebuilt"] is False and "raw table(s) with new rows" in youtube["why"]
    assert "rebuilt" not in materialization(night.poisoned, "marts", "twitter_account_daily")
    stood = [
        e
        for e in night.poisoned.get_asset_check_evaluations()
        if e.asset_key == dg.AssetKey(["marts", "youtube_videos"])
    ]
    assert stood and all(e.passed and e.metadata["ran"].value is False for e in stood)


# The night a check failed on more files than it may blame -------------------------------------------


def test_a_failing_blocking_check_stops_publish_and_the_published_copy_is_untouched(night):
    """Two files fail one check and SOCIALKPI_MAX_FILES_PER_CHECK is 1: the check or the code is
    more likely wrong than both files, so nothing is quarantined and the night stops."""
    assert not night.bad.success
    failed = [e.check_name for e in night.bad.get_asset_check_evaluations() if not e.passed]
    assert FAILING_TEST in failed
    assert {night.ledger(name)[0] for name in night.bad_files} == {"loaded"}
    retried = [e for e in night.bad.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert retried == []
    materialized = {e.asset_key for e in night.bad.get_asset_materialization_events()}
    assert PUBLISHED_KEY not in materialized
    assert fingerprint(night.settings.published_marts) == night.published_before
    assert fingerprint(night.settings.previous_marts) == night.previous_before  # no swap at all


def test_publishing_alone_is_refused_while_a_blocking_check_upstream_has_failed(night):
    """The dagster-dbt issues (#18472, #25112): a run of the Python publish asset alone does not
    see dbt's failed test. The asset reads the checks' latest results and refuses."""
    assert not night.publish_alone.success
    (failure,) = [e for e in night.publish_alone.all_events if e.event_type_value == "STEP_FAILURE"]
    description = failure.step_failure_data.user_failure_data.description
    assert description.startswith("not published: ")
    assert f"{FAILING_TEST} on {FAILING_ASSET} (failed)" in description


def test_raw_rows_that_do_not_reconcile_block_every_model_and_the_publish(night):
    failed = [e for e in night.unreconciled.get_asset_check_evaluations() if not e.passed]
    assert {e.check_name for e in failed if e.severity == dg.AssetCheckSeverity.ERROR} == {
        "rows_reconcile_with_the_ledger"
    }
    materialized = {e.asset_key for e in night.unreconciled.get_asset_materialization_events()}
    assert dg.AssetKey(["marts", "twitter_account_daily"]) not in materialized
    assert PUBLISHED_KEY not in materialized
    assert fingerprint(night.settings.published_marts) == night.published_before


class _Receiver(BaseHTTPRequestHandler):
    posts: ClassVar[list[dict]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receiver.posts.append({"type": self.headers["Content-Type"], "json": json.loads(body)})
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Receiver.posts = []
    try:
        yield f"http://127.0.0.1:{server.server_port}/hooks/socialkpi", _Receiver.posts
    finally:
        server.shutdown()
        server.server_close()


def _alert(defs, night: Night) -> None:
    context = dg.build_run_status_sensor_context(
        sensor_name=ALERT_SENSOR,
        dagster_event=night.bad.get_run_failure_event(),
        dagster_instance=night.instance,
        dagster_run=night.bad.dagster_run,
    ).for_run_failure()
    defs.resolve_sensor_def(ALERT_SENSOR)(context)


def test_the_failure_alert_reaches_the_webhook_naming_the_step_the_check_and_the_file(
    defs, night, receiver, monkeypatch, caplog
):
    url, posts = receiver
    monkeypatch.setenv("SOCIALKPI_ALERT_WEBHOOK", url)
    _alert(defs, night)
    (post,) = posts
    assert post["type"] == "application/json" and set(post["json"]) == {"text"}
    text = post["json"]["text"]
    assert "Step social_dbt failed: dbt build failed: " + FAILING_TEST in text
    assert f"Check {FAILING_TEST} on {FAILING_ASSET} failed" in text
    (files,) = [line for line in text.splitlines() if line.startswith("Files loaded in this run: ")]
    assert all(name in files for name in night.bad_files)
    assert "Nothing was published" in text
    assert text in caplog.text  # always logged too
    assert f"alert posted to {url.split('/')[2]} (HTTP 200)" in caplog.text


def test_an_unreachable_webhook_still_leaves_the_alert_in_the_log(defs, night, monkeypatch, caplog):
    monkeypatch.setenv("SOCIALKPI_ALERT_WEBHOOK", "http://127.0.0.1:9/nobody-listens")
    _alert(defs, night)
    assert "Step social_dbt failed" in caplog.text
    assert "alert NOT delivered to 127.0.0.1:9" in caplog.text
