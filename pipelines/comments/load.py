"""Load comments from every configured platform into `raw_comments.<platform>`.

One dlt pipeline (`socialkpi_comments`), one run per platform, so a platform that fails (quota,
expired token) loses nothing of the others and keeps its incremental cursor where it was: the
next run starts again from its last loaded comment.

Nothing personal is kept on disk outside the warehouse: dlt deletes the files of a load once it
completed, and empties its merge staging dataset (`raw_comments_staging`) after each load, so
`socialkpi forget` only has the warehouse to clean.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dlt
import duckdb
from dlt.pipeline.exceptions import PipelineStepFailed

from pipelines.comments.api import CommentsApiError
from pipelines.comments.config import CommentSource, Skipped, configured_sources
from pipelines.comments.graph import facebook_comments, instagram_comments
from pipelines.comments.privacy import pseudonym_key
from pipelines.comments.rows import COLUMNS
from pipelines.comments.youtube import youtube_comments
from pipelines.lake import expose_lake_tables, file_format, raw_destination
from pipelines.warehouse import open_warehouse

PIPELINE = "socialkpi_comments"
DATASET = "raw_comments"
FORGOTTEN_TABLE = f"{DATASET}.forgotten_authors"
RESOURCES = {"youtube": youtube_comments, "facebook": facebook_comments, "instagram": instagram_comments}
_SQL_TYPES = {
    "text": "varchar",
    "bool": "boolean",
    "timestamp": "timestamp with time zone",
    "bigint": "bigint",
    "double": "double",
    "json": "json",
}

Progress = Callable[[str], None]


@dataclass
class CommentsReport:
    rows_by_channel: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[Skipped] = field(default_factory=list)


def load_comments(
    warehouse: Path,
    pipelines_dir: Path,
    sources: list[CommentSource | Skipped] | None = None,
    progress: Progress | None = None,
    lake: Path | None = None,
) -> CommentsReport:
    """Load new comments of every source (default: the configured ones); refuse to touch anyone's
    comments without a pseudonymisation key. `lake`: they land there as Parquet (the Spark
    engine, pipelines/lake.py)."""
    say = progress or (lambda _message: None)
    sources = configured_sources() if sources is None else sources
    report = CommentsReport(skipped=[s for s in sources if isinstance(s, Skipped)])
    runnable = [s for s in sources if isinstance(s, CommentSource)]
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    if runnable:
        key = pseudonym_key()
        forgotten = forgotten_authors(warehouse)
        pipeline = comments_pipeline(warehouse, pipelines_dir, lake)
        for source in runnable:
            say(f"loading {source.channel} comments from {source.api.base_url}")
            _run(pipeline, source, key, forgotten, report, file_format(lake))
    with open_warehouse(warehouse) as con:
        if lake is not None:
            expose_lake_tables(con, lake)
        ensure_comment_tables(con)
    return report


def comments_pipeline(warehouse: Path, pipelines_dir: Path, lake: Path | None = None) -> dlt.Pipeline:
    # Pipeline-scoped dlt settings: drop a completed load's files, empty the merge staging tables.
    for setting in ("LOAD__DELETE_COMPLETED_JOBS", "LOAD__TRUNCATE_STAGING_DATASET"):
        os.environ.setdefault(f"{PIPELINE.upper()}__{setting}", "true")
    return dlt.pipeline(
        pipeline_name=PIPELINE,
        destination=raw_destination(warehouse, lake),
        dataset_name=DATASET,
        pipelines_dir=str(pipelines_dir),
    )


def _run(
    pipeline, source: CommentSource, key: bytes, forgotten: frozenset[str], report, loader_file_format
) -> None:
    resource = RESOURCES[source.channel](source, key, forgotten)
    try:
        pipeline.run(resource, loader_file_format=loader_file_format).raise_on_failed_jobs()
    except PipelineStepFailed as failed:
        reason = _api_reason(failed)
        if reason is None:
            raise
        # Nothing of this platform was loaded and its cursor did not move; drop the partial
        # extract so the next run starts clean.
        pipeline.drop_pending_packages()
        report.failed.append(Skipped(source.channel, reason))
        return
    counts = pipeline.last_trace.last_normalize_info.row_counts if pipeline.last_trace else {}
    report.rows_by_channel[source.channel] = counts.get(source.channel, 0)


def _api_reason(error: BaseException) -> str | None:
    while error is not None:
        if isinstance(error, CommentsApiError):
            return str(error)
        error = error.__cause__ or error.__context__
    return None


def forgotten_authors(warehouse: Path) -> frozenset[str]:
    """Pseudonyms of authors erased by `socialkpi forget`: never loaded again."""
    if not warehouse.exists():
        return frozenset()
    with open_warehouse(warehouse) as con:
        ensure_comment_tables(con)
        return frozenset(
            p for (p,) in con.execute(f"select author_pseudonym from {FORGOTTEN_TABLE}").fetchall()
        )


def ensure_comment_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Every platform's raw table exists (empty until it has credentials), so dbt's sources do."""
    con.execute(f"create schema if not exists {DATASET}")
    columns = [f"{name} {_SQL_TYPES[hint['data_type']]}" for name, hint in COLUMNS.items()]
    columns += ["_dlt_load_id varchar", "_dlt_id varchar"]
    for channel in RESOURCES:
        con.execute(f"create table if not exists {DATASET}.{channel} ({', '.join(columns)})")
    con.execute(
        f"create table if not exists {FORGOTTEN_TABLE} "
        "(author_pseudonym varchar primary key, forgotten_at timestamp with time zone)"
    )
