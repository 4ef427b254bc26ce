"""Meta Business Suite export shapes: Facebook Page posts, Instagram posts and stories, and the
daily series both share (docs/formats.md sections 2 and 3), declared as data.

Evidence: the Facebook posts export (Views generation) and the daily series `Follows.csv` are
real files (samples/facebook). The Impressions generation of the posts export, every Instagram
header and all French spellings are third-party descriptions: matched by name through aliases, and
a file that matches no declaration is reported with its header so the alias can be added.
"""

from __future__ import annotations

import re

from pipelines.formats.spec import COUNT, ID, RATE, TEXT, TIMESTAMP, Column, ErrorRows, ExportFormat

# Meta writes `undefined` (a JavaScript artefact) in chart exports and `N/A` in enumerations.
NULL_TOKENS = frozenset({"", "-", "N/A", "undefined"})
PUBLISH_TIME = "%m/%d/%Y %H:%M"  # 09/01/2025 21:13, local time of the Page; month first, always
SERIES_DAY = "%Y-%m-%dT%H:%M:%S"  # 2025-09-20T00:00:00
# <Mon>-<DD>-<YYYY>_<Mon>-<DD>-<YYYY>_<export id>.csv
WINDOW_IN_NAME = re.compile(
    r"(?P<window_start>[A-Z][a-z]{2}-\d{2}-\d{4})_(?P<window_end>[A-Z][a-z]{2}-\d{2}-\d{4})"
)


def _c(
    canonical: str, en: str | tuple[str, ...], fr: str | tuple[str, ...] = (), kind: str = COUNT, **kw
) -> Column:
    as_tuple = lambda v: (v,) if isinstance(v, str) else v  # noqa: E731
    return Column(canonical, en=as_tuple(en), fr=as_tuple(fr), kind=kind, **kw)


# Where Meta failed to compute a post's metrics it writes a row of its own instead: empty Post
# ID, Page and Publish time, `Lifetime`, one number, and this note (real: MH4U's posts export of
# 2023-12 .. 2024-03, 3 of 44 rows). Not a post: dropped, and counted in the ledger.
ERROR_ROWS = ErrorRows(
    empty_column="post_id",
    note_column="data_comment",
    note_pattern=re.compile(
        r"^\s*An error occurred while computing metadata for content with ID (?P<content_id>\d+)",
        re.IGNORECASE,
    ),
    what="Meta error rows, not posts",
    what_one="a Meta error row, not a post",
)

# Columns every Meta post-level export shares (Facebook and Instagram).
_POST_COMMON = (
    _c("post_id", "Post ID", "ID de la publication", kind=ID, required=True),
    _c("description", "Description", "Description", kind=TEXT),
    _c("duration_seconds", "Duration (sec)", "Durée (s)"),
    _c("posted_at", "Publish time", "Heure de publication", kind=TIMESTAMP, required=True),
    _c("post_url", "Permalink", "Permalien", kind=TEXT),
    _c("post_type", "Post type", "Type de publication", kind=TEXT),
    _c("data_comment", "Data comment", "Commentaire sur les données", kind=TEXT),
    # "Lifetime" on every row: the reporting window, not a date.
    _c("reporting_period", "Date", "Date", kind=TEXT),
    _c("views", "Views", "Vues"),
    _c("impressions", "Impressions", "Impressions"),
    _c("reach", "Reach", "Couverture", required=True),
    _c("shares", "Shares", "Partages"),
    _c("comments", "Comments", "Commentaires"),
)

