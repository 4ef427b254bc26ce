"""The comments steps: load them (from the platform APIs, or from recorded demo answers served
locally), and forget one author everywhere."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.comments.config import PLATFORMS
from pipelines.comments.load import FORGOTTEN_TABLE, CommentsReport, ensure_comment_tables, load_comments
from pipelines.comments.privacy import pseudonym, pseudonym_key
from pipelines.lake import delete_rows
from pipelines.settings import Settings
from pipelines.warehouse import open_warehouse
from socialkpi.build.dbt_runner import build_models
from socialkpi.publish import postgres as publish_postgres
from socialkpi.publish.marts import PublishResult, publish
from socialkpi.publish.swap import remove_tree

Progress = Callable[[str], None]
# Everything dbt builds from the comments (staging, the conversation marts and their tests).
COMMENT_MODELS = "source:raw_comments+"


def load(settings: Settings, progress: Progress | None = None) -> CommentsReport:
    """Comments of every configured platform; with settings.comments_from, the demo's recorded
    answers served on 127.0.0.1 and read by the same dlt sources over HTTP."""
    if settings.comments_from is None:
        return load_comments(
            settings.warehouse, settings.pipelines_dir, progress=progress, lake=settings.lake
        )
    from pipelines.comments.replay_server import CommentApi, load_dataset, replay_sources

    with CommentApi(load_dataset(settings.comments_from)) as api:
        sources = replay_sources(api)
        return load_comments(settings.warehouse, settings.pipelines_dir, sources, progress, settings.lake)


@dataclass(frozen=True)
class Forgotten:
    rows_by_table: dict[str, int]
    published: PublishResult | None


def forget(settings: Settings, author: str, progress: Progress | None = None) -> Forgotten:
    """Erase one author's comments (by their platform id, on any platform) from every table of
    the warehouse, keep them out of later loads, rebuild the comment models and republish, so
    neither the published copy nor its rollback copy holds them."""
    say = progress or (lambda _message: None)
    pseudonyms = sorted({pseudonym(pseudonym_key(), channel, author) for channel in PLATFORMS})
    with open_warehouse(settings.warehouse) as con:
        ensure_comment_tables(con)
        rows = _delete_everywhere(con, pseudonyms, settings.lake)
        con.executemany(
            f"insert or ignore into {FORGOTTEN_TABLE} values (?, current_timestamp)",
            [[p] for p in pseudonyms],
        )
        con.execute("checkpoint")
    say("rebuilding the comment models (dbt build)")
    _rebuild_comment_models(settings, progress)
    if not settings.published_marts.exists():
        return Forgotten(rows, None)
    say("publishing the marts without them")
    published = publish(settings)
    _replace_rollback_copies(settings)
    publish_postgres.drop_previous()  # PostgreSQL's previous marts too, when it is published to
    return Forgotten(rows, published)


def _delete_everywhere(
    con: duckdb.DuckDBPyConnection, pseudonyms: list[str], lake: Path | None
) -> dict[str, int]:
    """Delete from every base table with an author_pseudonym column (raw, dlt's staging, marts,
    stored test failures in audit), whatever its schema; on the Spark engine also from the
    lake's comment tables (views here over their Parquet files, pipelines/lake.py)."""
    # The views of the models Spark built are not: the rebuild of the comment models replaces
    # their tables.
    lake_views = "or (t.table_type = 'VIEW' and t.table_schema like 'raw\\_%' escape '\\')" if lake else ""
    tables = con.execute(
        f"""
        select c.table_schema, c.table_name
        from information_schema.columns as c
        inner join information_schema.tables as t using (table_catalog, table_schema, table_name)
        where c.column_name = 'author_pseudonym' and (t.table_type = 'BASE TABLE' {lake_views})
            and c.table_catalog = current_database()
        order by all
        """
    ).fetchall()
    deleted = {}
    for schema, table in tables:
        if f"{schema}.{table}" == FORGOTTEN_TABLE:
            continue
        count = sum(delete_rows(con, f'"{schema}"."{table}"', "author_pseudonym", pseudonyms, lake).values())
        if count:
            deleted[f"{schema}.{table}"] = count
    return deleted


def _rebuild_comment_models(settings: Settings, progress: Progress | None) -> None:
    """Everything dbt builds from the comments, again: in the warehouse file, or on Spark, where
    the tables it rebuilds replace those that held the author's rows."""
    if settings.lake is None:
        build_models(settings, "--select", COMMENT_MODELS, progress=progress)
        return
    from socialkpi.build.spark import build_models_on_spark

    build_models_on_spark(settings, "--select", COMMENT_MODELS, progress=progress)


def _replace_rollback_copies(settings: Settings) -> None:
    """The rollback copies (the file, the Parquet folder, the live views) are from before the
    forget: they still hold the comments. Each becomes a link to what was just published (the
    published files are read-only, so they are replaced, never written in place)."""
    for current, previous in (
        (settings.published_marts, settings.previous_marts),
        (settings.published_live, settings.previous_live),
    ):
        previous.unlink(missing_ok=True)
        if current.exists():
            os.link(current, previous)
    remove_tree(settings.previous_parquet)
    if settings.published_parquet.exists():
        shutil.copytree(settings.published_parquet, settings.previous_parquet, copy_function=os.link)
