"""X/Twitter export shapes (docs/formats.md section 1), declared as data.

Generations:
- A (2014 to Nov 2015) and B (Nov 2015 to about 2023): analytics.twitter.com per-tweet and per-day
  exports; A says "favorites" where B says "likes".
- C (2024 onward): x.com "Content" (per post) and "Account overview" (per day) exports.

French headers: the X interface in French translates the headers. Only part of the French row has
been seen in the wild (`Identifiant du Tweet`, `Permalien du Tweet`, `Texte du Tweet`, `heure`,
`Retweets`, `réponses`, `J'aime`); the rest follows the interface's wording and is matched
case- and accent-exactly after normalisation. A French file whose header we do not know is
reported as unrecognised with its header, so the alias can be added here.
"""

from __future__ import annotations

import re

from pipelines.formats.spec import COUNT, ID, RATE, TEXT, TIMESTAMP, Column, ExportFormat

# X writes `-` in every promoted column of an account that bought no ads.
NULL_TOKENS = frozenset({"", "-"})

# Per-tweet timestamps of generations A/B, and the date-only styles of generation C.
TWEET_TIME = "%Y-%m-%d %H:%M %z"
DAY_ISO = "%Y-%m-%d"
DAY_X_CONTENT = "%a %b %d %Y"  # Thu Mar 20 2025
DAY_X_OVERVIEW = "%a, %b %d, %Y"  # Fri, Mar 21, 2025 / Sun, Mar 9, 2025

# The metric block shared by the per-tweet and per-day exports of generations A and B, in export
# order: (canonical, English header, French header, kind).
_GEN_AB_METRICS: tuple[tuple[str, str, str, str], ...] = (
    ("impressions", "impressions", "impressions", COUNT),
    ("engagements", "engagements", "engagements", COUNT),
    ("engagement_rate", "engagement rate", "taux d'engagement", RATE),
    ("retweets", "retweets", "retweets", COUNT),
    ("replies", "replies", "réponses", COUNT),
    ("likes", "likes", "j'aime", COUNT),
    ("profile_clicks", "user profile clicks", "clics sur le profil de l'utilisateur", COUNT),
    ("url_clicks", "url clicks", "clics sur l'url", COUNT),
    ("hashtag_clicks", "hashtag clicks", "clics sur le hashtag", COUNT),
    ("detail_expands", "detail expands", "ouvertures des détails", COUNT),
    ("permalink_clicks", "permalink clicks", "clics sur le permalien", COUNT),
    ("app_opens", "app opens", "ouvertures d'application", COUNT),
    ("app_installs", "app installs", "installations d'application", COUNT),
    ("follows", "follows", "abonnements", COUNT),
    ("email_tweet", "email tweet", "envoyer le tweet par e-mail", COUNT),
    ("dial_phone", "dial phone", "composer le numéro", COUNT),
    ("media_views", "media views", "vues des médias", COUNT),
    ("media_engagements", "media engagements", "engagements avec les médias", COUNT),
)
_GEN_A_RENAMES = {"likes": ("favorites", "favoris")}


def _metric_block(generation: str) -> tuple[Column, ...]:
    """The organic and promoted metric columns of generation A or B."""
    required = {"impressions", "engagements", "retweets", "replies", "likes"}
    columns: list[Column] = []
    for canonical, en, fr, kind in _GEN_AB_METRICS:
        if generation == "A" and canonical in _GEN_A_RENAMES:
            en, fr = _GEN_A_RENAMES[canonical]
        columns.append(Column(canonical, en=(en,), fr=(fr,), kind=kind, required=canonical in required))
    for canonical, en, fr, kind in _GEN_AB_METRICS:
        if generation == "A" and canonical in _GEN_A_RENAMES:
            en, fr = _GEN_A_RENAMES[canonical]
        columns.append(
            Column(f"promoted_{canonical}", en=(f"promoted {en}",), fr=(f"{fr} sponsorisés",), kind=kind)
        )
    return tuple(columns)


def _tweet_activity(generation: str) -> ExportFormat:
    return ExportFormat(
        name=f"twitter.tweet_activity.gen_{generation.lower()}",
        channel="twitter",
        table="tweets",
        description=f"Twitter Analytics per-tweet export, generation {generation}",
        identify=frozenset({"post_id", "post_url", "posted_at"}),
        columns=(
            Column("post_id", en=("Tweet id",), fr=("Identifiant du Tweet",), kind=ID, required=True),
            Column("post_url", en=("Tweet permalink",), fr=("Permalien du Tweet",)),
            Column("text", en=("Tweet text",), fr=("Texte du Tweet",), kind=TEXT),
            Column("posted_at", en=("time",), fr=("heure",), kind=TIMESTAMP, required=True),
            *_metric_block(generation),
        ),
        null_tokens=NULL_TOKENS,
        bom="",  # no BOM in any real X export, generation B or C
        timestamp_styles=(TWEET_TIME,),
        file_name_pattern=re.compile(
            r"tweet_activity_metrics_(?P<account>.+?)_(?P<window_start>\d{8})_(?P<window_end>\d{8})"
            r"(?:_(?P<language>[a-z]{2}))?"
        ),
    )


