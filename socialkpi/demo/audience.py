"""Demo audience exports of CERN's channels, in the platforms' exact shapes (issue 19).

Meta: `Audience.csv` (UTF-16LE, `sep=,`, stacked blocks, three written sideways),
`FollowerGender.csv` and `FollowerTopTerritories.csv` (one download in fractions, a later one in
percents with the `Top Territories` header: both real variants, docs/formats.md §2.5), and
`FollowerHistory.csv` (the running follower count, dates without a year, §2.3) a year apart.
LinkedIn: the demographic sheets of the followers and visitors workbooks (§4.6). YouTube: one
Studio table per audience tab (§5.5). Fixed shares, no random stream: adding these files moved
none of the other demo numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from socialkpi.demo.twitter import DemoFile

FOLDER = "cern"
# Two Audience.csv downloads of the Page, three months apart, and two of FollowerGender.csv and
# FollowerTopTerritories.csv a week from them: each its own snapshot.
META_DOWNLOADS = (date(2025, 6, 2), date(2025, 9, 29))
FOLLOWER_DOWNLOADS = (date(2025, 6, 9), date(2025, 9, 22))
# FollowerHistory.csv downloads a year apart, each with the 60 days before it.
HISTORY_DOWNLOADS = (date(2024, 9, 30), date(2025, 9, 29))
HISTORY_DAYS = 60
FOLLOWERS_ON = (date(2024, 8, 1), 1_180_000)  # the Page's follower count on a day
FOLLOWERS_PER_DAY = 310

AGE_GENDER = (
    ("18-24", 9.1, 7.4),
    ("25-34", 17.2, 11.8),
    ("35-44", 12.6, 7.9),
    ("45-54", 8.3, 4.6),
    ("55-64", 5.9, 3.1),
    ("65+", 4.4, 2.3),
)
TOP_CITIES = (
    ("Geneva, Switzerland", 6.2),
    ("Paris, France", 3.1),
    ("Lyon, France", 1.4),
    ("Annemasse, France", 1.1),
    ("London, United Kingdom", 1.0),
)
# Names as a French interface writes them in one download, English in the other.
TOP_COUNTRIES = (
    (("Switzerland", "Suisse"), 14.8),
    (("France", "France"), 12.5),
    (("Italy", "Italie"), 9.7),
    (("India", "Inde"), 8.2),
    (("Germany", "Allemagne"), 6.1),
    (("United States", "États-Unis"), 5.3),
)
TOP_PAGES = (("ESA", 2.1), ("EMBL", 1.3), ("NASA", 1.2))
TERRITORIES = (("CH", 0.151), ("FR", 0.124), ("IT", 0.096), ("IN", 0.083), ("DE", 0.062), ("US", 0.051))
GENDER = (("Female", 0.38), ("Male", 0.62))


def _quoted_utf8(rows: list[list[str]]) -> bytes:
    """Meta's chart-style downloads: UTF-8 with BOM, LF, every field quoted, no final newline."""
    return ("\ufeff" + "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows)).encode("utf-8")


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _named(stem: str, copy: int) -> str:
    return f"{stem}.csv" if copy == 0 else f"{stem} ({copy}).csv"


def _meta_file(name: str, content: bytes, day: date) -> DemoFile:
    downloaded = datetime(day.year, day.month, day.day, 9, 5, tzinfo=UTC)
    return DemoFile(Path(FOLDER) / name, content, downloaded)


def audience_csv(copy: int) -> bytes:
    """`Audience.csv`: the age and gender table, then the sideways top lists. The real file ends
    with the Page's Follows series too; the demo leaves it out, as its numbers would have to be the
    demo's `Follows.csv` ones (tests/test_audience_shapes.py reads a file that has it)."""
    drift = 1 + copy / 20  # the later download, a little more of the audience in the lists

    def line(*cells: str) -> str:
        return ",".join(f'"{cell}"' for cell in cells)

    def sideways(title: str, rows: list[tuple[str, float]]) -> list[str]:
        return [f'"{title}"', line(*(label for label, _ in rows)), line(*(_number(v) for _, v in rows)), ""]

    age = ['"Age & gender"', line("", "Men", "Women")]
    age += [line(band, _number(men), _number(women)) for band, men, women in AGE_GENDER] + [""]
    countries = [(names[copy % 2], share * drift) for names, share in TOP_COUNTRIES]
    lines = [
        "sep=,",
        *age,
        *sideways("Top cities", [(c, v * drift) for c, v in TOP_CITIES]),
        *sideways("Top countries", countries),
        *sideways("Top pages", list(TOP_PAGES)),
    ]
    return b"\xff\xfe" + "\n".join(lines).encode("utf-16-le")


def distribution_csv(header: str, rows: tuple[tuple[str, float], ...], percents: bool) -> bytes:
    scale = 100 if percents else 1
    listed = [[label, _number(share * scale)] for label, share in rows]
    others = (
        [["Others", _number((1 - sum(share for _, share in rows)) * scale)]]
        if header.startswith("Top")
        else []
    )
    return _quoted_utf8([[header, "Distribution"], *listed, *others])


def followers_on(day: date) -> int:
    first, count = FOLLOWERS_ON
    return count + FOLLOWERS_PER_DAY * (day - first).days + (day.toordinal() % 7) * 11


def follower_history_csv(download: date) -> bytes:
    """`FollowerHistory.csv`: `"August 19"` dates (no year), the count and the day's difference."""
    rows = [["Date", "Followers", "Difference in followers from previous day"]]
    for n in range(HISTORY_DAYS, 0, -1):
        day = download - timedelta(days=n)
        change = followers_on(day) - followers_on(day - timedelta(days=1))
        rows.append([f"{day:%B} {day.day}", str(followers_on(day)), str(change)])
    return _quoted_utf8(rows)


def facebook_files() -> list[DemoFile]:
    """CERN's Facebook audience downloads, paths relative to the `facebook` folder."""
    files = []
    for copy, day in enumerate(META_DOWNLOADS):
        files.append(_meta_file(_named("Audience", copy), audience_csv(copy), day))
    for copy, day in enumerate(FOLLOWER_DOWNLOADS):
        percents = copy == 1
        territories = "Top Territories" if percents else "Top territories"
        files += [
            _meta_file(_named("FollowerGender", copy), distribution_csv("Gender", GENDER, percents), day),
            _meta_file(
                _named("FollowerTopTerritories", copy),
                distribution_csv(territories, TERRITORIES, percents),
                day,
            ),
        ]
    for copy, day in enumerate(HISTORY_DOWNLOADS):
        files.append(_meta_file(_named("FollowerHistory", copy), follower_history_csv(day), day))
    return files


# ---------------------------------------------------------------------------- LinkedIn

LINKEDIN_DEMOGRAPHICS = {
    "Location": (
        ("Geneva, Switzerland", 0.22),
        ("Paris, France", 0.11),
        ("Lausanne, Switzerland", 0.05),
        ("Annemasse, France", 0.03),
        ("London, United Kingdom", 0.06),
        ("Bengaluru, India", 0.07),
    ),
    "Job function": (
        ("Research", 0.31),
        ("Engineering", 0.22),
        ("Education", 0.14),
        ("Information Technology", 0.09),
        ("Media and Communication", 0.04),
        ("Operations", 0.05),
    ),
    "Seniority": (
        ("Entry", 0.28),
        ("Senior", 0.24),
        ("Training", 0.12),
        ("Manager", 0.08),
        ("Director", 0.04),
    ),
    "Industry": (
        ("Research Services", 0.33),
        ("Higher Education", 0.21),
        ("Government Administration", 0.05),
        ("IT Services and IT Consulting", 0.09),
        ("Broadcast Media Production and Distribution", 0.02),
    ),
    "Company size": (
        ("2-10", 0.04),
        ("11-50", 0.07),
        ("201-500", 0.09),
        ("1001-5000", 0.18),
        ("10001+", 0.41),
    ),
}


def linkedin_demographic_sheets(measure: str, total: int) -> dict[str, list[list[object]]]:
    """The demographic sheets of a followers (`Total followers`) or visitors (`Total views`)
    workbook: `<dimension>, <measure>`, counts in numeric cells, company sizes as text."""
    return {
        sheet: [[sheet, measure], *([value, round(share * total)] for value, share in rows)]
        for sheet, rows in LINKEDIN_DEMOGRAPHICS.items()
    }


# ---------------------------------------------------------------------------- YouTube

YOUTUBE_TABLES = {
    "Geography": (
        ("Geography", "Views", "Watch time (hours)", "Average view duration"),
        (("CH", 0.18), ("FR", 0.14), ("US", 0.12), ("IN", 0.11), ("DE", 0.08), ("IT", 0.07), ("GB", 0.05)),
    ),
    "Cities": (
        ("Cities", "City name", "Views", "Watch time (hours)", "Average view duration"),
        (
            ("0x478c64ef6f596d61:0x5c56b5110fcb7b15", "Geneva, Switzerland", 0.09),
            ("0x47e66e1f06e2b70f:0x40b82c3688c9460", "Paris, France", 0.06),
            ("0x47f4ea7a1bf2b1ad:0x408ab2ae4bb4c10", "Lyon, France", 0.02),
        ),
    ),
    "Subscription status": (
        ("Subscription status", "Views", "Watch time (hours)", "Average view duration"),
        (("Not subscribed", 0.81), ("Subscribed", 0.19)),
    ),
    "Traffic source": (
        ("Traffic source", "Views", "Watch time (hours)", "Average view duration"),
        (
            ("YouTube search", 0.31),
            ("Browse features", 0.24),
            ("Suggested videos", 0.21),
            ("External", 0.12),
            ("Channel pages", 0.07),
            ("Direct or unknown", 0.05),
        ),
    ),
}
YOUTUBE_SHARE_TABLES = {
    "Viewer age": (
        ("13–17 years", 4.1),
        ("18–24 years", 21.7),
        ("25–34 years", 30.2),
        ("35–44 years", 19.5),
        ("45–54 years", 12.1),
        ("55–64 years", 7.6),
        ("65+ years", 4.8),
    ),
    "Viewer gender": (("Female", 27.4), ("Male", 72.1), ("User-specified", 0.5)),
}
SHARE_HEADER = (
    "Views (%)",
    "Average view duration",
    "Average percentage viewed (%)",
    "Watch time (hours) (%)",
)


def youtube_tables(window_views: int) -> dict[str, tuple[tuple[str, ...], list[list[str]]]]:
    """Each audience tab's `Table data.csv` (header and rows) for a window with these views: count
    tables list their values (a `Total` row first where Studio writes one), the viewer age and
    gender tables give only shares."""
    tables: dict[str, tuple[tuple[str, ...], list[list[str]]]] = {}
    for tab, (header, rows) in YOUTUBE_TABLES.items():
        listed = []
        for *labels, share in rows:
            views = round(share * window_views)
            listed.append([*labels, str(views), f"{views * 0.052:.4f}", "0:03:07"])
        total = [
            [
                "Total",
                *([""] * (len(header) - 4)),
                str(window_views),
                f"{window_views * 0.052:.4f}",
                "0:03:07",
            ]
        ]
        tables[tab] = (header, ([] if tab == "Cities" else total) + listed)
    for tab, rows in YOUTUBE_SHARE_TABLES.items():
        tables[tab] = (
            (tab, *SHARE_HEADER),
            [[label, _number(share), "0:03:07", "38.2", _number(share)] for label, share in rows],
        )
    return tables


def csv_bytes(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    """UTF-8 without BOM, LF, minimal quoting, as Studio writes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
