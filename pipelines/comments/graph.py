"""Facebook and Instagram comments from the Graph API, paged by `paging.next`.

Facebook: the Page's posts (`/{page-id}/posts`) with `updated_time`, which Facebook moves when
someone comments; only posts updated since the last loaded comment are read again, their comments
(`/{post-id}/comments`, `filter=stream` so replies come too, newest first) until the last loaded
one. Only `from{id}` is asked for: names never leave Facebook.

Instagram: the account's media (`/{ig-user-id}/media`) with `comments_count`; a media whose count
changed since the last run (kept in the resource's dlt state) has its comments read again
(`/{media-id}/comments` with their `replies`). Instagram comments carry `username` (a handle):
not asked for, and dropped if sent.

Both are incremental by creation time (dlt's cursor): comments already loaded are not written again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import dlt
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator

from pipelines.comments.config import CommentSource
from pipelines.comments.rows import COLUMNS, Comment, rows, timestamp

PAGE_SIZE = 100
FACEBOOK_FIELDS = "id,message,created_time,from{id},parent{id},like_count"
INSTAGRAM_FIELDS = "id,text,timestamp,like_count,from{id},replies{id,text,timestamp,like_count,from{id}}"


def _paginator() -> JSONLinkPaginator:
    return JSONLinkPaginator(next_url_path="paging.next")


def _items(source: CommentSource, path: str, params: dict) -> Iterator[list[dict]]:
    yield from source.api.pages(path, {"limit": PAGE_SIZE, **params}, _paginator(), "data")


def _business_suite_post_id(graph_id: str) -> str:
    """Graph post ids are `<page id>_<post id>`; Business Suite exports (and so the posts marts)
    write the post id alone."""
    return graph_id.rsplit("_", 1)[-1]


def _facebook_comment(item: dict, post_id: str) -> Comment:
    return Comment(
        comment_id=item["id"],
        post_id=post_id,
        parent_comment_id=(item.get("parent") or {}).get("id"),
        author_id=(item.get("from") or {}).get("id", ""),
        published_at=item["created_time"],
        updated_at=None,
        like_count=item.get("like_count"),
        text=item.get("message") or "",
    )


def _changed_posts(source: CommentSource, since: datetime | None) -> Iterator[str]:
    params = {"fields": "id,created_time,updated_time"}
    for page in _items(source, f"{source.owner_id}/posts", params):
        for post in page:
            if since is None or timestamp(post.get("updated_time") or post["created_time"]) > since:
                yield post["id"]


def facebook_comments(source: CommentSource, key: bytes, forgotten: frozenset[str]):
    @dlt.resource(name="facebook", primary_key="comment_id", write_disposition="merge", columns=COLUMNS)
    def comments(published_at=dlt.sources.incremental("published_at")):
        since = published_at.start_value
        for graph_id in _changed_posts(source, since):
            post_id = _business_suite_post_id(graph_id)
            params = {"fields": FACEBOOK_FIELDS, "filter": "stream", "order": "reverse_chronological"}
            for page in _items(source, f"{graph_id}/comments", params):
                found = [_facebook_comment(item, post_id) for item in page]
                yield rows(found, "facebook", source.account, source.owner_id, key, forgotten)
                if since and found and min(timestamp(c.published_at) for c in found) <= since:
                    break

    return comments


def _instagram_comment(item: dict, media_id: str, parent_id: str | None) -> Comment:
    return Comment(
        comment_id=item["id"],
        post_id=media_id,
        parent_comment_id=parent_id,
        author_id=(item.get("from") or {}).get("id", ""),
        published_at=item["timestamp"],
        updated_at=None,
        like_count=item.get("like_count"),
        text=item.get("text") or "",
    )


def _with_replies(item: dict, media_id: str) -> Iterator[Comment]:
    yield _instagram_comment(item, media_id, None)
    for reply in (item.get("replies") or {}).get("data", []):
        yield _instagram_comment(reply, media_id, item["id"])


def instagram_comments(source: CommentSource, key: bytes, forgotten: frozenset[str]):
    @dlt.resource(name="instagram", primary_key="comment_id", write_disposition="merge", columns=COLUMNS)
    def comments(published_at=dlt.sources.incremental("published_at")):
        counts = dlt.current.resource_state().setdefault("comments_count", {})
        params = {"fields": "id,timestamp,comments_count"}
        for page in _items(source, f"{source.owner_id}/media", params):
            for media in page:
                if counts.get(media["id"]) == media.get("comments_count", 0):
                    continue
                for comments_page in _items(source, f"{media['id']}/comments", {"fields": INSTAGRAM_FIELDS}):
                    found = [c for item in comments_page for c in _with_replies(item, media["id"])]
                    yield rows(found, "instagram", source.account, source.owner_id, key, forgotten)
                counts[media["id"]] = media.get("comments_count", 0)

    return comments