FACEBOOK_POSTS = ExportFormat(
    name="facebook.posts",
    channel="facebook",
    table="posts",
    description="Meta Business Suite Facebook posts export",
    identify=frozenset({"post_id", "page_id", "page_name"}),
    account_column="page_name",
    columns=(
        *_POST_COMMON,
        _c("page_id", "Page ID", "ID de la Page", kind=ID),
        _c("page_name", "Page name", "Nom de la Page", kind=TEXT),
        _c("title", "Title", "Titre", kind=TEXT),
        _c("caption_type", "Caption type", "Type de sous-titres", kind=TEXT),
        _c("is_crosspost", "Is crosspost", "Est une publication croisée"),
        _c("is_share", "Is share", "Est un partage"),
        _c("languages", "Languages", "Langues", kind=TEXT),
        _c("custom_labels", "Custom labels", "Libellés personnalisés", kind=TEXT),
        _c("funded_content_status", "Funded content status", "Statut du contenu financé", kind=TEXT),
        _c("views_organic", "Views from Organic posts", "Vues des publications organiques"),
        _c("views_boosted", "Views from Boosted posts", "Vues des publications boostées"),
        _c("reach_organic", "Reach from Organic posts", "Couverture des publications organiques"),
        _c("reach_boosted", "Reach from Boosted posts", "Couverture des publications boostées"),
        _c("video_views_3s", "3-second video views", "Vues de vidéo de 3 secondes"),
        _c("video_views_1min", "1-minute video views", "Vues de vidéo de 1 minute"),
        _c("viewers_3s", "3-Second viewers", "Spectateurs de 3 secondes"),
        _c("viewers_1min", "1-minute viewers", "Spectateurs de 1 minute"),
        _c("video_views_3s_boosted", "3-second video views from Boosted posts"),
        _c("video_views_3s_organic", "3-second video views from Organic posts"),
        _c("interactions", "Reactions, Comments and Shares", "Réactions, commentaires et partages"),
        _c("reactions", "Reactions", "Réactions", required=True),
        _c("seconds_viewed", "Seconds viewed", "Secondes visionnées", kind=RATE),
        _c("average_seconds_viewed", "Average Seconds viewed", "Secondes visionnées en moyenne", kind=RATE),
        # The Impressions generation (to early 2025) adds clicks.
        _c("total_clicks", "Total clicks", "Total des clics"),
        _c("link_clicks", "Link Clicks", "Clics sur un lien"),
        _c("other_clicks", "Other Clicks", "Autres clics"),
        _c("negative_feedback_hide_all", "Negative feedback from users: Hide all"),
        _c("negative_feedback_hide", "Negative feedback from users: Hide"),
    ),
    null_tokens=NULL_TOKENS,
    bom="utf-8",  # UTF-8 with BOM, every real posts export
    timestamp_styles=(PUBLISH_TIME,),
    file_name_pattern=WINDOW_IN_NAME,
    error_rows=ERROR_ROWS,
)

_INSTAGRAM_COMMON = (
    *_POST_COMMON,
    _c("account_id", "Account ID", "ID du compte", kind=ID),
    _c("account_username", "Account username", "Nom d'utilisateur du compte", kind=TEXT),
    _c("account_name", "Account name", "Nom du compte", kind=TEXT),
    _c("likes", "Likes", "J'aime"),
    _c("follows", "Follows", "Abonnements"),
    _c("saves", "Saves", "Enregistrements"),
    _c("plays", "Plays", "Lectures"),
)

INSTAGRAM_POSTS = ExportFormat(
    name="instagram.posts",
    channel="instagram",
    table="media",
    description="Meta Business Suite Instagram posts export",
    identify=frozenset({"post_id", "account_id", "account_username"}),
    account_column="account_username",
    columns=_INSTAGRAM_COMMON,
    null_tokens=NULL_TOKENS,
    bom="utf-8",
    timestamp_styles=(PUBLISH_TIME,),
    file_name_pattern=WINDOW_IN_NAME,
    error_rows=ERROR_ROWS,
)

# Stories share the posts shape plus story navigation columns; rows whose `Post type` is
# `IG story`, or that come from this shape, are stories.
INSTAGRAM_STORIES = ExportFormat(
    name="instagram.stories",
    channel="instagram",
    table="media",
    description="Meta Business Suite Instagram stories export",
    identify=frozenset({"post_id", "account_id", "account_username", "sticker_taps"}),
    account_column="account_username",
    columns=(
        *_INSTAGRAM_COMMON,
        _c("replies", "Replies", "Réponses"),
        _c("navigation", "Navigation", "Navigation"),
        _c("profile_visits", "Profile visits", "Visites du profil"),
        _c("link_clicks", "Link clicks", "Clics sur le lien"),
        _c("sticker_taps", "Sticker taps", "Appuis sur les stickers"),
    ),
    null_tokens=NULL_TOKENS,
    bom="utf-8",
    timestamp_styles=(PUBLISH_TIME,),
    file_name_pattern=WINDOW_IN_NAME,
    error_rows=ERROR_ROWS,
)

