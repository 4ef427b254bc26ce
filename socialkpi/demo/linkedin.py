"""Demo LinkedIn Page exports of a CERN-like organisation, in the workbook shapes of docs/formats.md §4.

Monthly downloads of the content export (`cern_content_<epoch ms>.xls`, real BIFF written by
xlwt: sheets `Metrics` and `All posts`, each with LinkedIn's one-cell description in row 1) and of
the followers export (`New followers`, plus a `Location` sheet the loader does not need) and of
the visitors export (`Visitor metrics`, no description row, plus demographic sheets). Some
posts are boosted: they come as Organic, Sponsored and Total rows. One download is an `.xlsx`
re-save, one uses the 2020 sheet and column names, one the French interface.
"""

from __future__ import annotations

import io
import math
import random
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import openpyxl
import xlwt

from pipelines.formats import linkedin as declared
from socialkpi.demo.audience import linkedin_demographic_sheets
from socialkpi.demo.twitter import DemoFile

ORGANISATION = "cern"
METRICS_DESCRIPTION = (
    "Aggregated engagement metrics for your organic and sponsored posts over time. Date indicates "
    "when your posts were viewed by LinkedIn members. Data is delayed by up to 2 days. All dates "
    "and times are in UTC."
)
POSTS_DESCRIPTION = (
    "Engagement metrics for individual posts. Created date indicates when your post was created. "
    "All dates and times are in UTC."
)
POST_HEADER = [
    "Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
    "Campaign start date", "Campaign end date", "Audience", "Impressions", "Views", "Offsite Views",
    "Clicks", "Click through rate (CTR)", "Likes", "Comments", "Reposts", "Follows", "Engagement rate",
    "Content Type",
]  # fmt: skip
METRIC_GROUPS = ("Impressions", "Clicks", "Reactions", "Comments", "Reposts")
TITLES = (
    "CERN's Science Gateway welcomes its millionth visitor",
    "We are hiring: 40 fellowships in physics and engineering",
    "The LHC restarts for another year of data taking",
    "Inside the ALICE detector: a photo story",
    "How CERN shares its technologies with industry",
    "Meet our summer students from 80 countries",
)


@dataclass(frozen=True)
class Post:
    urn: str
    created: date
    title: str
    final_impressions: int
    boosted: bool

    @property
    def appeal(self) -> float:
        """How much more (or less) than usual people engage with this post: its own luck, and
        mid-week posts doing better, so the demo's best-time answer has something to find.
        Seeded by the URN, so the other demo numbers do not move."""
        weekday_effect = (0.85, 1.1, 1.2, 1.15, 0.95, 0.7, 0.75)[self.created.weekday()]
        return weekday_effect * random.Random(self.urn).lognormvariate(0, 0.25)

    def lifetime(self, as_of: date) -> dict[str, int]:
        age = max((as_of - self.created).days, 0)
        reached = 1 - math.exp(-age / 3)
        impressions = int(self.final_impressions * reached)
        engaged = impressions * self.appeal
        return {
            "impressions": impressions,
            "clicks": int(engaged * 0.03),
            "likes": int(engaged * 0.02),
            "comments": int(engaged * 0.002),
            "reposts": int(engaged * 0.001),
            "follows": int(engaged * 0.0005) if self.boosted else 0,
        }


def _posts(rng: random.Random, start: date, end: date) -> list[Post]:
    posts, day = [], start
    while day < end:
        if rng.random() < 0.5:
            serial = (day - start).days * 1000 + rng.randrange(1000)
            urn = f"urn:li:activity:{7_100_000_000_000_000_000 + serial}"
            posts.append(
                Post(urn, day, rng.choice(TITLES), int(rng.lognormvariate(9, 0.5)), rng.random() < 0.1)
            )
        day += timedelta(days=1)
    return posts


