"""The steps of a refresh as plain functions: the CLI calls them in a row, Dagster wraps each one
as an asset. Neither owns them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pipelines.comments.load import CommentsReport
from pipelines.load import LoadReport, load_exports
from socialkpi import comments, runstate
from socialkpi.publish import PublishResult, publish
from socialkpi.reconcile import reconcile
from socialkpi.settings import Settings
from socialkpi.transform import build_models, parsed_meanwhile, run_dbt

Progress = Callable[[str], None]


def load(settings: Settings, progress: Progress | None = None) -> LoadReport:
    return load_exports(settings.exports, settings.warehouse, settings.pipelines_dir, progress)


def load_comments(settings: Settings, progress: Progress | None = None) -> CommentsReport:
    """Comments from the platform APIs (skipped per platform without credentials)."""
    return comments.load(settings, progress)


def build(settings: Settings, progress: Progress | None = None) -> None:
    """`dbt build` of seeds, models, contracts and data tests (WITHOUT_UNIT_TESTS); raises
    BuildFailed on any error-severity failure, so nothing downstream publishes. Incremental when
    only rows were added since the last build that passed, in full when the dbt project changed
    (socialkpi/runstate.py)."""
    inputs = runstate.current_inputs(settings)
    plan = runstate.plan_build(settings, inputs)
    _build(settings, inputs, () if plan.skip else plan.dbt_arguments, progress)


def _build(
    settings: Settings, inputs: runstate.Inputs, arguments: tuple[str, ...], progress: Progress | None
) -> None:
    started_at = datetime.now(UTC).isoformat()
    runstate.record(settings, runstate.BUILD_STARTED, inputs)
    build_models(settings, *arguments, progress=progress)
    runstate.record(settings, runstate.BUILD, inputs, started_at)


def parse(settings: Settings) -> None:
    """`dbt parse`: writes the manifest Dagster reads its dbt assets from."""
    run_dbt(settings, "parse")


def refresh(
    settings: Settings, progress: Progress | None = None
) -> tuple[LoadReport, CommentsReport, PublishResult]:
    """The nightly job: load what is new, build and test everything, publish only if all passed.
    Steps whose inputs did not change since they last succeeded are skipped (socialkpi/runstate.py)."""
    say = progress or (lambda _message: None)
    with parsed_meanwhile(settings):
        report = load(settings, progress)
        comments_report = load_comments(settings, progress)
        say(f"reconciled {reconcile(settings)} loaded files with raw")
    inputs = runstate.current_inputs(settings)
    plan = runstate.plan_build(settings, inputs)
    say(plan.why)
    if not plan.skip:
        _build(settings, inputs, plan.dbt_arguments, progress)
    if runstate.publish_is_current(settings):
        say("the published copy holds the current marts: publish skipped")
        return report, comments_report, runstate.published_result(settings)
    say("publishing the marts")
    result = publish(settings)
    runstate.record_publish(settings)
    return report, comments_report, result
