"""LinkedIn Page analytics export shapes (docs/formats.md section 4), declared as data.

LinkedIn delivers workbooks (`<org>_content_<epoch ms>.xls`, `_followers_`, `_visitors_`): real
BIFF `.xls`, `.xlsx` re-saves, or `.xls` files that are really HTML or XML. Each sheet is matched
by its name (with the older names as aliases) and its header; row 1 of the content sheets is a
one-cell description, skipped like any title line. The organisation comes from the file name,
the download day from its epoch-ms suffix.

Evidence: the content sheets (2025 and 2020 layouts) and the visitors sheet are real-inspected;
the followers sheet and every French spelling are third-party or unverified.
"""

from __future__ import annotations

import re

from pipelines.formats.spec import COUNT, RATE, TEXT, TIMESTAMP, Column, ExportFormat

# LinkedIn writes empty cells as empty strings.
NULL_TOKENS = frozenset({"", "-"})
DAY = "%m/%d/%Y"  # 12/01/2024, UTC, month first
DAY_ISO = "%Y-%m-%d"  # a real date cell, as the sheet reader writes it
FILE_NAME = re.compile(r"^(?P<account>.+?)_(content|followers|visitors)_(?P<download_epoch_ms>\d{13})")


def _c(canonical: str, en, fr=(), kind: str = COUNT, required: bool = False, signed: bool = False) -> Column:
    as_tuple = lambda v: (v,) if isinstance(v, str) else tuple(v)  # noqa: E731
    return Column(canonical, en=as_tuple(en), fr=as_tuple(fr), kind=kind, required=required, signed=signed)


def _split(
    metric: str, en: tuple[str, ...], fr: str, kind: str = COUNT, signed: bool = False
) -> tuple[Column, ...]:
    """LinkedIn splits each aggregate metric into (organic), (sponsored) and (total) columns."""
    parts = {"organic": "naturel", "sponsored": "sponsorisé", "total": "total"}
    return tuple(
        _c(
            f"{metric}_{part}",
            tuple(f"{name} ({part})" for name in en),
            f"{fr} ({part_fr})",
            kind,
            signed=signed,
        )
        for part, part_fr in parts.items()
    )


def _linkedin(name: str, table: str, sheets: set[str], identify: set[str], columns, description: str):
    return ExportFormat(
        name=f"linkedin.{name}",
        channel="linkedin",
        table=table,
        description=f"LinkedIn Page analytics {description}",
        identify=frozenset(identify),
        columns=tuple(columns),
        null_tokens=NULL_TOKENS,
        timestamp_styles=(DAY, DAY_ISO),
        file_name_pattern=FILE_NAME,
        sheet_names=frozenset(sheets),
    )


_DATE = _c("date", "Date", "Date", TIMESTAMP, required=True)

CONTENT_METRICS = _linkedin(
    "content_metrics",
    "page_daily",
    {"Metrics", "Update metrics (aggregated)", "Statistiques"},
    {"date", "impressions_total", "clicks_total"},
    (
        _DATE,
        *_split("impressions", ("Impressions",), "Impressions"),
        _c("unique_impressions_organic", "Unique impressions (organic)", "Impressions uniques (naturel)"),
        *_split("clicks", ("Clicks",), "Clics"),
        # The day's reactions, comments and reposts are net: a day when members took back more
        # than they gave is negative (real: ethioware's Metrics sheet, 08/07/2024, -7 reactions),
        # and so is that day's engagement rate. Impressions and clicks never are.
        *_split("reactions", ("Reactions",), "Réactions", signed=True),
        *_split("comments", ("Comments",), "Commentaires", signed=True),
        # 2020 files say Shares where 2025 files say Reposts.
        *_split("reposts", ("Reposts", "Shares"), "Republications", signed=True),
        *_split("engagement_rate", ("Engagement rate",), "Taux d'engagement", RATE, signed=True),
    ),
    "content export, daily metrics sheet",
)