def _post_rows(posts: list[Post], as_of: date, window_start: date) -> list[list[object]]:
    rows = []
    for post in sorted(posts, key=lambda p: p.created, reverse=True):
        if not window_start <= post.created <= as_of:
            continue
        total = post.lifetime(as_of)
        kinds = (
            [("Organic", 1.0)] if not post.boosted else [("Organic", 0.4), ("Sponsored", 0.6), ("Total", 1.0)]
        )
        for kind, share in kinds:
            m = {k: int(v * share) for k, v in total.items()}
            engaged = m["clicks"] + m["likes"] + m["comments"] + m["reposts"] + m["follows"]
            rows.append(
                [
                    post.title,
                    f"https://www.linkedin.com/feed/update/{post.urn}",
                    kind,
                    "Careers spring" if post.boosted else "",
                    "CERN",
                    post.created.strftime("%m/%d/%Y"),
                    "",
                    "",
                    "All followers",
                    m["impressions"],
                    "",
                    "",
                    m["clicks"],
                    m["clicks"] / m["impressions"] if m["impressions"] else 0,
                    m["likes"],
                    m["comments"],
                    m["reposts"],
                    m["follows"] if post.boosted else "",
                    engaged / m["impressions"] if m["impressions"] else 0,
                    "",
                ]
            )
    return rows


def _metric_rows(rng: random.Random, start: date, end: date) -> list[list[object]]:
    """One row per day: each metric group as (organic, sponsored, total), then engagement rates."""
    rows = []
    for offset in range((end - start).days):
        day = start + timedelta(days=offset)
        impressions = int(3000 * rng.uniform(0.6, 1.4))
        organic = {
            g: int(impressions * s)
            for g, s in zip(METRIC_GROUPS, (1.0, 0.03, 0.02, 0.002, 0.001), strict=True)
        }
        sponsored = {g: int(v * 0.2) if offset % 7 == 0 else 0 for g, v in organic.items()}
        row: list[object] = [day.strftime("%m/%d/%Y")]
        for group in METRIC_GROUPS:
            row += [organic[group], sponsored[group], organic[group] + sponsored[group]]
            if group == "Impressions":
                row.append(int(organic[group] * 0.7))  # Unique impressions (organic)
        total = {g: organic[g] + sponsored[g] for g in METRIC_GROUPS}
        rows.append([*row, _engagement(organic), _engagement(sponsored), _engagement(total)])
    return rows


def _engagement(part: dict[str, int]) -> float:
    """LinkedIn's rate: (clicks + reactions + comments + reposts) / impressions."""
    return sum(part[g] for g in METRIC_GROUPS[1:]) / part["Impressions"] if part["Impressions"] else 0


def _engagement(part: dict[str, int]) -> float:
    """LinkedIn's rate: (clicks + reactions + comments + reposts) / impressions."""
    return sum(part[g] for g in METRIC_GROUPS[1:]) / part["Impressions"] if part["Impressions"] else 0


def _metric_header(shares_name: str = "Reposts") -> list[str]:
    header = ["Date"]
    for group in METRIC_GROUPS:
        name = shares_name if group == "Reposts" else group
        header += [f"{name} (organic)", f"{name} (sponsored)", f"{name} (total)"]
        if group == "Impressions":
            header.append("Unique impressions (organic)")
    return [*header, "Engagement rate (organic)", "Engagement rate (sponsored)", "Engagement rate (total)"]


FIXED_TIME = "2025-01-01T00:00:00Z"


def _without_save_time(xlsx: bytes) -> bytes:
    """openpyxl stamps the save time into docProps/core.xml and the ZIP entries; a demo that
    changes bytes on every run would load the same workbook again as a new snapshot each time."""
    source, target = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + FIXED_TIME.encode(), data
                )
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data)
    return target.getvalue()


def _workbook_bytes(sheets: dict[str, list[list[object]]], xlsx: bool) -> bytes:
    buffer = io.BytesIO()
    if xlsx:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for name, rows in sheets.items():
            sheet = workbook.create_sheet(name)
            for row in rows:
                sheet.append(row)
        workbook.save(buffer)
        return _without_save_time(buffer.getvalue())
    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.save(buffer)
    return buffer.getvalue()


