"""The nightly refresh: the whole graph at 02:00 in the team's time zone (both configurable)."""

from __future__ import annotations

import dagster as dg

from orchestration.constants import NIGHTLY_SCHEDULE, REFRESH_JOB, RUN_QUEUE_TAG
from pipelines.settings import nightly_cron, schedule_timezone

# The tag lets dagster.yaml queue refreshes one after another (a night run and a sensor run
# never interleave their steps).
refresh_job = dg.define_asset_job(REFRESH_JOB, selection=dg.AssetSelection.all(), tags=dict([RUN_QUEUE_TAG]))


def nightly_schedule() -> dg.ScheduleDefinition:
    """On as soon as the daemon runs (`make dagster`), at the time the environment says."""
    return dg.ScheduleDefinition(
        name=NIGHTLY_SCHEDULE,
        job=refresh_job,
        cron_schedule=nightly_cron(),  # SOCIALKPI_NIGHTLY_CRON, default 0 2 * * *
        execution_timezone=schedule_timezone(),  # SOCIALKPI_TIMEZONE, default Europe/Zurich
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