def _daily_activity(generation: str) -> ExportFormat:
    return ExportFormat(
        name=f"twitter.daily_activity.gen_{generation.lower()}",
        channel="twitter",
        table="account_daily",
        description=f"Twitter Analytics per-day export, generation {generation}",
        identify=frozenset({"date", "posts_published", "impressions"}),
        columns=(
            Column("date", en=("Date",), fr=("Date",), kind=TIMESTAMP, required=True),
            Column("posts_published", en=("Tweets published",), fr=("Tweets publiés",), kind=COUNT),
            *_metric_block(generation),
        ),
        null_tokens=NULL_TOKENS,
        bom="",
        timestamp_styles=(DAY_ISO,),
        file_name_pattern=re.compile(
            r"daily_tweet_activity_metrics_(?P<account>.+?)_(?P<window_start>\d{8})"
            r"_(?P<window_end>\d{8})(?:_(?P<language>[a-z]{2}))?"
        ),
    )


# Generation C names changed between exports (`Link`/`Post Link`, `Share`/`Shares`) and change
# capitalisation; both spellings are declared, matching is case-insensitive.
X_CONTENT = ExportFormat(
    name="twitter.x_content",
    channel="twitter",
    table="tweets",
    description="X Premium analytics 'Content' export (generation C), one row per post",
    identify=frozenset({"post_id", "posted_at", "text"}),
    columns=(
        Column("post_id", en=("Post id",), fr=("Identifiant du post",), kind=ID, required=True),
        Column("posted_at", en=("Date",), fr=("Date",), kind=TIMESTAMP, required=True),
        Column("text", en=("Post text",), fr=("Texte du post",)),
        Column("post_url", en=("Link", "Post Link"), fr=("Lien", "Lien du post")),
        Column("impressions", en=("Impressions",), fr=("Impressions",), kind=COUNT, required=True),
        Column("likes", en=("Likes",), fr=("J'aime",), kind=COUNT, required=True),
        Column("engagements", en=("Engagements",), fr=("Engagements",), kind=COUNT, required=True),
        Column("bookmarks", en=("Bookmarks",), fr=("Signets",), kind=COUNT),
        Column("shares", en=("Share", "Shares"), fr=("Partages",), kind=COUNT),
        Column("follows", en=("New follows",), fr=("Nouveaux abonnements",), kind=COUNT),
        Column("replies", en=("Replies",), fr=("Réponses",), kind=COUNT),
        Column("retweets", en=("Reposts",), fr=("Reposts",), kind=COUNT),
        Column("profile_clicks", en=("Profile visits",), fr=("Visites du profil",), kind=COUNT),
        Column("detail_expands", en=("Detail expands",), fr=("Ouvertures des détails",), kind=COUNT),
        Column("url_clicks", en=("Url clicks",), fr=("Clics sur l'URL",), kind=COUNT),
        Column("hashtag_clicks", en=("Hashtag clicks",), fr=("Clics sur le hashtag",), kind=COUNT),
        Column("permalink_clicks", en=("Permalink clicks",), fr=("Clics sur le permalien",), kind=COUNT),
    ),
    null_tokens=NULL_TOKENS,
    bom="",
    timestamp_styles=(DAY_X_CONTENT, DAY_X_OVERVIEW),
    # The window is written with dashes (2026-04-19) or without (20241114) depending on the export.
    file_name_pattern=re.compile(
        r"account_analytics_content_(?P<window_start>\d{4}-?\d{2}-?\d{2})_(?P<window_end>\d{4}-?\d{2}-?\d{2})"
    ),
)

X_ACCOUNT_OVERVIEW = ExportFormat(
    name="twitter.x_account_overview",
    channel="twitter",
    table="account_daily",
    description="X Premium analytics 'Account overview' export (generation C), one row per day",
    identify=frozenset({"date", "impressions", "bookmarks", "unfollows"}),
    columns=(
        Column("date", en=("Date",), fr=("Date",), kind=TIMESTAMP, required=True),
        Column("impressions", en=("Impressions",), fr=("Impressions",), kind=COUNT, required=True),
        Column("likes", en=("Likes",), fr=("J'aime",), kind=COUNT),
        Column("engagements", en=("Engagements",), fr=("Engagements",), kind=COUNT, required=True),
        Column("bookmarks", en=("Bookmarks",), fr=("Signets",), kind=COUNT),
        Column("shares", en=("Shares", "Share"), fr=("Partages",), kind=COUNT),
        Column("follows", en=("New follows",), fr=("Nouveaux abonnements",), kind=COUNT),
        Column("unfollows", en=("Unfollows",), fr=("Désabonnements",), kind=COUNT),
        Column("replies", en=("Replies",), fr=("Réponses",), kind=COUNT),
        Column("retweets", en=("Reposts",), fr=("Reposts",), kind=COUNT),
        Column("profile_clicks", en=("Profile visits",), fr=("Visites du profil",), kind=COUNT),
        Column("posts_published", en=("Create Post",), fr=("Créer un post",), kind=COUNT),
        Column("video_views", en=("Video views",), fr=("Vues des vidéos",), kind=COUNT),
        Column("media_views", en=("Media views",), fr=("Vues des médias",), kind=COUNT),
    ),
    null_tokens=NULL_TOKENS,
    bom="",
    timestamp_styles=(DAY_X_OVERVIEW, DAY_X_CONTENT),
    # X puts no account and no window in this file name; browsers add " (1)" on repeat downloads.
    file_name_pattern=None,
)

FORMATS: tuple[ExportFormat, ...] = (
    _tweet_activity("B"),
    _tweet_activity("A"),
    _daily_activity("B"),
    _daily_activity("A"),
    X_CONTENT,
    X_ACCOUNT_OVERVIEW,
)
