"""Real nights through the Dagster job on one warehouse: one that publishes, one where a new file
breaks an error-severity dbt test, a publish run on its own, and one where raw no longer
reconciles with the ledger. Nothing after the first night may touch the published copy; the alert
must reach a webhook naming the step, the check and the file; the first night's materializations
must carry the metadata the on-call person reads."""

from __future__ import annotations

import hashlib
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
from socialkpi.settings import Settings, load_settings

# A blocking check: no platform writes a day without its date. (A rate above 1 only warns: X
# really counts engagements above impressions.) Dagster's dbt asset does not quarantine the file
# (the CLI does, socialkpi/isolation.py): the night stops.
FAILING_TEST = "not_null_stg_twitter__account_day_snapshots_date"
FAILING_ASSET = "staging/stg_twitter__account_day_snapshots"
BAD_FILE = "cern/account_overview_analytics.csv"


@dataclass
class Night:
    settings: Settings
    instance: dg.DagsterInstance
    published_before: tuple[str, int]
    good: dg.ExecuteInProcessResult  # the night that published
    bad: dg.ExecuteInProcessResult  # a new file broke an error-severity dbt test
    publish_alone: dg.ExecuteInProcessResult  # then someone materialized the publish asset alone
    unreconciled: dg.ExecuteInProcessResult  # then raw lost a row the ledger says was read


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from orchestration.definitions import defs as build_defs

    return build_defs()


@pytest.fixture(scope="module")
def night(defs, demo_exports, tmp_path_factory) -> Night:
    """Four runs on one warehouse and one instance; the tests only read what happened."""
    root = tmp_path_factory.mktemp("night")
    settings = load_settings(str(root / "exports"), root / "warehouse" / "socialkpi.duckdb")
    exports = Path(settings.exports)
    exports.mkdir()
    daily = sorted((demo_exports / "twitter" / "cern").glob("daily_tweet_activity_metrics_*"))[0]
    (exports / daily.name).write_bytes(daily.read_bytes())
    # An export that names no account, at the top of the folder: quarantined, with advice.
    (exports / "account_overview_analytics.csv").write_text(account_overview(impressions=100))
    instance = dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def(REFRESH_JOB)
    run = lambda: job.execute_in_process(  # noqa: E731
        resources=build_resources(settings), instance=instance, raise_on_error=False
    )
    good = run()
    assert good.success, "the first night must publish"
    published_before = fingerprint(settings.published_marts)
    write_impossible_day(exports)
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
    return Night(settings, instance, published_before, good, bad, publish_alone, run())


def write_impossible_day(exports: Path) -> None:
    """An X account overview whose day has no date (`-`, X's "no value"): the reader lets a
    null token pass, staging's not-null check on the date fails."""
    (exports / BAD_FILE).parent.mkdir(parents=True)
    (exports / BAD_FILE).write_text(account_overview(impressions=100, day="-"))


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


# The night a file broke a test ------------------------------------------------------------------


def test_a_failing_blocking_check_stops_publish_and_the_published_copy_is_untouched(night):
    assert not night.bad.success
    failed = [e.check_name for e in night.bad.get_asset_check_evaluations() if not e.passed]
    assert FAILING_TEST in failed
    materialized = {e.asset_key for e in night.bad.get_asset_materialization_events()}
    assert PUBLISHED_KEY not in materialized
    assert fingerprint(night.settings.published_marts) == night.published_before
    assert not night.settings.previous_marts.exists()  # no swap happened at all


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
    assert f"Files loaded in this run: {BAD_FILE}" in text
    assert "Nothing was published" in text
    assert text in caplog.text  # always logged too
    assert f"alert posted to {url.split('/')[2]} (HTTP 200)" in caplog.text


def test_an_unreachable_webhook_still_leaves_the_alert_in_the_log(defs, night, monkeypatch, caplog):
    monkeypatch.setenv("SOCIALKPI_ALERT_WEBHOOK", "http://127.0.0.1:9/nobody-listens")
    _alert(defs, night)
    assert "Step social_dbt failed" in caplog.text
    assert "alert NOT delivered to 127.0.0.1:9" in caplog.text
