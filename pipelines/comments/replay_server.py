"""Recorded comment-API answers replayed on 127.0.0.1, in the platforms' documented shapes:
YouTube Data API v3 `commentThreads` and `comments` (pages linked by `nextPageToken`), Graph API
`/{page-id}/posts`, `/{ig-user-id}/media` and `/{id}/comments` (pages linked by
`paging.cursors.after` and an absolute `paging.next`), errors as `{"error": {...}}`.

`socialkpi refresh --comments-from` (the demo's comments) and the tests run the real dlt sources
against it by base URL, so the sources read recorded answers exactly as they read the platforms.
Tests can queue faults (a 429 with Retry-After, a 403 quotaExceeded, an expired token) and read
which requests were made. It lives beside the sources it serves, not in the demo: production code
starts it, and only the CLI's demo command and the bench import the demo generator.

The dataset (what `socialkpi demo` writes as comments.json):
    {"token": "...",
     "youtube":   {"account", "channel_id", "threads": [commentThread], "replies": {thread id: [comment]}},
     "facebook":  {"account", "page_id", "posts": [post], "comments": {post id: [comment]}},
     "instagram": {"account", "user_id", "media": [media], "comments": {media id: [comment]}}}
Lists are kept newest first, as the APIs answer.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

YOUTUBE_PREFIX, GRAPH_PREFIX = "/youtube/v3", "/graph"
EMBEDDED_REPLIES = 5  # a commentThread carries at most five replies; the rest via comments?parentId=


@dataclass
class Fault:
    """An answer to give once, instead of the real one, to the next request whose path holds `path`."""

    path: str
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class CommentApi:
    dataset: dict
    max_page_size: int = 100  # the APIs cap a page (YouTube at 100); tests lower it to get pages
    faults: list[Fault] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # paths with their query, token removed
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def youtube_url(self) -> str:
        return self.url + YOUTUBE_PREFIX

    @property
    def graph_url(self) -> str:
        return self.url + GRAPH_PREFIX

    def __enter__(self) -> CommentApi:
        api = self

        class Handler(_Handler):
            server_api = api

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()


class DemoCommentsMissing(Exception):
    """--comments-from names a folder without the demo's comments."""


def load_dataset(folder: Path) -> dict:
    path = folder / "comments.json"
    if not path.exists():
        raise DemoCommentsMissing(f"no demo comments at {path}: write them with `socialkpi demo`")
    return json.loads(path.read_text())


class _Handler(BaseHTTPRequestHandler):
    server_api: CommentApi

    def log_message(self, *_args) -> None:  # quiet: the tests and the demo read requests instead
        pass

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        token = query.pop("key", None) or self.headers.get("Authorization", "").removeprefix("Bearer ")
        self.server_api.requests.append(f"{url.path}?{urlencode(sorted(query.items()))}")
        fault = next((f for f in self.server_api.faults if f.path in url.path), None)
        if fault:
            self.server_api.faults.remove(fault)
            return self._send(fault.status, fault.body, fault.headers)
        youtube = url.path.startswith(YOUTUBE_PREFIX)
        if token != self.server_api.dataset["token"]:
            return self._send(*(_youtube_unauthorised() if youtube else _graph_expired()))
        if "maxResults" in query or "limit" in query:
            size = int(query.get("maxResults") or query.get("limit"))
            query["maxResults" if "maxResults" in query else "limit"] = str(
                min(size, self.server_api.max_page_size)
            )
        if youtube:
            return self._send(200, _youtube(self.server_api.dataset["youtube"], url.path, query))
        path = url.path.removeprefix(GRAPH_PREFIX + "/")
        base = f"http://{self.headers['Host']}{GRAPH_PREFIX}/{path}"
        return self._send(*_graph(self.server_api.dataset, path, query, base))

    def _send(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _page(items: list, query: dict, cursor_name: str) -> tuple[list, int | None]:
    size = int(query.get("maxResults") or query.get("limit") or 20)
    start = int(query.get(cursor_name) or 0)
    end = start + size
    return items[start:end], end if end < len(items) else None


# ---------------------------------------------------------------------------- YouTube


def _youtube(data: dict, path: str, query: dict) -> dict:
    if path.endswith("/commentThreads"):
        items, after = _page(data["threads"], query, "pageToken")
        kind = "youtube#commentThreadListResponse"
        items = [_with_embedded_replies(t, data["replies"]) for t in items]
    else:
        items, after = _page(data["replies"].get(query["parentId"], []), query, "pageToken")
        kind = "youtube#commentListResponse"
    body = {
        "kind": kind,
        "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
        "items": items,
    }
    if after is not None:
        body["nextPageToken"] = str(after)
    return body


def _with_embedded_replies(thread: dict, replies: dict) -> dict:
    thread_replies = replies.get(thread["id"], [])
    thread = {**thread, "snippet": {**thread["snippet"], "totalReplyCount": len(thread_replies)}}
    if thread_replies:
        thread["replies"] = {"comments": thread_replies[:EMBEDDED_REPLIES]}
    return thread


def _youtube_unauthorised() -> tuple[int, dict]:
    reason = {"message": "Invalid Credentials", "domain": "global", "reason": "authError"}
    return 401, {
        "error": {
            "code": 401,
            "message": "Request had invalid authentication credentials.",
            "errors": [reason],
        }
    }


def youtube_quota_exceeded() -> dict:
    message = "The request cannot be completed because you have exceeded your quota."
    reason = {"message": message, "domain": "youtube.quota", "reason": "quotaExceeded"}
    return {"error": {"code": 403, "message": message, "errors": [reason]}}


# ---------------------------------------------------------------------------- Graph API


def _graph(dataset: dict, path: str, query: dict, base: str) -> tuple[int, dict]:
    owner, edge = path.rsplit("/", 1) if "/" in path else (path, "")
    facebook, instagram = dataset["facebook"], dataset["instagram"]
    if edge == "posts" and owner == facebook["page_id"]:
        items = facebook["posts"]
    elif edge == "media" and owner == instagram["user_id"]:
        items = instagram["media"]
    elif edge == "comments" and owner in facebook["comments"]:
        items = facebook["comments"][owner]
    elif edge == "comments" and owner in instagram["comments"]:
        items = instagram["comments"][owner]
    else:
        message = f"Unsupported get request. Object with ID '{owner}' does not exist"
        return 400, {"error": {"message": message, "type": "GraphMethodException", "code": 100}}
    page, after = _page(items, query, "after")
    body = {
        "data": page,
        "paging": {"cursors": {"before": query.get("after") or "0", "after": str(after or "")}},
    }
    if after is not None:
        body["paging"]["next"] = f"{base}?{urlencode({**query, 'after': after})}"
    return 200, body


def _graph_expired() -> tuple[int, dict]:
    message = "Error validating access token: Session has expired on Tuesday, 01-Jul-25 10:00:00 PDT."
    return 400, {"error": {"message": message, "type": "OAuthException", "code": 190, "error_subcode": 463}}


def replay_sources(api: CommentApi) -> list:
    """The three comment sources, pointed at this server with the dataset's token."""
    from pipelines.comments.config import source_for

    data = api.dataset
    # Each platform's id field in the dataset, and where its API answers.
    endpoints = {
        "youtube": ("channel_id", api.youtube_url),
        "facebook": ("page_id", api.graph_url),
        "instagram": ("user_id", api.graph_url),
    }
    return [
        source_for(platform, data[platform]["account"], data[platform][id_field], data["token"], url)
        for platform, (id_field, url) in endpoints.items()
    ]
