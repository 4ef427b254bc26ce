"""YouTube Data API v3: every comment thread of the channel's videos (`commentThreads` with
`allThreadsRelatedToChannelId`, newest first), their replies (`comments?parentId=` when the thread
holds more than the five it embeds), paged by `nextPageToken`.

Incremental by publish time: a run stops paging once threads are older than the last comment
loaded minus REPLY_WINDOW, so replies posted since under recent threads are found too; dlt's
incremental cursor then keeps only comments newer than what was loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import dlt
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from pipelines.comments.config import CommentSource
from pipelines.comments.rows import COLUMNS, Comment, rows, timestamp

REPLY_WINDOW = timedelta(days=7)
PAGE_SIZE = 100


def _paginator() -> JSONResponseCursorPaginator:
    return JSONResponseCursorPaginator(cursor_path="nextPageToken", cursor_param="pageToken")


def _comment(resource: dict, video_id: str, parent_id: str | None) -> Comment:
    snippet = resource.get("snippet", {})
    # authorDisplayName, authorProfileImageUrl and authorChannelUrl are never read.
    return Comment(
        comment_id=resource["id"],
        post_id=video_id,
        parent_comment_id=parent_id,
        author_id=(snippet.get("authorChannelId") or {}).get("value", ""),
        published_at=snippet["publishedAt"],
        updated_at=snippet.get("updatedAt"),
        like_count=snippet.get("likeCount"),
        text=snippet.get("textOriginal") or snippet.get("textDisplay") or "",
    )


def _thread_comments(source: CommentSource, thread: dict) -> Iterator[Comment]:
    snippet = thread["snippet"]
    top = snippet["topLevelComment"]
    video_id = snippet.get("videoId") or top["snippet"].get("videoId", "")
    yield _comment(top, video_id, None)
    embedded = thread.get("replies", {}).get("comments", [])
    if snippet.get("totalReplyCount", 0) > len(embedded):
        params = {
            "part": "snippet",
            "parentId": top["id"],
            "maxResults": PAGE_SIZE,
            "textFormat": "plainText",
        }
        embedded = (r for page in source.api.pages("comments", params, _paginator(), "items") for r in page)
    for reply in embedded:
        yield _comment(reply, video_id, top["id"])


def _stop_after(page: list[dict], since: datetime | None) -> bool:
    """True once the page reached threads older than what the last run loaded (minus the window)."""
    if since is None or not page:
        return False
    oldest = min(timestamp(t["snippet"]["topLevelComment"]["snippet"]["publishedAt"]) for t in page)
    return oldest < since - REPLY_WINDOW


def youtube_comments(source: CommentSource, key: bytes, forgotten: frozenset[str]):
    @dlt.resource(name="youtube", primary_key="comment_id", write_disposition="merge", columns=COLUMNS)
    def comments(published_at=dlt.sources.incremental("published_at")):
        since = published_at.start_value
        params = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": source.owner_id,
            "maxResults": PAGE_SIZE,
            "order": "time",
            "textFormat": "plainText",
        }
        for page in source.api.pages("commentThreads", params, _paginator(), "items"):
            found = (c for thread in page for c in _thread_comments(source, thread))
            yield rows(found, "youtube", source.account, source.owner_id, key, forgotten)
            if _stop_after(page, since):
                return

    return comments
