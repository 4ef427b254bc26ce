"""The comment sources (real dlt code) against a local server answering in the platforms'
documented shapes: pages, incremental runs, rate limits, errors, credentials and the key."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.comments.load import load_comments
from pipelines.comments.privacy import PseudonymKeyMissing
from pipelines.comments.replay_server import CommentApi, Fault, replay_sources, youtube_quota_exceeded
from socialkpi.demo.comments import demo_dataset
from tests.conftest import SOCIALKPI, TEST_PSEUDONYM_KEY

PAGE = 3  # the server's page size here: every list below spans several pages


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("SOCIALKPI_PSEUDONYM_KEY", TEST_PSEUDONYM_KEY)


@pytest.fixture(scope="module")
def full_dataset() -> dict:
    return demo_dataset()


@pytest.fixture
def dataset(full_dataset) -> dict:
    """A few posts of each platform from the demo: a YouTube thread with more replies than a
    thread embeds, Facebook posts and Instagram media with several pages of comments."""
    data = copy.deepcopy(full_dataset)
    youtube = data["youtube"]
    long_thread = max(youtube["threads"], key=lambda t: len(youtube["replies"][t["id"]]))
    youtube["threads"] = sorted(
        [long_thread, *[t for t in youtube["threads"][:8] if t is not long_thread]],
        key=lambda t: t["snippet"]["topLevelComment"]["snippet"]["publishedAt"],
        reverse=True,
    )
    facebook, instagram = data["facebook"], data["instagram"]
    facebook["posts"] = sorted(facebook["posts"], key=lambda p: -len(facebook["comments"][p["id"]]))[:4]
    instagram["media"] = sorted(instagram["media"], key=lambda m: -len(instagram["comments"][m["id"]]))[:4]
    return data


def expected_rows(data: dict) -> dict[str, int]:
    youtube = data["youtube"]
    instagram = data["instagram"]
    return {
        "youtube": sum(1 + len(youtube["replies"].get(t["id"], [])) for t in youtube["threads"]),
        "facebook": sum(len(data["facebook"]["comments"][p["id"]]) for p in data["facebook"]["posts"]),
        "instagram": sum(m["comments_count"] for m in instagram["media"]),
    }


def load(api: CommentApi, warehouse: Path, channels=("youtube", "facebook", "instagram")):
    sources = [s for s in replay_sources(api) if s.channel in channels]
    return load_comments(warehouse, warehouse.parent / ".dlt_pipelines", sources)


def raw_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            channel: con.execute(f"select count(*) from raw_comments.{channel}").fetchone()[0]
            for channel in ("youtube", "facebook", "instagram")
        }


def test_every_page_is_loaded_once_and_a_second_run_fetches_only_the_new_comments(dataset, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    everything_at_first = expected_rows(dataset)
    with CommentApi(dataset, max_page_size=PAGE) as api:
        first = load(api, warehouse)
        first_requests, api.requests[:] = list(api.requests), []
        _add_one_comment_per_platform(dataset)
        second = load(api, warehouse)

    assert first.failed == []
    assert first.rows_by_channel == everything_at_first
    assert any("pageToken=" in r for r in first_requests if "commentThreads" in r)
    assert any("/youtube/v3/comments?" in r and "pageToken=" in r for r in first_requests), "replies past 5"
    assert any("after=" in r for r in first_requests if r.startswith("/graph/"))

    assert second.rows_by_channel == {"youtube": 1, "facebook": 1, "instagram": 1}
    assert len(api.requests) < len(first_requests) / 2, api.requests
    commented_post = dataset["facebook"]["posts"][-1]["id"]
    paths = {r.split("?")[0] for r in api.requests}
    facebook_comments_read = {p for p in paths if p.endswith("/comments") and "_" in p}  # <page>_<post>
    assert facebook_comments_read == {f"/graph/{commented_post}/comments"}
    assert raw_counts(warehouse) == expected_rows(dataset)


def _add_one_comment_per_platform(data: dict) -> None:
    youtube = data["youtube"]
    newest = copy.deepcopy(youtube["threads"][0])
    newest["id"] = newest["snippet"]["topLevelComment"]["id"] = "UgzNEW"
    newest["snippet"]["topLevelComment"]["snippet"]["publishedAt"] = "2026-01-05T10:00:00Z"
    youtube["threads"].insert(0, newest)
    youtube["replies"]["UgzNEW"] = []
    facebook = data["facebook"]
    post = facebook["posts"][-1]  # an older post gets a new comment: Facebook moves updated_time
    comment = {**copy.deepcopy(facebook["comments"][post["id"]][-1]), "id": "1_NEW"}
    comment["created_time"] = post["updated_time"] = "2026-01-05T10:00:00+0000"
    comment.pop("parent", None)
    facebook["comments"][post["id"]].insert(0, comment)
    instagram = data["instagram"]
    media = instagram["media"][-1]
    reply = {
        **copy.deepcopy(instagram["comments"][media["id"]][-1]),
        "id": "18NEW",
        "timestamp": "2026-01-05T10:00:00+0000",
    }
    reply.pop("replies", None)
    instagram["comments"][media["id"]].insert(0, reply)
    media["comments_count"] += 1


def test_rate_limit_answers_are_waited_out_as_retry_after_says(dataset, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    quota = youtube_quota_exceeded()
    with CommentApi(dataset, max_page_size=PAGE) as api:
        api.faults += [
            Fault(
                "commentThreads",
                429,
                {"error": {"code": 429, "message": "Too many requests"}},
                {"Retry-After": "1"},
            ),
            Fault("commentThreads", 403, quota, {"Retry-After": "1"}),
            Fault(
                "/posts",
                400,
                {"error": {"message": "Application request limit reached", "code": 4}},
                {"Retry-After": "1"},
            ),
        ]
        started = time.monotonic()
        report = load(api, warehouse, channels=("youtube", "facebook"))
        waited = time.monotonic() - started
    assert report.failed == []
    assert api.faults == [], "every rate-limit answer was given, and then retried"
    assert waited >= 3
    expected = expected_rows(dataset)
    assert report.rows_by_channel == {"youtube": expected["youtube"], "facebook": expected["facebook"]}


def test_an_expired_token_stops_that_platform_with_a_clear_reason_and_the_next_run_loads_it(
    dataset, tmp_path
):
    warehouse = tmp_path / "w.duckdb"
    with CommentApi(dataset, max_page_size=PAGE) as api:
        expired = {
            "error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}
        }
        api.faults.append(Fault("/comments", 400, expired))  # after the posts page: a partial extract
        report = load(api, warehouse, channels=("facebook", "instagram"))
        assert [f.channel for f in report.failed] == ["facebook"]
        assert "expired or revoked" in report.failed[0].reason and "190" in report.failed[0].reason
        assert report.rows_by_channel == {"instagram": expected_rows(dataset)["instagram"]}
        assert raw_counts(warehouse)["facebook"] == 0

        again = load(api, warehouse, channels=("facebook",))
    assert again.rows_by_channel == {"facebook": expected_rows(dataset)["facebook"]}, (
        "the cursor did not move"
    )


def test_a_used_up_youtube_quota_is_a_clear_reason(dataset, tmp_path):
    with CommentApi(dataset, max_page_size=PAGE) as api:
        api.faults.append(Fault("commentThreads", 403, youtube_quota_exceeded()))
        report = load(api, tmp_path / "w.duckdb", channels=("youtube",))
    assert len(report.failed) == 1
    assert "quota for today is used up" in report.failed[0].reason


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("COMMENTS__", "SOCIALKPI_"))}
    return subprocess.run(
        [SOCIALKPI, *args], capture_output=True, text=True, env={**base, **env}, timeout=300, check=False
    )


def test_without_credentials_every_platform_is_skipped_with_one_line_and_no_key_is_needed(tmp_path):
    result = _cli("comments", "--warehouse", str(tmp_path / "w.duckdb"), env={})
    assert result.returncode == 0, result.stderr
    skipped = [line for line in result.stdout.splitlines() if "skipped, no credentials" in line]
    assert len(skipped) == 1
    for variable in ("COMMENTS__YOUTUBE__API_KEY", "COMMENTS__FACEBOOK__", "COMMENTS__INSTAGRAM__"):
        assert variable in skipped[0]


def test_credentials_come_from_the_environment_and_without_a_key_nothing_is_fetched(
    dataset, tmp_path, monkeypatch
):
    with CommentApi(dataset, max_page_size=PAGE) as api:
        monkeypatch.setenv("COMMENTS__YOUTUBE__API_KEY", "not-the-right-key")
        monkeypatch.setenv("COMMENTS__YOUTUBE__CHANNEL_ID", dataset["youtube"]["channel_id"])
        monkeypatch.setenv("COMMENTS__YOUTUBE__BASE_URL", api.youtube_url)
        monkeypatch.delenv("SOCIALKPI_PSEUDONYM_KEY")
        with pytest.raises(PseudonymKeyMissing, match=re.escape("secrets.token_hex(32)")):
            load_comments(tmp_path / "w.duckdb", tmp_path / "dlt")
        assert api.requests == [], "nothing is fetched without a key"

        monkeypatch.setenv("SOCIALKPI_PSEUDONYM_KEY", TEST_PSEUDONYM_KEY)
        report = load_comments(tmp_path / "w.duckdb", tmp_path / "dlt")
    assert [s.channel for s in report.skipped] == ["facebook", "instagram"]
    assert [f.channel for f in report.failed] == ["youtube"]
    assert report.failed[0].reason.startswith("YouTube refused the credentials (401")
    assert "not-the-right-key" not in report.failed[0].reason
    assert len(api.requests) == 1 and api.requests[0].startswith("/youtube/v3/commentThreads")
