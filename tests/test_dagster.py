"""The Dagster graph: it loads, it is wired exports -> raw -> staging -> marts -> published,
and it materializes for real on the demo exports."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.constants import REFRESH_JOB, WAREHOUSE_POOL
from orchestration.resources import build_resources
from pipelines.settings import Settings, load_settings


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from orchestration.definitions import defs as build_defs

    return build_defs()


def test_definitions_load_and_validate(defs):
    dg.Definitions.validate_loadable(defs)


def test_the_graph_runs_exports_to_raw_to_staging_to_marts_to_published(defs):
    graph = defs.resolve_asset_graph()
    parents = lambda *path: graph.get(dg.AssetKey(list(path))).parent_keys  # noqa: E731
    assert dg.AssetKey(["raw_twitter", "tweets"]) in parents("staging", "stg_twitter__tweet_snapshots")
    assert dg.AssetKey(["raw_twitter", "account_daily"]) in parents(
        "staging", "stg_twitter__account_day_snapshots"
    )
    assert dg.AssetKey(["staging", "stg_twitter__tweet_snapshots"]) in parents("marts", "twitter_posts")
    assert {
        dg.AssetKey(["marts", "twitter_posts"]),
        dg.AssetKey(["marts", "twitter_account_daily"]),
    } <= parents("published", "marts")


def test_dbt_tests_are_asset_checks(defs):
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert "unique_combination_twitter_posts_channel__account__post_id" in checks


def test_every_step_that_writes_the_warehouse_shares_one_pool(defs):
    graph = defs.resolve_asset_graph()
    pools = {node.assets_def.node_def.pool for node in graph.asset_nodes if node.is_materializable}
    assert pools == {WAREHOUSE_POOL}
    dagster_yaml = Path(__file__).resolve().parent.parent / "orchestration" / "dagster.yaml"
    assert "default_limit: 1" in dagster_yaml.read_text()


def test_the_nightly_schedule_runs_the_whole_graph_at_two_in_zurich_by_default(defs):
    schedule = defs.resolve_schedule_def("nightly_refresh_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/Zurich"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedule.job_name == REFRESH_JOB


def materialize_everything(defs, settings: Settings) -> dg.ExecuteInProcessResult:
    resources = build_resources(settings)
    job = defs.resolve_job_def(REFRESH_JOB)
    return job.execute_in_process(
        resources=resources, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )


def test_the_whole_graph_materializes_on_the_demo_exports(defs, demo_exports, tmp_path):
    settings = load_settings(str(demo_exports), tmp_path / "warehouse" / "socialkpi.duckdb")
    result = materialize_everything(defs, settings)
    assert result.success
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert {
        dg.AssetKey(["raw_twitter", "tweets"]),
        dg.AssetKey(["raw_ledger", "export_files"]),
        dg.AssetKey(["marts", "twitter_posts"]),
        dg.AssetKey(["published", "marts"]),
    } <= materialized
    evaluations = result.get_asset_check_evaluations()
    assert evaluations and all(e.passed for e in evaluations if e.severity == dg.AssetCheckSeverity.ERROR)
    # The demo's downloads are years old: every channel's export recency check warns.
    stale = {e.check_name for e in evaluations if not e.passed}
    assert stale == {
        f"{c}_exports_are_recent" for c in ("twitter", "facebook", "instagram", "linkedin", "youtube")
    }
    with duckdb.connect(str(settings.published_marts), read_only=True) as con:
        assert con.execute("select count(*) from marts.twitter_posts").fetchone()[0] > 1000
    # The night's build names each Meta series file's platform in the ledger, as the CLI's does.
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        channels = con.execute(
            "select distinct channel from raw_ledger.export_files where status = 'loaded'"
        ).fetchall()
    assert {channel for (channel,) in channels} == {"twitter", "facebook", "instagram", "linkedin", "youtube"}
