"""Demo YouTube Studio exports of CERN's channel, byte-faithful to docs/formats.md §5.

Every Monday the team exports the Content tab for the channel's lifetime ("Export current view"):
a ZIP named `Content <start>_<end> CERN.zip` holding `Table data.csv` (a `Total` row first, then
one row per video, lifetime numbers that grow from one download to the next), `Chart data.csv`
(views per day of the top five videos) and `Totals.csv` (views per day). One week was exported
from a German interface (`Videos … .zip` with `Tabellendaten.csv`, `Diagrammdaten.csv`,
`Gesamtwerte.csv`, a `Gesamt` row and a soft hyphen in a header). Once a month the Date tab is
exported too (`Date … .zip`, the table's first column is `Date`, days newest first).

Numbers are consistent: a day's channel views are what every video gained that day, the Total
row also counts a few videos that are private now (so it is more than the listed rows add up to),
and the chart's daily views of a video add up to its lifetime views.
"""

from __future__ import annotations

import csv
import io
import math
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipelines.formats import youtube as declared
from socialkpi.demo import audience
from socialkpi.demo.twitter import MONTHS, DemoFile

CHANNEL = "CERN"
FOLDER = "cern"
LIFETIME_START = date(2024, 9, 2)  # the first day of the channel's demo history
CONTENT_HEADER = (
    "Content",
    "Video title",
    "Video publish time",
    "Duration",
    "Views",
    "Watch time (hours)",
    "Subscribers",
    "Likes",
    "Comments added",
    "Shares",
    "Impressions",
    "Impressions click-through rate (%)",
)
CHART_HEADER = ("Date", "Content", "Video title", "Video publish time", "Duration", "Views")
TOTALS_HEADER = ("Date", "Views")
DATE_TABLE_HEADER = ("Date", "Views", "Watch time (hours)", "Average view duration", "Subscribers")
SOFT_HYPHEN = "\u00ad"

TITLES = (
    "What is the Higgs boson? | CERN explains",
    "Inside the LHC: a walk in the 27 km tunnel",
    "Antimatter, explained in 60 seconds #shorts",
    "ATLAS and CMS: new results on {topic}",
    "How cold is the LHC? 🥶 #shorts",
    "CERN Courier live: {topic}, with Q&A",
    "Science Gateway: a tour of CERN's new education centre",
    "Ask a physicist: {topic}",
    "Why do we smash particles together? #shorts",
    "CERN's 70th anniversary: science for peace, 1954-2024",
    "The accelerator complex, step by step",
    "Dark matter, neutrinos and beyond: the next 10 years",
)
TOPICS = ("the W boson mass", "the top quark", "antihydrogen", "dark matter", "heavy ions", "neutrinos")
ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@dataclass(frozen=True)
class Video:
    video_id: str
    title: str
    published: date
    duration: int  # seconds
    final_views: int
    watched_share: float  # of the duration, on average
    subscribe_rate: float  # net subscribers per view; negative for a few videos
    like_rate: float
    impressions_per_view: float
    listed: bool  # private videos are not listed, but the Total row still counts them

    def views_by(self, day: date) -> int:
        """Lifetime views at the end of `day`: a quick start, then a long tail."""
        if day < self.published:
            return 0
        age = (day - self.published).days + 1
        return int(self.final_views * (0.55 * (1 - math.exp(-age / 3)) + 0.45 * age / (age + 120)))

    def lifetime(self, day: date) -> dict[str, float]:
        """Lifetime metrics at the end of `day`."""
        views = self.views_by(day)
        impressions = int(views * self.impressions_per_view)
        return {
            "views": views,
            "watch_hours": views * self.duration * self.watched_share / 3600,
            "subscribers": int(views * self.subscribe_rate),
            "likes": int(views * self.like_rate),
            "comments": int(views * self.like_rate * 0.07),
            "shares": int(views * self.like_rate * 0.15),
            "impressions": impressions,
            "clicks": int(views * 0.6),
        }


def _video_id(rng: random.Random, index: int) -> str:
    first = "-" if index % 16 == 7 else rng.choice(ID_ALPHABET[:-2])
    return first + "".join(rng.choice(ID_ALPHABET) for _ in range(10))


def _video(day: date, index: int, rng: random.Random) -> Video:
    title = rng.choice(TITLES).format(topic=rng.choice(TOPICS))
    short = "#shorts" in title
    return Video(
        video_id=_video_id(rng, index),
        title=title,
        published=day,
        duration=rng.randrange(20, 60) if short else rng.randrange(180, 1800),
        final_views=int((40000 if short else 18000) * rng.lognormvariate(0, 0.8)),
        watched_share=rng.uniform(0.6, 0.9) if short else rng.uniform(0.25, 0.5),
        subscribe_rate=rng.uniform(-0.0015, -0.0002) if index % 11 == 5 else rng.uniform(0.0005, 0.004),
        like_rate=rng.uniform(0.02, 0.06),
        impressions_per_view=rng.uniform(6.0, 20.0),
        listed=index % 25 != 3,
    )