CONTENT_POSTS = _linkedin(
    "content_posts",
    "posts",
    {"All posts", "Update engagement", "Toutes les publications"},
    {"post_url", "created_date", "impressions"},
    (
        _c("post_title", ("Post title", "Update title"), "Titre de la publication", TEXT),
        _c("post_url", ("Post link", "Update link"), "Lien de la publication", TEXT, required=True),
        # Organic, Sponsored or Total: a boosted post has all three rows.
        _c("row_type", ("Post type", "Update type"), "Type de publication", TEXT),
        _c("campaign_name", "Campaign name", "Nom de la campagne", TEXT),
        _c("posted_by", "Posted by", "Publié par", TEXT),
        _c("created_date", "Created date", "Date de création", TIMESTAMP, required=True),
        _c("campaign_start_date", "Campaign start date", "Date de début de la campagne", TEXT),
        _c("campaign_end_date", "Campaign end date", "Date de fin de la campagne", TEXT),
        _c("audience", "Audience", "Audience", TEXT),
        _c("impressions", "Impressions", "Impressions", required=True),
        _c("views", ("Views", "Video views"), "Vues"),
        _c("offsite_views", "Offsite Views", "Vues hors site"),
        _c("clicks", "Clicks", "Clics"),
        _c("ctr", "Click through rate (CTR)", "Taux de clics (CTR)", RATE),
        _c("likes", "Likes", "J'aime"),
        _c("comments", "Comments", "Commentaires"),
        _c("reposts", ("Reposts", "Shares"), "Republications"),
        _c("follows", "Follows", "Abonnements"),
        _c("engagement_rate", "Engagement rate", "Taux d'engagement", RATE),
        _c("content_type", "Content Type", "Type de contenu", TEXT),
    ),
    "content export, posts sheet",
)

FOLLOWERS = _linkedin(
    "followers",
    "followers_daily",
    {"New followers", "Nouveaux abonnés"},
    {"date", "total_followers"},
    (
        _DATE,
        _c("sponsored_followers", "Sponsored followers", "Abonnés sponsorisés"),
        # Net of the day's unfollows: negative on days with more unfollows than follows (seen
        # in a real followers export: 7 negative days).
        _c("organic_followers", "Organic followers", "Abonnés naturels", signed=True),
        _c("auto_invited_followers", "Auto-invited followers", "Abonnés invités automatiquement"),
        # The day's *new* followers (net), not a running total.
        _c("total_followers", "Total followers", "Total des abonnés", required=True, signed=True),
    ),
    "followers export, new followers sheet",
)

_VISITOR_PAGES = {"overview": "Overview", "life": "Life", "jobs": "Jobs", "total": "Total"}
_VISITOR_MEASURES = {"page_views": "page views", "unique_visitors": "unique visitors"}
VISITORS = _linkedin(
    "visitors",
    "visitors_daily",
    {"Visitor metrics", "Statistiques des visiteurs"},
    {"date", "total_page_views_total"},
    (
        _DATE,
        *(
            _c(f"{page}_{measure}_{device}", f"{page_en} {measure_en} ({device})")
            for page, page_en in _VISITOR_PAGES.items()
            for measure, measure_en in _VISITOR_MEASURES.items()
            for device in ("desktop", "mobile", "total")
        ),
    ),
    "visitors export, visitor metrics sheet",
)

# Demographic sheets of the visitors and followers workbooks (docs/formats.md §4.3, §4.4): one
# sheet per dimension, `<dimension>, Total views` (visitors) or `<dimension>, Total followers`
# (followers). Both workbooks name their sheets alike, so the measure's header says which export a
# sheet is. One declaration per dimension and export: `_format` names the dimension in raw.
# `Company size` values (`2-10`, `11-50`) stay text: a spreadsheet round-trip makes dates of them.
_DEMOGRAPHICS = {
    "location": ("Location", "Lieu"),
    "job_function": ("Job function", "Fonction"),
    "seniority": ("Seniority", "Niveau hiérarchique"),
    "industry": ("Industry", "Secteur"),
    "company_size": ("Company size", "Taille de l'entreprise"),
}
_DEMOGRAPHIC_MEASURES = {
    "visitors": ("total_views", "Total views", "Total des vues"),
    "followers": ("total_followers", "Total followers", "Total des abonnés"),
}
DEMOGRAPHICS = tuple(
    _linkedin(
        f"{export}_{dimension}",
        "audience",
        {sheet_en, sheet_fr},
        {"dimension_value", measure},
        (
            _c("dimension_value", sheet_en, sheet_fr, TEXT, required=True),
            _c(measure, measure_en, measure_fr, required=True),
        ),
        f"{export} export, {sheet_en.lower()} sheet",
    )
    for export, (measure, measure_en, measure_fr) in _DEMOGRAPHIC_MEASURES.items()
    for dimension, (sheet_en, sheet_fr) in _DEMOGRAPHICS.items()
)

FORMATS: tuple[ExportFormat, ...] = (CONTENT_METRICS, CONTENT_POSTS, FOLLOWERS, VISITORS, *DEMOGRAPHICS)
