"""Running every night without anyone watching: the schedule, the new-file sensor, freshness
policies, the one-writer pool and the retry settings are declared (and asserted, not just
loaded); the sensor asks for exactly one run per new or changed file set; a held lock is retried
and a data error is not."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from orchestration.constants import ALERT_SENSOR, EXPORTS_SENSOR, REFRESH_JOB, WAREHOUSE_POOL
from orchestration.freshness import CHANNELS, LEDGER_KEY, export_recency_check_name
from orchestration.resources import SocialKpiResource
from orchestration.retries import WAREHOUSE_LOCK_RETRY, WarehouseLocked, only_a_held_lock_is_retried
from orchestration.schedules import nightly_schedule
from pipelines.settings import load_settings
from socialkpi import steps

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from orchestration.definitions import defs as build_defs

    return build_defs()


def test_the_nightly_schedule_and_both_sensors_are_on_as_soon_as_the_daemon_runs(defs):
    schedule = defs.resolve_schedule_def("nightly_refresh_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "Europe/Zurich")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    exports_sensor = defs.resolve_sensor_def(EXPORTS_SENSOR)
    assert exports_sensor.job_name == REFRESH_JOB
    assert exports_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    alert_sensor = defs.resolve_sensor_def(ALERT_SENSOR)
    assert isinstance(alert_sensor, dg.RunStatusSensorDefinition)
    assert alert_sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_the_schedule_time_and_timezone_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SOCIALKPI_NIGHTLY_CRON", "30 5 * * 1-5")
    monkeypatch.setenv("SOCIALKPI_TIMEZONE", "America/New_York")
    schedule = nightly_schedule()
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 5 * * 1-5", "America/New_York")


def test_every_mart_and_the_published_copy_warn_after_12_hours_and_fail_after_26(defs):
    graph = defs.resolve_asset_graph()
    keys = [k for k in graph.get_all_asset_keys() if k.path[0] in ("marts", "published")]
    assert len(keys) >= 16
    policies = {graph.get(k).freshness_policy for k in keys}
    assert policies == {
        dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=26), warn_window=timedelta(hours=12))
    }
    staging = [k for k in graph.get_all_asset_keys() if k.path[0] == "staging"]
    assert staging and all(graph.get(k).freshness_policy is None for k in staging)


def test_each_channel_has_a_check_that_its_newest_export_is_recent(defs):
    checks = defs.resolve_asset_graph().asset_check_keys
    for channel in ("twitter", "facebook", "instagram", "linkedin", "youtube"):
        assert dg.AssetCheckKey(LEDGER_KEY, export_recency_check_name(channel)) in checks
    assert set(CHANNELS) >= {"twitter", "facebook", "instagram", "linkedin", "youtube"}


def test_every_step_that_opens_the_warehouse_is_in_the_one_writer_pool_and_retried_on_a_held_lock(defs):
    graph = defs.resolve_asset_graph()
    nodes = {node.assets_def.node_def for node in graph.asset_nodes if node.is_materializable}
    nodes |= {check.node_def for check in defs.asset_checks}
    assert {node.name for node in nodes} >= {
        "load_exports",
        "social_dbt",
        "published__marts",
        "raw_rows_reconcile_with_the_ledger",
    }
    assert {node.pool for node in nodes} == {WAREHOUSE_POOL}
    assert {node.retry_policy for node in nodes} == {WAREHOUSE_LOCK_RETRY}
    assert WAREHOUSE_LOCK_RETRY.max_retries >= 3 and WAREHOUSE_LOCK_RETRY.delay >= 5
    assert WAREHOUSE_LOCK_RETRY.backoff == dg.Backoff.EXPONENTIAL


def test_the_instance_config_limits_the_pool_retries_crashed_runs_only_and_times_out_hung_ones(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((REPO / "orchestration" / "dagster.yaml").read_text())
    with dg.DagsterInstance.from_config(str(home)) as instance:  # validates against Dagster's schema
        assert instance.run_retries_enabled and instance.run_retries_max_retries >= 1
        assert instance.get_settings("run_retries")["retry_on_asset_or_op_failure"] is False
        assert instance.run_monitoring_enabled and instance.run_monitoring_max_runtime_seconds > 0
        concurrency = instance.get_settings("concurrency")
        assert concurrency["pools"]["default_limit"] == 1
        assert {"key": "socialkpi/writes", "value": "warehouse", "limit": 1} in concurrency["runs"][
            "tag_concurrency_limits"
        ]


# The new-file sensor ------------------------------------------------------------------------


def _evaluate(defs, exports: Path, cursor: str | None) -> dg.SensorResult:
    context = dg.build_sensor_context(
        cursor=cursor,
        resources={
            "socialkpi": SocialKpiResource(exports=str(exports), warehouse=str(exports / "unused.duckdb"))
        },
    )
    return defs.resolve_sensor_def(EXPORTS_SENSOR).evaluate_tick(context)


def _write(path: Path, text: str, age: timedelta = timedelta(hours=1)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    stamp = (datetime.now(UTC) - age).timestamp()
    os.utime(path, (stamp, stamp))


def test_the_sensor_asks_for_one_run_per_new_or_changed_file_set_and_none_for_unchanged_files(defs, tmp_path):
    exports = tmp_path / "exports"
    _write(exports / "cern" / "a.csv", "Date,Impressions\n2025-03-01,10\n")
    _write(exports / "cern" / "b.csv", "Date,Impressions\n2025-03-02,11\n")

    first = _evaluate(defs, exports, None)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].tags["socialkpi/new_files"] == "2"
    assert _evaluate(defs, exports, first.cursor).run_requests == []  # nothing changed

    _write(exports / "cern" / "c.csv", "Date,Impressions\n2025-03-03,12\n")  # a new file
    added = _evaluate(defs, exports, first.cursor)
    assert len(added.run_requests) == 1 and added.run_requests[0].tags["socialkpi/new_files"] == "1"
    assert _evaluate(defs, exports, added.cursor).run_requests == []

    # A corrected re-export saved over the same name: same path, new size and time.
    _write(exports / "cern" / "a.csv", "Date,Impressions\n2025-03-01,1000\n", age=timedelta(minutes=30))
    corrected = _evaluate(defs, exports, added.cursor)
    assert len(corrected.run_requests) == 1
    assert len({r.run_requests[0].run_key for r in (first, added, corrected)}) == 3

    # A download still being written waits for the next tick, then runs once.
    _write(exports / "cern" / "d.csv", "Date,Impressions\n", age=timedelta(seconds=0))
    writing = _evaluate(defs, exports, corrected.cursor)
    assert writing.run_requests == [] and "still being written" in writing.skip_message


def test_the_sensor_skips_with_the_reason_when_the_exports_folder_is_missing(defs, tmp_path):
    result = _evaluate(defs, tmp_path / "nowhere", None)
    assert result.run_requests == [] and "does not exist" in result.skip_message


# Retries: a held lock is retried, a data error is not ------------------------------------------


def test_a_held_warehouse_lock_is_a_retried_error_and_a_missing_exports_folder_is_not(tmp_path):
    settings = load_settings(str(tmp_path / "exports"), tmp_path / "warehouse" / "socialkpi.duckdb")
    Path(settings.exports).mkdir()
    settings.warehouse.parent.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(settings.warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(WarehouseLocked, match="locked by another process"):
            with only_a_held_lock_is_retried("load"):
                steps.load(settings)
    finally:
        holder.kill()
        holder.wait()

    missing = load_settings(str(tmp_path / "no_such_folder"), settings.warehouse)
    with pytest.raises(dg.Failure, match=r"load failed \(ExportsFolderMissing\): exports folder") as failure:
        with only_a_held_lock_is_retried("load"):
            steps.load(missing)
    assert failure.value.allow_retries is False


HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(120)
"""


def test_dagster_dev_parses_the_dbt_project_only_when_a_dbt_file_changed_after_the_manifest(tmp_path):
    from orchestration.dbt_project import manifest_is_stale

    project = tmp_path / "dbt_project"
    (project / "models").mkdir(parents=True)
    (project / "models" / "a.sql").write_text("select 1")
    manifest = project / "target" / "manifest.json"
    assert manifest_is_stale(project, manifest)  # never parsed
    manifest.parent.mkdir()
    manifest.write_text("{}")
    (project / "target" / "run_results.json").write_text("{}")  # dbt's own output is not a change
    (project / "logs").mkdir()
    (project / "logs" / "dbt.log").write_text("")
    for older in (project / "models" / "a.sql", project / "logs" / "dbt.log"):
        _age(older, -60)
    _age(manifest, -10)
    assert not manifest_is_stale(project, manifest)
    _age(project / "models" / "a.sql", -5)  # edited after the last parse
    assert manifest_is_stale(project, manifest)


def _age(path: Path, seconds: int) -> None:
    stamp = datetime.now(UTC).timestamp() + seconds
    os.utime(path, (stamp, stamp))
