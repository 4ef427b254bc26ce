"""The steps of a refresh as plain functions, and the one conductor that plans them: the CLI calls
`refresh` (or one step), and Dagster's assets call the same steps with the same plan (its dbt
asset calls `build`, its publish asset `publish_if_needed`). Neither owns them; no step knows
which of the two called it.

A step takes the settings and an optional progress callback, and raises one exception whose
message is the one line a person reads (dbt's failures are worded once, in
socialkpi/build/dbt_runner.py)."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pipelines.comments.load import CommentsReport
from pipelines.errors import LOADED, QUARANTINED
from pipelines.exports import ExportsFolderMissing
from pipelines.ledger import UNLOADED_BY, adopt_decided_channels
from pipelines.load import LoadReport, load_exports
from pipelines.memory import release_freed_memory
from pipelines.reconcile import reconcile
from pipelines.settings import Settings
from pipelines.unload import Unloaded, loaded_at_path
from pipelines.warehouse import open_warehouse
from socialkpi import comments
from socialkpi.build import runstate
from socialkpi.build.dbt_runner import BuildFailed, DbtEvents, parsed_meanwhile, run_dbt
from socialkpi.build.isolation import build_isolating, quarantine
from socialkpi.failure_line import raise_if_signalled
from socialkpi.publish import state as publish_state
from socialkpi.publish.marts import PublishResult
from socialkpi.publish.marts import publish as publish_copy

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
        lake=settings.lake,
    )


def load_comments(settings: Settings, progress: Progress | None = None) -> CommentsReport:
    """Comments from the platform APIs (skipped per platform without credentials)."""
    return comments.load(settings, progress)


@dataclass
class Built:
    """What a build step did: the plan it followed and the files its checks quarantined."""

    plan: runstate.BuildPlan
    quarantined: list[Unloaded] = field(default_factory=list)


def build(
    settings: Settings,
    progress: Progress | None = None,
    *,
    selection: tuple[str, ...] = (),
    when_current: str = "build",
    rounds: list[DbtEvents] | None = None,
) -> Built:
    """`dbt build` of seeds, models, contracts and data tests (WITHOUT_UNIT_TESTS), as the plan
    says: incremental when only rows were added since the last build that passed, in full when
    the dbt project changed (socialkpi/build/runstate.py). When nothing changed, `when_current`
    decides: "skip" (a refresh) or "build" everything anyway (`socialkpi build`, asked for).

    `selection` (dbt `--select` arguments: a subset Dagster was asked to materialize) builds only
    that, never counting as a build that passed. A blocking check that fails on rows of one file
    quarantines that file and the build runs again without it (socialkpi/build/isolation.py).
    Raises BuildFailed on a failure no file explains, so nothing downstream publishes. `rounds`,
    when given (Dagster's events come from it), receives each dbt run's result events as it
    ends, a failed one included; the CLI does not collect them."""
    say = progress or (lambda _message: None)
    inputs = runstate.current_inputs(settings)
    plan = runstate.plan_build(settings, inputs)
    if selection:
        full = ("--full-refresh",) if "--full-refresh" in plan.dbt_arguments else ()
        plan = runstate.BuildPlan(False, ("--select", *selection, *full), "building the selected models")
    elif plan.skip and when_current == "build":
        plan = runstate.BuildPlan(
            False, (), "building every model (asked for; nothing new since the last build)"
        )
    if settings.lake is not None and not plan.skip:
        plan = runstate.BuildPlan(
            False, plan.dbt_arguments, f"{plan.why}, on Spark: each model rebuilt whole"
        )
    say(plan.why)
    if plan.skip:
        return Built(plan)
    started_at = datetime.now(UTC).isoformat()
    runstate.record(settings, runstate.BUILD_STARTED, inputs)
    if settings.lake is not None:
        quarantined = []
        _build_on_spark(settings, plan.dbt_arguments, progress, rounds)
    else:
        quarantined = build_isolating(settings, plan.dbt_arguments, progress, rounds)
    if not selection:
        # A quarantine took files out: the build that passed was made from the files left.
        built_from = runstate.current_inputs(settings) if quarantined else inputs
        runstate.record(settings, runstate.BUILD, built_from, started_at)
    with open_warehouse(settings.warehouse) as con:
        adopt_decided_channels(con)  # the platform of each Meta series file, as the marts have it
    return Built(plan, quarantined)


def _build_on_spark(
    settings: Settings,
    dbt_arguments: tuple[str, ...],
    progress: Progress | None,
    rounds: list[DbtEvents] | None,
) -> None:
    """The build on the Spark engine (socialkpi/build/spark.py). A failing blocking check fails
    the build there: no file is quarantined (socialkpi/build/isolation.py reads the failing rows
    from the warehouse file, where Spark's models are not), and nothing publishes."""
    from socialkpi.build.spark import build_models_on_spark  # imports Spark's Python side: only here

    events: DbtEvents = []
    if rounds is not None:
        rounds.append(events)
    build_models_on_spark(settings, *dbt_arguments, progress=progress, events=events)


def publish(settings: Settings, postgres_url: str | None = None) -> PublishResult:
    """Publish the marts now (socialkpi/publish/marts.py), and note what was published."""
    result = publish_copy(settings, postgres_url)
    publish_state.record_publish(settings)
    return result


def publish_if_needed(settings: Settings, progress: Progress | None = None) -> PublishResult | None:
    """Publish unless the published copy already holds the marts of the last build that passed
    (None then: nothing was copied)."""
    say = progress or (lambda _message: None)
    if publish_state.publish_is_current(settings):
        say("the published copy holds the current marts: publish skipped")
        return None
    say("publishing the marts")
    return publish(settings)


def parse(settings: Settings) -> None:
    """`dbt parse`: writes the manifest Dagster reads its dbt assets from."""
    run_dbt(settings, "parse")


def refresh(
    settings: Settings, progress: Progress | None = None
) -> tuple[LoadReport, CommentsReport, PublishResult | None]:
    """The nightly job: load what is new, build and test what it reaches, publish unless a
    failure no single file explains blocks it (files whose rows fail a blocking check are
    quarantined and join the load report's newly refused files). Steps whose inputs did not
    change since they last succeeded are skipped; no publish result (None) when the published
    copy already held the current marts."""
    say = progress or (lambda _message: None)
    # On Spark, dbt parses for the Spark target in the build's own process (socialkpi/build/spark.py).
    with parsed_meanwhile(settings) if settings.lake is None else nullcontext():
        report = load(settings, progress)
        comments_report = load_comments(settings, progress)
        say(f"reconciled {reconcile(settings.warehouse)} loaded files with raw")
    raise_if_signalled()
    release_freed_memory()
    try:
        built = build(settings, progress, when_current="skip")
    except BuildFailed as failed:  # the one line also says what readers still see
        raise BuildFailed(f"{failed}; {_publish_skipped(settings)}", failed.failed) from None
    raise_if_signalled()  # a build that swallowed a signal publishes nothing
    held_back(report, built.quarantined)
    return report, comments_report, publish_if_needed(settings, progress)


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
    with open_warehouse(settings.warehouse, read_only=True) as con:
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