def videos_until(last: date) -> list[Video]:
    """About two videos a week from LIFETIME_START to `last`."""
    rng = random.Random("socialkpi-demo-youtube-cern")
    videos: list[Video] = []
    for day in _days(LIFETIME_START, last + timedelta(days=1)):
        if rng.random() < 0.3:
            videos.append(_video(day, len(videos), rng))
    return videos


# ---------------------------------------------------------------------------- cells and tables


def _days(start: date, end: date) -> Iterator[date]:
    """Days in [start, end)."""
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


def _published(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"  # Aug 28, 2025


def _number(value: float, places: int) -> str:
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _hms(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _content_id(video_id: str) -> str:
    """Studio writes ids that start with "-" with a leading space (a spreadsheet guard)."""
    return f" {video_id}" if video_id.startswith("-") else video_id


def _metric_cells(m: dict[str, float]) -> list[str]:
    ctr = 100 * m["clicks"] / m["impressions"] if m["impressions"] else 0.0
    counts = [str(int(m[k])) for k in ("subscribers", "likes", "comments", "shares", "impressions")]
    return [str(int(m["views"])), _number(m["watch_hours"], 4), *counts, _number(ctr, 2)]


def _sum(metrics: list[dict[str, float]]) -> dict[str, float]:
    return {key: sum(m[key] for m in metrics) for key in metrics[0]}


def content_table(videos: list[Video], end: date, total_label: str) -> list[list[str]]:
    """Table data, content dimension: the Total row, then listed videos, most viewed first."""
    published = [v for v in videos if v.published <= end]
    listed = sorted((v for v in published if v.listed), key=lambda v: (-v.views_by(end), v.video_id))
    rows = [[total_label, "", "", "", *_metric_cells(_sum([v.lifetime(end) for v in published]))]]
    for video in listed:
        cells = [_content_id(video.video_id), video.title, _published(video.published), str(video.duration)]
        rows.append(cells + _metric_cells(video.lifetime(end)))
    return rows


def chart_rows(videos: list[Video], start: date, end: date) -> list[list[str]]:
    """Chart data: views per day of the top five videos, one video after the other."""
    top = sorted((v for v in videos if v.listed and v.published <= end), key=lambda v: -v.views_by(end))[:5]
    rows = []
    for video in top:
        about = [_content_id(video.video_id), video.title, _published(video.published), str(video.duration)]
        for day in _days(start, end + timedelta(days=1)):
            gained = video.views_by(day) - video.views_by(day - timedelta(days=1))
            rows.append([day.isoformat(), *about, str(gained)])
    return rows


def channel_day(videos: list[Video], day: date) -> dict[str, float]:
    """What every video (private ones included) gained on `day`."""
    totals = {"views": 0, "watch_hours": 0.0, "subscribers": 0}
    for video in videos:
        if video.published <= day:
            after, before = video.lifetime(day), video.lifetime(day - timedelta(days=1))
            for key in totals:
                totals[key] += after[key] - before[key]
    return totals


def channel_views(videos: list[Video], last: date) -> dict[date, int]:
    """Channel views per day from LIFETIME_START to `last`: what every video gained that day."""
    views = {}
    for day in _days(LIFETIME_START, last + timedelta(days=1)):
        before = day - timedelta(days=1)
        views[day] = sum(v.views_by(day) - v.views_by(before) for v in videos if v.published <= day)
    return views


def totals_rows(views: dict[date, int], start: date, end: date) -> list[list[str]]:
    """Totals.csv: channel views per day, oldest first."""
    return [[day.isoformat(), str(views[day])] for day in _days(start, end + timedelta(days=1))]


def _date_cells(m: dict[str, float]) -> list[str]:
    average = m["watch_hours"] * 3600 / m["views"] if m["views"] else 0.0
    return [str(int(m["views"])), _number(m["watch_hours"], 4), _hms(average), str(int(m["subscribers"]))]


def date_table(videos: list[Video], start: date, end: date) -> list[list[str]]:
    """Table data, date dimension: the Total row, then one row per day, newest first."""
    days = list(_days(start, end + timedelta(days=1)))
    per_day = {day: channel_day(videos, day) for day in days}
    rows = [["Total", *_date_cells(_sum(list(per_day.values())))]]
    return rows + [[day.isoformat(), *_date_cells(per_day[day])] for day in reversed(days)]


# ---------------------------------------------------------------------------- files


def _csv(header: tuple[str, ...] | list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 without BOM, LF, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _zip(members: list[tuple[str, bytes]], stamp: datetime) -> bytes:
    """A ZIP built in memory; every member has the same fixed time, so the bytes never vary."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


@dataclass(frozen=True)
class Interface:
    """What the interface language changes in a Content export: the tab (ZIP prefix), the member
    file names, their headers and the label of the totals row."""

    tab: str
    names: tuple[str, str, str]  # table, chart, totals
    headers: tuple[list[str], list[str], list[str]]
    total_label: str


ENGLISH = Interface(
    "Content",
    ("Table data.csv", "Chart data.csv", "Totals.csv"),
    (list(CONTENT_HEADER), list(CHART_HEADER), list(TOTALS_HEADER)),
    "Total",
)
# German headers may hold soft hyphens (docs/formats.md §5); one does here.
GERMAN = Interface(
    "Videos",
    ("Tabellendaten.csv", "Diagrammdaten.csv", "Gesamtwerte.csv"),
    (
        [
            h.replace("Veröffentlichungs", "Veröffentlichungs" + SOFT_HYPHEN)
            for h in declared.TABLE_CONTENT.localised_header(CONTENT_HEADER, "de")
        ],
        declared.CHART_CONTENT.localised_header(CHART_HEADER, "de"),
        declared.TOTALS.localised_header(TOTALS_HEADER, "de"),
    ),
    "Gesamt",
)


def _zip_file(tab: str, start: date, end: date, members: list[tuple[str, bytes]]) -> DemoFile:
    """`<Tab> <start>_<end> CERN.zip`, downloaded the morning after `end`."""
    downloaded = datetime(end.year, end.month, end.day, 10, tzinfo=UTC) + timedelta(days=1)
    name = f"{tab} {start.isoformat()}_{end.isoformat()} {CHANNEL}.zip"
    return DemoFile(Path(FOLDER) / name, _zip(members, downloaded), downloaded)


def content_zip(videos: list[Video], views: dict[date, int], end: date, ui: Interface = ENGLISH) -> DemoFile:
    """The Content tab over the channel's lifetime."""
    table_header, chart_header, totals_header = ui.headers
    contents = (
        _csv(table_header, content_table(videos, end, ui.total_label)),
        _csv(chart_header, chart_rows(videos, LIFETIME_START, end)),
        _csv(totals_header, totals_rows(views, LIFETIME_START, end)),
    )
    return _zip_file(ui.tab, LIFETIME_START, end, list(zip(ui.names, contents, strict=True)))


def date_zip(videos: list[Video], views: dict[date, int], end: date) -> DemoFile:
    """The Date tab for the last 28 days: the table's first column is `Date`; the chart and
    the totals are both views per day."""
    start = end - timedelta(days=27)
    totals = _csv(TOTALS_HEADER, totals_rows(views, start, end))
    table = _csv(DATE_TABLE_HEADER, date_table(videos, start, end))
    return _zip_file(
        "Date", start, end, [("Table data.csv", table), ("Chart data.csv", totals), ("Totals.csv", totals)]
    )


# ---------------------------------------------------------------------------- the downloads

FIRST_MONDAY, LAST_MONDAY = date(2025, 6, 2), date(2025, 9, 29)
GERMAN_MONDAY = date(2025, 7, 28)
DATE_TAB_MONDAYS = (date(2025, 6, 30), date(2025, 7, 28), date(2025, 8, 25))


def demo_files() -> list[DemoFile]:
    """Every demo YouTube export, paths relative to the `youtube` folder, deterministic."""
    last = LAST_MONDAY - timedelta(days=1)
    videos = videos_until(last)
    views = channel_views(videos, last)
    files = []
    for week in range((LAST_MONDAY - FIRST_MONDAY).days // 7 + 1):
        monday = FIRST_MONDAY + timedelta(weeks=week)
        end = monday - timedelta(days=1)
        files.append(content_zip(videos, views, end, GERMAN if monday == GERMAN_MONDAY else ENGLISH))
        if monday in DATE_TAB_MONDAYS:
            files.append(date_zip(videos, views, end))
    return files + [audience_zip(views, end, tab) for end, tab in AUDIENCE_DOWNLOADS]


# One Studio table per audience tab for the last 28 days, downloaded with the last Content ZIP;
# Geography three months earlier too (docs/formats.md §5.5). Table data only: the tab's chart and
# totals say nothing the Content and Date tabs do not.
AUDIENCE_DOWNLOADS = (
    (date(2025, 6, 29), "Geography"),
    *(
        (LAST_MONDAY - timedelta(days=1), tab)
        for tab in (*audience.YOUTUBE_TABLES, *audience.YOUTUBE_SHARE_TABLES)
    ),
)


def audience_zip(views: dict[date, int], end: date, tab: str) -> DemoFile:
    start = end - timedelta(days=27)
    window_views = sum(v for day, v in views.items() if start <= day <= end)
    header, rows = audience.youtube_tables(window_views)[tab]
    return _zip_file(tab, start, end, [("Table data.csv", audience.csv_bytes(header, rows))])
