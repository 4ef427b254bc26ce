"""Start a refresh when new or changed export files arrive, without waiting for the night.

A file is known by its path, size and modification time (what the loader itself compares before
reading a file again), so a corrected re-export saved over the old name runs again, and an
unchanged file never does. The cursor keeps a short fingerprint of every file seen; the run key
is the fingerprint of the whole set, so one set of files gives at most one run.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from datetime import UTC, datetime, timedelta

import dagster as dg

from orchestration.constants import EXPORTS_SENSOR, REFRESH_JOB
from orchestration.resources import SocialKpiResource
from pipelines.exports import ExportFile, ExportsFolderMissing, list_exports

# A file modified less than this long ago may still be downloading or copying: wait a tick.
SETTLE = timedelta(seconds=60)
_FINGERPRINT_BYTES = 8


def fingerprint(file: ExportFile) -> bytes:
    key = f"{file.relative_path}\0{file.size_bytes}\0{file.modified_at.isoformat()}"
    return hashlib.sha256(key.encode()).digest()[:_FINGERPRINT_BYTES]


def encode_cursor(prints: set[bytes]) -> str:
    return base64.b64encode(zlib.compress(b"".join(sorted(prints)))).decode()


def decode_cursor(cursor: str | None) -> set[bytes]:
    if not cursor:
        return set()
    raw = zlib.decompress(base64.b64decode(cursor))
    return {raw[i : i + _FINGERPRINT_BYTES] for i in range(0, len(raw), _FINGERPRINT_BYTES)}


def new_exports_result(location: str, cursor: str | None, now: datetime) -> dg.SensorResult:
    """One run request when settled files are new or changed since the cursor, none otherwise."""
    try:
        files = [listed.file for listed in list_exports(location)]
    except ExportsFolderMissing as missing:
        return dg.SensorResult(skip_reason=str(missing))
    settled = {fingerprint(f): f for f in files if now - f.modified_at >= SETTLE}
    seen = decode_cursor(cursor)
    new = sorted(settled[p].relative_path for p in settled.keys() - seen)
    if not new:
        waiting = len(files) - len(settled)
        return dg.SensorResult(
            skip_reason=f"no new or changed export files among {len(settled)}"
            + (f" ({waiting} still being written)" if waiting else ""),
            cursor=encode_cursor(set(settled)),
        )
    run_key = hashlib.sha256(b"".join(sorted(settled))).hexdigest()[:32]
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=run_key,
                tags={"socialkpi/trigger": "new exports", "socialkpi/new_files": str(len(new))},
            )
        ],
        cursor=encode_cursor(set(settled)),
    )


@dg.sensor(
    name=EXPORTS_SENSOR,
    job_name=REFRESH_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts nightly_refresh when export files are added or changed (path, size, time).",
)
def new_exports_sensor(context: dg.SensorEvaluationContext, socialkpi: SocialKpiResource) -> dg.SensorResult:
    result = new_exports_result(socialkpi.settings().exports, context.cursor, datetime.now(UTC))
    for request in result.run_requests or []:
        context.log.info(f"{request.tags['socialkpi/new_files']} new or changed export file(s): refresh")
    return result
