"""One comment as it is written to raw: pseudonymous, redacted, read. Every platform's resource
builds its rows here, so no platform can write an author id, a name or unredacted text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pipelines.comments.analysis import read_comment
from pipelines.comments.privacy import pseudonym, redact

# Column types declared up front, so a first load with no replies or no likes still creates
# every column dbt's staging selects.
COLUMNS = {
    "comment_id": {"data_type": "text", "nullable": False},
    "channel": {"data_type": "text", "nullable": False},
    "account": {"data_type": "text", "nullable": False},
    "post_id": {"data_type": "text", "nullable": False},
    "parent_comment_id": {"data_type": "text"},
    "author_pseudonym": {"data_type": "text"},  # NULL when the platform names no author
    "author_is_account": {"data_type": "bool"},
    "published_at": {"data_type": "timestamp", "nullable": False},
    "updated_at": {"data_type": "timestamp"},
    "like_count": {"data_type": "bigint"},
    "text_redacted": {"data_type": "text"},
    "language": {"data_type": "text"},
    "sentiment": {"data_type": "text"},
    "sentiment_score": {"data_type": "double"},
    "terms": {"data_type": "json"},
    "hashtags": {"data_type": "json"},
    "fetched_at": {"data_type": "timestamp"},
}


@dataclass(frozen=True)
class Comment:
    """A comment as the platform sent it: the only place raw author ids and text exist, in
    memory, until `to_row` turns it into what may be written."""

    comment_id: str
    post_id: str
    parent_comment_id: str | None
    author_id: str
    published_at: str
    updated_at: str | None
    like_count: int | None
    text: str


def timestamp(value: str | None) -> datetime | None:
    """ISO timestamps as the APIs write them (YouTube `...Z`, Graph `...+0000`) in UTC."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def to_row(comment: Comment, channel: str, account: str, owner_id: str, key: bytes) -> dict:
    text = comment.text or ""
    redacted = redact(text)
    reading = read_comment(text, redacted)
    return {
        "comment_id": comment.comment_id,
        "channel": channel,
        "account": account,
        "post_id": comment.post_id,
        "parent_comment_id": comment.parent_comment_id,
        "author_pseudonym": pseudonym(key, channel, comment.author_id) if comment.author_id else None,
        "author_is_account": bool(comment.author_id) and comment.author_id == owner_id,
        "published_at": timestamp(comment.published_at),
        "updated_at": timestamp(comment.updated_at),
        "like_count": comment.like_count,
        "text_redacted": redacted,
        "language": reading.language,
        "sentiment": reading.sentiment,
        "sentiment_score": reading.sentiment_score,
        "terms": reading.terms,
        "hashtags": reading.hashtags,
        "fetched_at": datetime.now(UTC),
    }


def rows(
    comments, channel: str, account: str, owner_id: str, key: bytes, forgotten: frozenset[str]
) -> list[dict]:
    """Rows to write, leaving out authors someone asked to be forgotten (`socialkpi forget`)."""
    built = (to_row(c, channel, account, owner_id, key) for c in comments)
    return [row for row in built if row["author_pseudonym"] not in forgotten]