def _content_export(posts, rng, download: date, style: str) -> DemoFile:
    """style: 'xls' (2025 layout), 'xlsx' (an Excel re-save), '2020' (old names), 'fr'."""
    window_start = download - timedelta(days=90)
    metric_header, post_header = _metric_header(), list(POST_HEADER)
    sheet_names = ("Metrics", "All posts")
    if style == "2020":
        metric_header = _metric_header("Shares")
        post_header = [h.replace("Post ", "Update ").replace("Reposts", "Shares") for h in post_header]
        post_header = [h for h in post_header if h not in ("Offsite Views", "Content Type")]
        sheet_names = ("Update metrics (aggregated)", "Update engagement")
    if style == "fr":
        metric_header = declared.CONTENT_METRICS.localised_header(metric_header, "fr")
        post_header = declared.CONTENT_POSTS.localised_header(post_header, "fr")
        sheet_names = ("Statistiques", "Toutes les publications")
    post_rows = _post_rows(posts, download, window_start)
    if style == "2020":
        post_rows = [
            [v for h, v in zip(POST_HEADER, row, strict=True) if h not in ("Offsite Views", "Content Type")]
            for row in post_rows
        ]
    sheets = {
        sheet_names[0]: [[METRICS_DESCRIPTION], metric_header, *_metric_rows(rng, window_start, download)],
        sheet_names[1]: [[POSTS_DESCRIPTION], post_header, *post_rows],
    }
    return _file(
        "content",
        download,
        _workbook_bytes(sheets, xlsx=style == "xlsx"),
        "xlsx" if style == "xlsx" else "xls",
    )


def _followers_export(rng: random.Random, download: date) -> DemoFile:
    rows = [["Date", "Sponsored followers", "Organic followers", "Auto-invited followers", "Total followers"]]
    for offset in range(90, 0, -1):
        day = download - timedelta(days=offset)
        organic, sponsored = int(rng.uniform(40, 120)), int(rng.uniform(0, 10))
        rows.append([day.strftime("%m/%d/%Y"), sponsored, organic, 0, organic + sponsored])
    # The demographic sheets share out the Page's followers (docs/formats.md §4.6).
    sheets = {
        "New followers": rows,
        **linkedin_demographic_sheets("Total followers", 180_000 + 1_500 * download.month),
    }
    return _file("followers", download, _workbook_bytes(sheets, False), "xls")


VISITOR_PAGES = ("Overview", "Life", "Jobs")
VISITOR_MEASURES = ("page views", "unique visitors")
DEVICES = ("desktop", "mobile", "total")


def _visitors_export(download: date) -> DemoFile:
    """`Visitor metrics`: per day, page views and unique visitors of each Page tab by device,
    then the `Total` tab (docs/formats.md §4.3). Its own random stream, so that adding it moved none
    of the other demo numbers."""
    rng = random.Random(f"socialkpi-demo-linkedin-visitors-{download}")
    header = ["Date"] + [
        f"{page} {measure} ({device})"
        for page in (*VISITOR_PAGES, "Total")
        for measure in VISITOR_MEASURES
        for device in DEVICES
    ]
    rows: list[list[object]] = [header]
    for offset in range(90, 0, -1):
        day = download - timedelta(days=offset)
        by_page = {}
        for page, scale in zip(VISITOR_PAGES, (400, 60, 150), strict=True):
            desktop, mobile = int(scale * rng.uniform(0.5, 1.5)), int(scale * rng.uniform(0.5, 1.5))
            views = (desktop, mobile, desktop + mobile)
            by_page[page] = (views, tuple(int(v * 0.6) for v in views))
        by_page["Total"] = tuple(
            tuple(sum(by_page[p][m][d] for p in VISITOR_PAGES) for d in range(3)) for m in range(2)
        )
        rows.append([day.strftime("%m/%d/%Y"), *(v for page in by_page.values() for m in page for v in m)])
    sheets = {
        "Visitor metrics": rows,
        **linkedin_demographic_sheets("Total views", 9_000 + 100 * download.month),
    }
    return _file("visitors", download, _workbook_bytes(sheets, False), "xls")


def _file(kind: str, download: date, content: bytes, extension: str) -> DemoFile:
    downloaded_at = datetime(download.year, download.month, download.day, 8, 16, tzinfo=UTC)
    epoch_ms = int(downloaded_at.timestamp() * 1000)
    return DemoFile(f"{ORGANISATION}/{ORGANISATION}_{kind}_{epoch_ms}.{extension}", content, downloaded_at)


def demo_files() -> list[DemoFile]:
    """Monthly LinkedIn downloads through 2025 (and one 2020-layout file), deterministic."""
    rng = random.Random("socialkpi-demo-linkedin")
    posts = _posts(rng, date(2024, 10, 1), date(2025, 12, 31))
    files = []
    for month in range(1, 13):
        download = date(2025, month, 1)
        style = {4: "xlsx", 7: "2020", 10: "fr"}.get(month, "xls")
        files.append(_content_export(posts, rng, download, style))
        files.append(_followers_export(rng, download))
        files.append(_visitors_export(download))
    return files
