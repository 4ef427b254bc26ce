"""Which comment sources to read, with which credentials: dlt's config and secrets, so they come
from environment variables or `.dlt/secrets.toml`, never from the repository.

    [comments.youtube]            COMMENTS__YOUTUBE__API_KEY, __CHANNEL_ID, __ACCOUNT, __BASE_URL
    api_key = "..."               (the channel's id, UC...; the account's name in the marts)
    channel_id = "UC..."
    [comments.facebook]           COMMENTS__FACEBOOK__ACCESS_TOKEN, __PAGE_ID, __ACCOUNT, __BASE_URL
    [comments.instagram]          COMMENTS__INSTAGRAM__ACCESS_TOKEN, __USER_ID, __ACCOUNT, __BASE_URL

A platform with no credential is skipped with one line saying what to set.
"""

from __future__ import annotations

from dataclasses import dataclass

import dlt

from pipelines.comments.api import Api

YOUTUBE_URL = "https://www.googleapis.com/youtube/v3"
GRAPH_URL = "https://graph.facebook.com/v21.0"
PLATFORMS = ("youtube", "facebook", "instagram")
# (credential setting, owner id setting, default base URL) per platform.
_SETTINGS = {
    "youtube": ("api_key", "channel_id", YOUTUBE_URL),
    "facebook": ("access_token", "page_id", GRAPH_URL),
    "instagram": ("access_token", "user_id", GRAPH_URL),
}


@dataclass(frozen=True)
class CommentSource:
    """One platform's comments: the API, whose they are (owner_id: the channel, Page or
    Instagram user the account's posts belong to) and the account name used in the marts."""

    channel: str
    account: str
    owner_id: str
    api: Api


@dataclass(frozen=True)
class Skipped:
    channel: str
    reason: str


def configured_sources() -> list[CommentSource | Skipped]:
    """Every platform, configured from dlt's providers (environment, .dlt/secrets.toml)."""
    return [_configured(channel) for channel in PLATFORMS]


def _configured(channel: str) -> CommentSource | Skipped:
    credential_name, owner_name, default_url = _SETTINGS[channel]
    section = f"comments.{channel}"
    credential = dlt.secrets.get(f"{section}.{credential_name}")
    owner_id = dlt.config.get(f"{section}.{owner_name}") or dlt.secrets.get(f"{section}.{owner_name}")
    if not credential or not owner_id:
        env = f"COMMENTS__{channel.upper()}__"
        return Skipped(
            channel,
            f"no credentials (set {env}{credential_name.upper()} and {env}{owner_name.upper()}, "
            f"or [{section}] in .dlt/secrets.toml)",
        )
    account = dlt.config.get(f"{section}.account") or str(owner_id)
    base_url = dlt.config.get(f"{section}.base_url") or default_url
    return source_for(channel, str(account), str(owner_id), str(credential), str(base_url))


def source_for(channel: str, account: str, owner_id: str, credential: str, base_url: str) -> CommentSource:
    """A platform's source from explicit values (the demo and the tests point base_url at a
    local replay server)."""
    if channel == "youtube":
        api = Api("youtube", base_url.rstrip("/"), params={"key": credential})
    else:
        api = Api(channel, base_url.rstrip("/"), headers={"Authorization": f"Bearer {credential}"})
    return CommentSource(channel=channel, account=account.lower(), owner_id=owner_id, api=api)
