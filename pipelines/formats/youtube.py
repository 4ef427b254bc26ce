"""YouTube Studio export shapes (docs/formats.md section 5), declared as data.

Studio's "Export current view" gives a ZIP named `<Tab> <start>_<end> <Channel name>.zip` with
`Table data.csv`, `Chart data.csv` and `Totals.csv` (German UI: `Tabellendaten.csv`, ...). The
ZIP name gives the channel (the account) and the window; a loose CSV takes them from its folder
and modification time. The table's dimension is told by its first header cell only.

Evidence: the content table and the chart data are real files (samples/youtube); the date
table, the other dimensions and the German headers are real-inspected or third-party; French
spellings are third-party.
"""

from __future__ import annotations

import re

from pipelines.formats.spec import COUNT, DURATION, ID, PERCENT, RATE, TEXT, TIMESTAMP, Column, ExportFormat

NULL_TOKENS = frozenset({"", "-"})
DAY = "%Y-%m-%d"
DAY_RESAVED = "%d-%m-%Y"  # Totals.csv re-saved by Excel (day first, dashes): never month first
PUBLISHED = "%b %d, %Y"  # "Aug 28, 2025"
# A browser's repeat download adds " (1)": not part of the channel's name.
ZIP_NAME = re.compile(
    r"^(?P<tab>.+?) (?P<window_start>\d{4}-\d{2}-\d{2})_(?P<window_end>\d{4}-\d{2}-\d{2})"
    r" (?P<account>.+?)(?: \(\d+\))?\.zip$"
)
TOTAL_LABELS = frozenset({"Total", "Gesamt", "Totale"})
# Compared without soft hyphens: the German UI writes "Die 500 be\u00adsten Er\u00adgeb\u00adnis\u00adse ...".
TRAILER = re.compile(r"^(Showing top \d+ results|Die \d+ besten Ergebnisse werden angezeigt)", re.IGNORECASE)


def _c(
    canonical: str, en, fr=(), de=(), kind: str = COUNT, required: bool = False, signed: bool = False
) -> Column:
    as_tuple = lambda v: (v,) if isinstance(v, str) else tuple(v)  # noqa: E731
    return Column(
        canonical,
        en=as_tuple(en),
        fr=as_tuple(fr),
        de=as_tuple(de),
        kind=kind,
        required=required,
        signed=signed,
    )


# Metrics a Studio table may carry, whichever the user picked.
_METRICS = (
    _c("views", "Views", "Vues", "Aufrufe"),
    _c(
        "watch_time_hours",
        "Watch time (hours)",
        "Durée de visionnage (heures)",
        "Wiedergabezeit (Stunden)",
        RATE,
    ),
    # Studio's tables give the period's net values: gained minus lost subscribers (12 of WEIMA's
    # 500 videos are negative), likes added minus likes removed (153 of 484 videos in a real
    # 29-column table).
    _c("subscribers_net", "Subscribers", "Abonnés", "Abonnenten", signed=True),
    _c("subscribers_gained", "Subscribers gained", "Nouveaux abonnés", "Gewonnene Abonnenten"),
    _c("subscribers_lost", "Subscribers lost", "Abonnés perdus", "Verlorene Abonnenten"),
    _c("impressions", "Impressions", "Impressions", "Impressionen"),
    _c(
        "impressions_ctr_percent",
        "Impressions click-through rate (%)",
        "Taux de clics par impression (%)",
        "Klickrate der Impressionen (%)",
        PERCENT,
    ),
    _c("likes", "Likes", "J'aime", "Mag ich", signed=True),
    _c("dislikes", "Dislikes", "Je n'aime pas", "Mag ich nicht"),
    _c("comments", ("Comments added", "Comments"), "Commentaires ajoutés", "Hinzugefügte Kommentare"),
    _c("shares", "Shares", "Partages", "Geteilte Inhalte"),
    _c(
        "average_view_duration",
        "Average view duration",
        "Durée moyenne d'une vue",
        "Durchschnittliche Wiedergabedauer",
        DURATION,
    ),
    _c(
        "average_percentage_viewed",
        "Average percentage viewed (%)",
        "Pourcentage moyen regardé (%)",
        "Durchschnittlich angesehener Prozentsatz (%)",
        PERCENT,
    ),
    _c("unique_viewers", "Unique viewers", "Spectateurs uniques", "Einzelne Zuschauer"),
    _c("new_viewers", "New viewers", "Nouveaux spectateurs", "Neue Zuschauer"),
    _c(
        "returning_viewers",
        ("Returning viewers", "Regular viewers"),
        "Spectateurs connus",
        "Wiederkehrende Zuschauer",
    ),
    _c("engaged_views", "Engaged views", "Vues engagées", "Engagierte Aufrufe"),
    _c("stayed_to_watch_percent", "Stayed to watch (%)", kind=PERCENT),
    _c(
        "estimated_revenue",
        ("Estimated revenue (USD)", "Estimated revenue (EUR)"),
        (),
        ("Geschätzter Umsatz (EUR)", "Geschätzter Umsatz (USD)"),
        RATE,
    ),
)
_VIDEO = (
    # The German UI says `Video` in the content table (WEIMA's Tabellendaten.csv), `Videos` in
    # third-party descriptions.
    _c("video_id", "Content", "Contenu", ("Video", "Videos"), ID, required=True),
    _c("video_title", "Video title", "Titre de la vidéo", "Videotitel", TEXT),
    _c(
        "published",
        "Video publish time",
        "Heure de publication de la vidéo",
        "Veröffentlichungszeitpunkt des Videos",
        TIMESTAMP,
    ),
    _c("duration_seconds", "Duration", "Durée", "Dauer"),
)
_DATE = _c("date", "Date", "Date", "Datum", TIMESTAMP, required=True)


