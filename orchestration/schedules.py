"""The nightly refresh: the whole graph at 02:00 in the team's time zone."""

from __future__ import annotations

import dagster as dg

from orchestration.constants import REFRESH_JOB
from socialkpi.settings import schedule_timezone

refresh_job = dg.define_asset_job(REFRESH_JOB, selection=dg.AssetSelection.all())

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_refresh_schedule",
    job=refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone=schedule_timezone(),  # SOCIALKPI_TIMEZONE, default Europe/Zurich
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
