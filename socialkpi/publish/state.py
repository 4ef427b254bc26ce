"""Whether the published copy already holds the current marts, so a refresh with nothing new
publishes nothing: the `publish` run state (pipelines/run_state.py) notes the build it published
and the content hash of every published file (the DuckDB copy, each Parquet file and the live
views' file), so that a rollback, a copy someone put there by hand, or a file edited in place,
even with its time set back, is replaced by the next refresh."""

from __future__ import annotations

import hashlib
import json

from pipelines.settings import Settings
from socialkpi.build.runstate import BUILD, last, record
from socialkpi.publish import postgres

PUBLISH = "publish"


def publish_is_current(settings: Settings) -> bool:
    """The published copy holds the marts of the last build that passed, and is the file that
    publish wrote; and PostgreSQL, when SOCIALKPI_POSTGRES_URL is set, holds the same marts (a
    rollback there, or a database that was down at the last publish, is published again)."""
    passed, published = last(settings, BUILD), last(settings, PUBLISH)
    current = bool(passed and published and published == (passed[0], published_identity(settings)))
    url = postgres.postgres_url()
    return current and (not url or postgres.is_current(settings.published_marts, url))


def record_publish(settings: Settings) -> None:
    passed = last(settings, BUILD)
    if passed:
        record(settings, PUBLISH, passed[0], published_identity(settings))


def published_identity(settings: Settings) -> str:
    """What is published now, by content: the SHA-256 of each published file, by its path under
    the published folder. Not inode, size and time: an edit in place keeps the inode and size,
    and `touch -r` puts the time back. Hashing every file is the whole cost of checking (about
    0.02 s for the demo's 8 MB: tests/test_published_integrity.py); a refresh with nothing new
    pays it instead of a publish."""
    files = [settings.published_marts, settings.published_live]
    if settings.published_parquet.is_dir():
        files += sorted(settings.published_parquet.glob("*.parquet"))
    hashes = {}
    for path in files:
        try:
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except FileNotFoundError:
            continue
        hashes[path.relative_to(settings.published_dir).as_posix()] = digest
    return json.dumps(hashes, sort_keys=True) if hashes else ""