def _youtube(
    name: str, table: str, identify: set[str], columns: tuple[Column, ...], description: str
) -> ExportFormat:
    return ExportFormat(
        name=f"youtube.{name}",
        channel="youtube",
        table=table,
        description=f"YouTube Studio {description}",
        identify=frozenset(identify),
        columns=columns,
        null_tokens=NULL_TOKENS,
        bom="",  # UTF-8 without BOM, English and German Studio alike
        timestamp_styles=(DAY, PUBLISHED, DAY_RESAVED),
        file_name_pattern=ZIP_NAME,
        trailer_pattern=TRAILER,
        total_labels=TOTAL_LABELS,
    )


# Table data, content dimension: a `Total` row first (kept in raw to reconcile, dropped in the
# marts); ids that start with "-" are written with a leading space.
TABLE_CONTENT = _youtube(
    "table_content",
    "videos",
    {"video_id", "video_title"},
    (*_VIDEO, *_METRICS),
    "table data, content dimension",
)
# Table data, date dimension; Totals.csv is the same without a Total row.
TABLE_DATE = _youtube(
    "table_date",
    "channel_daily",
    {"date", "views", "watch_time_hours"},
    (_DATE, *_METRICS),
    "table data, date dimension",
)
# Totals.csv: the date and the one metric the chart showed (`Date, Views`).
TOTALS = _youtube("totals", "channel_daily", {"date", "views"}, (_DATE, _METRICS[0]), "totals")
# Chart data: one row per day and video (top videos), long format.
CHART_CONTENT = _youtube(
    "chart_content",
    "video_daily",
    {"date", "video_id"},
    (_DATE, *_VIDEO, *_METRICS),
    "chart data, content dimension",
)

# Audience breakdowns: the first column names the dimension, its values land in `dimension_value`.
_DIMENSIONS = {
    "viewer_age": ("Viewer age", "Âge des spectateurs", "Alter der Zuschauer"),
    "viewer_gender": ("Viewer gender", "Sexe des spectateurs", "Geschlecht der Zuschauer"),
    "cities": ("Cities", "Villes", "Städte"),
    "subscription_status": ("Subscription status", "Statut d'abonnement", "Abostatus"),
    "traffic_source": ("Traffic source", "Source de trafic", "Besucherquelle"),
    "geography": ("Geography", "Zone géographique", "Geografie"),
}
_BREAKDOWN_EXTRAS = (
    _c("city_name", "City name", "Nom de la ville", "Name der Stadt", TEXT),
    _c("views_percent", "Views (%)", "Vues (%)", "Aufrufe (%)", PERCENT),
    _c("watch_time_hours_percent", "Watch time (hours) (%)", "Durée de visionnage (heures) (%)", (), PERCENT),
)
BREAKDOWNS = tuple(
    _youtube(
        f"table_{dimension}",
        "audience_breakdown",
        {"dimension_value"},
        (_c("dimension_value", en, fr, de, TEXT, required=True), *_BREAKDOWN_EXTRAS, *_METRICS),
        f"table data, {dimension.replace('_', ' ')} dimension",
    )
    for dimension, (en, fr, de) in _DIMENSIONS.items()
)
# Chart data of those dimensions: one row per day and dimension value (`Date, Subscription
# status, Views`), so it is never mistaken for Totals.csv (`Date, Views`).
CHART_BREAKDOWNS = tuple(
    _youtube(
        f"chart_{dimension}",
        "audience_breakdown_daily",
        {"date", "dimension_value"},
        (_DATE, _c("dimension_value", en, fr, de, TEXT, required=True), *_BREAKDOWN_EXTRAS, *_METRICS),
        f"chart data, {dimension.replace('_', ' ')} dimension",
    )
    for dimension, (en, fr, de) in _DIMENSIONS.items()
)

FORMATS: tuple[ExportFormat, ...] = (
    TABLE_CONTENT,
    TABLE_DATE,
    TOTALS,
    CHART_CONTENT,
    *BREAKDOWNS,
    *CHART_BREAKDOWNS,
)
