"""Tell the on-call person when a run fails: what failed, which check, which file.

The message is read on a phone at breakfast, so it is short and names the cause: the failed
step and its error, the failed checks, and the files this run brought in. It is always logged (the
sensor's tick log in the UI and the daemon's output) and, when SOCIALKPI_ALERT_WEBHOOK is set,
posted as `{"text": ...}`, which Slack, Mattermost and Teams incoming webhooks all accept.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request

import dagster as dg

from orchestration.constants import ALERT_SENSOR
from orchestration.freshness import LEDGER_KEY
from orchestration.retries import first_line
from pipelines.settings import alert_webhook, dagster_url

logger = logging.getLogger("socialkpi.alerts")
MAX_ITEMS = 5
_EVENTS = {
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
    dg.DagsterEventType.ASSET_MATERIALIZATION,
}


def failure_message(instance: dg.DagsterInstance, run: dg.DagsterRun, failure: dg.DagsterEvent) -> str:
    events = [e.dagster_event for e in instance.all_logs(run.run_id, of_type=_EVENTS) if e.dagster_event]
    lines = [f"socialkpi: run of {run.job_name} failed (run {run.run_id[:8]})"]
    lines += _failed_steps(events) or [f"Run failure: {first_line(failure.message or 'no reason given')}"]
    lines += _failed_checks(events)
    lines += _loaded_files(events)
    published = any(
        e.asset_key == dg.AssetKey(["published", "marts"]) for e in _of(events, "ASSET_MATERIALIZATION")
    )
    lines.append(
        "The published marts were updated."
        if published
        else "Nothing was published: analysts keep the previous copy."
    )
    if dagster_url():
        lines.append(f"{dagster_url()}/runs/{run.run_id}")
    return "\n".join(lines)


def _of(events: list[dg.DagsterEvent], kind: str) -> list[dg.DagsterEvent]:
    return [e for e in events if e.event_type_value == kind]


def _failed_steps(events: list[dg.DagsterEvent]) -> list[str]:
    lines = []
    for event in _of(events, "STEP_FAILURE"):
        data = event.step_failure_data
        user = data.user_failure_data if data else None
        reason = (
            user.description
            if user and user.description
            else (data.error.message if data and data.error else "")
        )
        lines.append(f"Step {event.step_key} failed: {first_line(reason or 'no reason given')[:600]}")
    return lines


def _failed_checks(events: list[dg.DagsterEvent]) -> list[str]:
    """One line per failed error-severity check, however many assets it failed on."""
    failed: dict[str, list] = {}
    for event in _of(events, "ASSET_CHECK_EVALUATION"):
        check = event.event_specific_data
        if not check.passed and check.severity == dg.AssetCheckSeverity.ERROR:
            failed.setdefault(check.check_name, []).append(check)
    lines = []
    for name, checks in list(failed.items())[:MAX_ITEMS]:
        where = checks[0].asset_key.to_user_string() + (
            f" and {len(checks) - 1} more" if len(checks) > 1 else ""
        )
        reason = f": {first_line(checks[0].description)[:300]}" if checks[0].description else ""
        lines.append(f"Check {name} on {where} failed{reason}")
    if len(failed) > MAX_ITEMS:
        lines.append(f"... and {len(failed) - MAX_ITEMS} more failed checks")
    return lines


def _loaded_files(events: list[dg.DagsterEvent]) -> list[str]:
    for event in _of(events, "ASSET_MATERIALIZATION"):
        if event.asset_key == LEDGER_KEY:
            files = event.event_specific_data.materialization.metadata.get("loaded_files")
            names = list(files.value) if files else []
            if names:
                more = f" (+{len(names) - MAX_ITEMS} more)" if len(names) > MAX_ITEMS else ""
                return [f"Files loaded in this run: {', '.join(names[:MAX_ITEMS])}{more}"]
    return []


def post(url: str, text: str, timeout: float = 10) -> str:
    """POST {"text": text} and say how it went; a webhook that is down never hides the alert."""
    request = urllib.request.Request(
        url,
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    host = urllib.parse.urlsplit(url).netloc  # the URL itself is a secret: name the host only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return f"alert posted to {host} (HTTP {response.status})"
    except (urllib.error.URLError, OSError) as error:
        return f"alert NOT delivered to {host}: {error}"


@dg.run_failure_sensor(
    name=ALERT_SENSOR,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Logs every failed run's cause and posts it to SOCIALKPI_ALERT_WEBHOOK when set.",
)
def alert_on_failed_run(context: dg.RunFailureSensorContext) -> None:
    message = failure_message(context.instance, context.dagster_run, context.failure_event)
    context.log.error(message)
    logger.error(message)
    url = alert_webhook()
    outcome = post(url, message) if url else "SOCIALKPI_ALERT_WEBHOOK is not set: the alert was only logged"
    context.log.warning(outcome)
    logger.warning(outcome)