# `sep=,` line, a one-cell title naming the metric ("Facebook follows"), then Date, Primary.
# UTF-16LE with BOM. The title says which metric and which platform (dbt seed
# meta_daily_series_titles maps it); the file name (`Follows (1).csv`) says neither.
# One file may stack two series, each with its title and header, after an empty line (MH4U's
# Visits.csv: Facebook visits, then Instagram profile visits). The 2023 generation writes the
# metric in the header (`"Date","Facebook reach"`) where newer files say `Primary`.
META_DAILY_SERIES = ExportFormat(
    name="meta.daily_series",
    channel="meta",
    table="daily_series",
    description="Meta Business Suite daily series (Follows.csv, Views.csv, ...)",
    identify=frozenset({"date", "value"}),
    title_column="series_title",
    stacked_blocks=True,
    metric_named_column="value",
    # The platform's name, then the metric (`Facebook reach`, `Instagram reach`).
    metric_names=re.compile(r"^(Facebook|Instagram) \w", re.IGNORECASE),
    columns=(
        _c("date", "Date", "Date", kind=TIMESTAMP, required=True),
        _c("value", "Primary", "Principal", required=True),
        _c("series_title", (), kind=TEXT),
    ),
    null_tokens=NULL_TOKENS,
    bom="utf-16-le",  # UTF-16LE with BOM, every real series
    timestamp_styles=(SERIES_DAY,),
)

# Legacy Facebook Insights "Post data" export (retired; archives remain): two header rows (the
# second describes each column), duplicate names told apart by position (`_2`), and `Posted` on a
# 12-hour clock. As CSV, or as an `.xls` that is SpreadsheetML XML (sheet `Key Metrics`).
LEGACY_POSTED = "%m/%d/%Y %I:%M:%S %p"  # 01/19/2017 09:03:47 AM
LEGACY_POSTED_XML = "%Y-%m-%dT%H:%M:%S"  # a SpreadsheetML DateTime cell
FACEBOOK_INSIGHTS_POSTS = ExportFormat(
    name="facebook.insights_posts",
    channel="facebook",
    table="insights_posts",
    description="legacy Facebook Insights post data export",
    identify=frozenset({"post_id", "post_url", "description", "post_type", "posted_at"}),
    description_rows=1,
    sheet_names=frozenset({"Key Metrics"}),
    columns=(
        _c("post_id", "Post ID", kind=ID, required=True),
        _c("post_url", "Permalink", kind=TEXT),
        _c("description", "Post Message", kind=TEXT),
        _c("post_type", "Type", kind=TEXT),
        _c("countries", "Countries", kind=TEXT),
        _c("languages", "Languages", kind=TEXT),
        _c("posted_at", "Posted", kind=TIMESTAMP, required=True),
        _c("audience_targeting", "Audience Targeting", kind=TEXT),
        _c("reach", "Lifetime Post Total Reach", required=True),
        _c("reach_organic", "Lifetime Post organic reach"),
        _c("reach_paid", "Lifetime Post Paid Reach"),
        _c("impressions", "Lifetime Post Total Impressions"),
        _c("impressions_organic", "Lifetime Post Organic Impressions"),
        _c("impressions_paid", "Lifetime Post Paid Impressions"),
        _c("engaged_users", "Lifetime Engaged Users"),
        _c("consumers", "Lifetime Post Consumers"),
        _c("consumptions", "Lifetime Post Consumptions"),
        _c("reactions", "Lifetime Talking About This (Post) by action type - like"),
        _c("comments", "Lifetime Talking About This (Post) by action type - comment"),
        _c("shares", "Lifetime Talking About This (Post) by action type - share"),
        _c("link_clicks", "Lifetime Post consumers by type - link clicks"),
    ),
    null_tokens=NULL_TOKENS,
    timestamp_styles=(LEGACY_POSTED, LEGACY_POSTED_XML),
    file_name_pattern=re.compile(
        r"Facebook Insights Data Export \(Post Level\) - (?P<account>.+) - (?P<window_end>\d{4}-\d{2}-\d{2})"
    ),
)

