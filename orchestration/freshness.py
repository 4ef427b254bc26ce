"""How old is too old: a freshness policy on every mart (and the published copy), and per channel
a check that the newest export people downloaded is recent."""

from __future__ import annotations

import functools
from datetime import date, timedelta

import dagster as dg

from pipelines.formats import ALL_FORMATS
from pipelines.ledger import LEDGER_TABLE, UNDECIDED_CHANNEL
from pipelines.settings import mart_freshness_hours, stale_export_days

# The platforms people download from: a Meta series file's platform (facebook or instagram) is
# what the build decides from its content, the ledger's vocabulary; `meta` is no channel of its own.
CHANNELS = sorted({f.channel for f in ALL_FORMATS} - {UNDECIDED_CHANNEL})
LEDGER_KEY = dg.AssetKey(LEDGER_TABLE.split("."))


def mart_freshness_policy() -> dg.FreshnessPolicy:
    """Default: WARN 12 hours after the last successful build, FAIL after 26 (a missed night)."""
    fail, warn = mart_freshness_hours()
    return dg.FreshnessPolicy.time_window(
        fail_window=timedelta(hours=fail), warn_window=timedelta(hours=warn)
    )


def export_recency_check_name(channel: str) -> str:
    return f"{channel}_exports_are_recent"


def export_recency_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            export_recency_check_name(channel),
            asset=LEDGER_KEY,
            description=f"Warns when the newest {channel} export loaded is older than "
            f"SOCIALKPI_STALE_EXPORT_DAYS ({stale_export_days()}) days: someone forgot to download it.",
        )
        for channel in CHANNELS
    ]


def export_recency_results(newest: dict[str, tuple[date, str]], today: date) -> list[dg.AssetCheckResult]:
    """One WARN-severity result per channel."""
    return [_recency(channel, newest.get(channel), today, stale_export_days()) for channel in CHANNELS]


def _recency(channel: str, newest: tuple[date, str] | None, today: date, max_age: int) -> dg.AssetCheckResult:
    result = functools.partial(
        dg.AssetCheckResult,
        asset_key=LEDGER_KEY,
        check_name=export_recency_check_name(channel),
        severity=dg.AssetCheckSeverity.WARN,
    )
    if newest is None:
        # A channel the team does not use must not warn every night.
        return result(passed=True, metadata={"newest_export": f"no {channel} export loaded yet"})
    snapshot, path = newest
    age = (today - snapshot).days
    return result(
        passed=age <= max_age,
        description=f"the newest {channel} export is {age} days old ({path}); max {max_age}",
        metadata={
            "newest_snapshot_date": snapshot.isoformat(),
            "newest_file": path,
            "age_days": age,
            "max_age_days": max_age,
        },
    )
