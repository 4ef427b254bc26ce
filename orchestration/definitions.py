"""The one assembly point: exports -> raw (load) -> dbt models -> published copy, plus what runs
it unattended (schedule, new-file sensor) and what tells people when it fails (alert sensor)."""

import dagster as dg

from orchestration.alerts import alert_on_failed_run
from orchestration.comments import load_comments
from orchestration.ingest import load_exports, raw_rows_reconcile_with_the_ledger
from orchestration.publish import published_marts_asset
from orchestration.resources import build_resources
from orchestration.schedules import nightly_schedule, refresh_job
from orchestration.sensors import new_exports_sensor
from orchestration.transform import social_dbt_assets


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[load_exports, load_comments, social_dbt_assets(), published_marts_asset()],
        asset_checks=[raw_rows_reconcile_with_the_ledger],
        jobs=[refresh_job],
        schedules=[nightly_schedule()],
        sensors=[new_exports_sensor, alert_on_failed_run],
        resources=build_resources(),
    )