# Chart exports of Meta Business Suite (`Viewers.csv`, `FollowerHistory.csv`): dates written
# without a year ("August 19"). Staging infers the year from the download date (the last such
# date not after it) and says so in a column; it never guesses from the day alone.
CHART_DAY = "%B %d"
META_CHART_VIEWERS = ExportFormat(
    name="facebook.chart_viewers",
    channel="facebook",
    table="chart_daily",
    description="Meta Business Suite chart export Viewers.csv",
    identify=frozenset({"chart_day", "total_viewers"}),
    columns=(
        _c("chart_day", "Date", "Date", kind=TIMESTAMP, required=True),
        _c("total_viewers", "Total Viewers", "Total des spectateurs", required=True),
        _c("new_viewers", "New Viewers", "Nouveaux spectateurs"),
        _c("returning_viewers", "Returning Viewers", "Spectateurs connus"),
    ),
    null_tokens=NULL_TOKENS,
    bom="utf-8",  # docs/formats.md §2.3: UTF-8 with BOM
    timestamp_styles=(CHART_DAY,),
)
META_CHART_FOLLOWERS = ExportFormat(
    name="facebook.chart_follower_history",
    channel="facebook",
    table="chart_daily",
    description="Meta Business Suite chart export FollowerHistory.csv",
    identify=frozenset({"chart_day", "followers"}),
    columns=(
        _c("chart_day", "Date", "Date", kind=TIMESTAMP, required=True),
        _c("followers", "Followers", "Abonnés", required=True),
        _c(
            "followers_change",
            "Difference in followers from previous day",
            "Différence d'abonnés par rapport à la veille",
        ),
    ),
    null_tokens=NULL_TOKENS,
    bom="utf-8",
    timestamp_styles=(CHART_DAY,),
)

# Audience snapshots (docs/formats.md §2.5). `Audience.csv` stacks, in UTF-16LE after `sep=,`,
# one block per breakdown under a title line: `Age & gender` (a table: an empty corner cell, then
# `Men`, `Women`; one row per age range), then `Top cities`, `Top countries` and `Top pages`,
# each written sideways (a row of labels over a row of values, ExportFormat.label_rows), then a
# `Follows` daily series (meta.daily_series). Values are percents. The single-table downloads
# `FollowerGender.csv` (`Gender, Distribution`) and `FollowerTopTerritories.csv`
# (`Top territories, Distribution`: ISO codes and `Others`) write fractions in some downloads and
# percents in others: staging puts both on one scale. One declaration per breakdown, so `_format`
# names the dimension in raw.
_DISTRIBUTION = _c("distribution", "Distribution", "Répartition", kind=RATE, required=True)


def _audience(name: str, dimension: tuple[str, str], description: str, **kw) -> ExportFormat:
    return ExportFormat(
        name=f"facebook.{name}",
        channel="facebook",
        table="audience",
        description=f"Meta Business Suite {description}",
        identify=frozenset({"dimension_value", "distribution"}),
        columns=(_c("dimension_value", *dimension, kind=TEXT, required=True), _DISTRIBUTION),
        null_tokens=NULL_TOKENS,
        stacked_blocks=True,
        **kw,
    )


FOLLOWER_GENDER = _audience("follower_gender", ("Gender", "Sexe"), "follower gender (FollowerGender.csv)")
FOLLOWER_TERRITORIES = _audience(
    "follower_top_territories",
    ("Top territories", "Principaux territoires"),
    "follower top territories (FollowerTopTerritories.csv)",
)
AUDIENCE_TOP = tuple(
    _audience(
        f"audience_{name}",
        (title, title_fr),
        f"Audience.csv, {title.lower()} block",
        bom="utf-16-le",
        label_rows=True,
    )
    for name, title, title_fr in (
        ("top_cities", "Top cities", "Principales villes"),
        ("top_countries", "Top countries", "Principaux pays"),
        ("top_pages", "Top pages", "Principales Pages"),
    )
)
AUDIENCE_AGE_GENDER = ExportFormat(
    name="facebook.audience_age_gender",
    channel="facebook",
    table="audience",
    description="Meta Business Suite Audience.csv, age and gender block",
    identify=frozenset({"men", "women"}),
    columns=(
        # The corner cell above the age ranges is empty.
        _c("dimension_value", ("",), ("",), kind=TEXT, required=True),
        _c("men", "Men", "Hommes", kind=RATE, required=True),
        _c("women", "Women", "Femmes", kind=RATE, required=True),
    ),
    null_tokens=NULL_TOKENS,
    bom="utf-16-le",
    stacked_blocks=True,
)

FORMATS: tuple[ExportFormat, ...] = (
    FACEBOOK_POSTS,
    INSTAGRAM_POSTS,
    INSTAGRAM_STORIES,
    META_DAILY_SERIES,
    FACEBOOK_INSIGHTS_POSTS,
    META_CHART_VIEWERS,
    META_CHART_FOLLOWERS,
    FOLLOWER_GENDER,
    FOLLOWER_TERRITORIES,
    *AUDIENCE_TOP,
    AUDIENCE_AGE_GENDER,
)
