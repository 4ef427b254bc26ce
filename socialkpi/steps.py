"""The steps of a refresh as plain functions: the CLI calls them in a row, Dagster wraps each one
as an asset. Neither owns them."""

from __future__ import annotations

from collections.abc import Callable

from pipelines.comments.load import CommentsReport
from pipelines.load import LoadReport, load_exports
from socialkpi import comments
from socialkpi.publish import PublishResult, publish
from socialkpi.reconcile import reconcile
from socialkpi.settings import Settings
from socialkpi.transform import WITHOUT_UNIT_TESTS, run_dbt

Progress = Callable[[str], None]


def load(settings: Settings, progress: Progress | None = None) -> LoadReport:
    return load_exports(settings.exports, settings.warehouse, settings.pipelines_dir, progress)


def load_comments(settings: Settings, progress: Progress | None = None) -> CommentsReport:
    """Comments from the platform APIs (skipped per platform without credentials)."""
    return comments.load(settings, progress)


def build(settings: Settings, progress: Progress | None = None) -> None:
    """`dbt build` of seeds, models, contracts and data tests (WITHOUT_UNIT_TESTS); raises
    BuildFailed on any error-severity failure, so nothing downstream publishes. dbt's artifacts,
    and its partial parse, which a different warehouse path invalidates, live beside each
    warehouse."""
    target = settings.warehouse.parent / "dbt_target"
    run_dbt(settings, "build", *WITHOUT_UNIT_TESTS, "--target-path", str(target), progress=progress)


def parse(settings: Settings) -> None:
    """`dbt parse`: writes the manifest Dagster reads its dbt assets from."""
    run_dbt(settings, "parse")


def refresh(
    settings: Settings, progress: Progress | None = None
) -> tuple[LoadReport, CommentsReport, PublishResult]:
    """The nightly job: load what is new, build and test everything, publish only if all passed."""
    say = progress or (lambda _message: None)
    report = load(settings, progress)
    comments_report = load_comments(settings, progress)
    say(f"reconciled {reconcile(settings)} loaded files with raw")
    say("building and testing models (dbt build)")
    build(settings, progress)
    say("publishing the marts")
    return report, comments_report, publish(settings)
