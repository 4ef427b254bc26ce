"""The steps of a refresh as plain functions: the CLI calls them in a row, Dagster wraps each one
as an asset. Neither owns them."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

import duckdb

from pipelines.comments.load import CommentsReport
from pipelines.errors import LOADED, QUARANTINED
from pipelines.exports import ExportsFolderMissing
from pipelines.ledger import UNLOADED_BY, adopt_decided_channels
from pipelines.load import LoadReport, load_exports
from pipelines.reconcile import reconcile
from pipelines.unload import Unloaded, loaded_at_path
from socialkpi import comments, runstate
from socialkpi.isolation import build_isolating, quarantine
from socialkpi.publish import PublishResult, publish
from socialkpi.settings import Settings
from socialkpi.transform import BuildFailed, parsed_meanwhile, run_dbt

Progress = Callable[[str], None]


class NoWarehouse(Exception):
    """The command needs a warehouse and there is none at the path; the message says what to run."""


def require_warehouse(settings: Settings) -> None:
    """Refuse, creating nothing, when there is no warehouse at the path: a command that reads or
    changes what a load made would otherwise show an empty ledger, or create an empty warehouse."""
    if not settings.warehouse.is_file():
        raise NoWarehouse(
            f"no warehouse at {settings.warehouse}: run `socialkpi refresh --exports <folder> "
            f"--warehouse {settings.warehouse}` first, or pass the --warehouse you refreshed"
        )


def require_exports(settings: Settings) -> None:
    """Refuse a local exports folder that does not exist before anything is created (a bucket URL
    is checked when it is listed): a mistyped --exports must leave no warehouse behind."""
    if "://" not in settings.exports and not os.path.isdir(settings.exports):
        raise ExportsFolderMissing(
            f"exports folder {settings.exports} does not exist: check --exports (or "
            "SOCIALKPI_EXPORTS), or create it and put the platforms' export files in it"
        )


def load(settings: Settings, progress: Progress | None = None) -> LoadReport:
    return load_exports(
        settings.exports,
        settings.warehouse,
        settings.pipelines_dir,
        progress,
        recheck_failed_checks=runstate.checks_changed(settings),
    )


def load_comments(settings: Settings, progress: Progress | None = None) -> CommentsReport:
    """Comments from the platform APIs (skipped per platform without credentials)."""
    return comments.load(settings, progress)


def build(settings: Settings, progress: Progress | None = None) -> list[Unloaded]:
    """`dbt build` of seeds, models, contracts and data tests (WITHOUT_UNIT_TESTS). A blocking
    check that fails on rows of one file quarantines that file and the build runs again without
    it (socialkpi/isolation.py); returns those files. Raises BuildFailed on a failure no file
    explains, so nothing downstream publishes. Incremental when only rows were added since the
    last build that passed, in full when the dbt project changed (socialkpi/runstate.py)."""
    inputs = runstate.current_inputs(settings)
    plan = runstate.plan_build(settings, inputs)
    return _build(settings, inputs, () if plan.skip else plan.dbt_arguments, progress)


def _build(
    settings: Settings, inputs: runstate.Inputs, arguments: tuple[str, ...], progress: Progress | None
) -> list[Unloaded]:
    started_at = datetime.now(UTC).isoformat()
    runstate.record(settings, runstate.BUILD_STARTED, inputs)
    quarantined = build_isolating(settings, arguments, progress)
    # A quarantine took files out: the build that passed was made from the files left.
    built_from = runstate.current_inputs(settings) if quarantined else inputs
    runstate.record(settings, runstate.BUILD, built_from, started_at)
    with duckdb.connect(str(settings.warehouse)) as con:
        adopt_decided_channels(con)  # the platform of each Meta series file, as the marts have it
    return quarantined


def parse(settings: Settings) -> None:
    """`dbt parse`: writes the manifest Dagster reads its dbt assets from."""
    run_dbt(settings, "parse")


def refresh(
    settings: Settings, progress: Progress | None = None
) -> tuple[LoadReport, CommentsReport, PublishResult | None]:
    """The nightly job: load what is new, build and test everything, publish unless a failure no
    single file explains blocks it (files whose rows fail a blocking check are quarantined and
    join the load report's newly refused files). Steps whose inputs did not change since they
    last succeeded are skipped (socialkpi/runstate.py); no publish result (None) when the
    published copy already held the current marts."""
    say = progress or (lambda _message: None)
    with parsed_meanwhile(settings):
        report = load(settings, progress)
        comments_report = load_comments(settings, progress)
        say(f"reconciled {reconcile(settings.warehouse)} loaded files with raw")
    inputs = runstate.current_inputs(settings)
    plan = runstate.plan_build(settings, inputs)
    say(plan.why)
    if not plan.skip:
        try:
            held_back(report, _build(settings, inputs, plan.dbt_arguments, progress))
        except BuildFailed as failed:  # the one line also says what readers still see
            raise BuildFailed(f"{failed}; {_publish_skipped(settings)}", failed.failed) from None
    if runstate.publish_is_current(settings):
        say("the published copy holds the current marts: publish skipped")
        return report, comments_report, None
    say("publishing the marts")
    result = publish(settings)
    runstate.record_publish(settings)
    return report, comments_report, result


def _publish_skipped(settings: Settings) -> str:
    if settings.published_marts.exists():
        return f"publish skipped: {settings.published_marts} keeps the marts of the last build that passed"
    return "publish skipped: nothing is published yet"


def held_back(report: LoadReport, quarantined: list[Unloaded]) -> None:
    """Files the build quarantined are this run's news like files the reader refused: their
    ledger entries in the report say so, and the run exits 2."""
    reasons = {q.sha256: q.reason for q in quarantined}
    for entry in report.entries:
        if entry.sha256 in reasons and entry.status == LOADED:
            entry.status, entry.reason = QUARANTINED, reasons[entry.sha256]
            report.newly_refused.append(entry)
    report.loaded_now[:] = [e for e in report.loaded_now if e.sha256 not in reasons]


def unload(settings: Settings, path: str, user: str) -> list[Unloaded]:
    """Take the loaded file at `path` (as `socialkpi files` shows it, or its URL) out of the
    warehouse on purpose: its rows leave raw, its ledger entry says who unloaded it and when,
    the same bytes are not loaded again, and the next refresh rebuilds the models without it."""
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        found = loaded_at_path(con, path)
    if not found:
        raise UnloadRefused(f"no loaded file at {path}: see `socialkpi files --status loaded`")
    reason = (
        f"{UNLOADED_BY}{user} on {datetime.now(UTC).date().isoformat()}: its rows were taken out "
        "of the warehouse; the next refresh rebuilds without it (a new download of the file loads)"
    )
    held, _tables = quarantine(settings, dict.fromkeys(found, reason))
    return held


class UnloadRefused(Exception):
    """Nothing to unload at that path."""
