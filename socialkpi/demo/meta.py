"""Demo Meta Business Suite exports of CERN's Facebook Page and Instagram account, byte-faithful to
the shapes of docs/formats.md §2.1, §2.2 and §3.

Posts and stories exports are downloaded every Monday for the last 28 days (end inclusive), so a
post appears in four weekly snapshots with growing lifetime numbers. Two generations: spring 2024
(`Impressions`, `Plays` for Instagram reels, clicks on Facebook) and summer 2025 (`Views`). A few
2025 Facebook downloads come from a French interface, one of them beside an English download of
the same window. The daily series (UTF-16LE, `sep=,` preamble, a title line) are downloaded every
other Monday for 28 days; their last day is still incomplete and the next download revises it.
A day in a series is what the posts gained that day plus what the account got outside its posts.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipelines.formats import meta as declared
from pipelines.formats.spec import ExportFormat
from socialkpi.demo import audience
from socialkpi.demo.twitter import MONTHS, DemoFile

ACCOUNT_FOLDER = "cern"
PAGE_NAME = "CERN"
PAGE_ID = "100064561201482"
IG_ACCOUNT_ID = "17841401827633490"
IG_USERNAME = "cern"
IG_NAME = "CERN"

# The real Views-generation Facebook posts header, in order (docs/formats.md §2.1).
FB_HEADER_VIEWS = (
    "Post ID",
    "Page ID",
    "Page name",
    "Title",
    "Description",
    "Duration (sec)",
    "Publish time",
    "Caption type",
    "Permalink",
    "Is crosspost",
    "Is share",
    "Post type",
    "Languages",
    "Custom labels",
    "Funded content status",
    "Data comment",
    "Date",
    "Views",
    "Views from Organic posts",
    "Views from Boosted posts",
    "Reach",
    "Reach from Organic posts",
    "Reach from Boosted posts",
    "3-second video views",
    "1-minute video views",
    "3-Second viewers",
    "1-minute viewers",
    "3-second video views from Boosted posts",
    "3-second video views from Organic posts",
    "Reactions, Comments and Shares",
    "Reactions",
    "Comments",
    "Shares",
    "Seconds viewed",
    "Average Seconds viewed",
)
# The Impressions generation (2023 to early 2025): Impressions instead of Views, clicks and the
# negative feedback columns that come and go.
FB_HEADER_IMPRESSIONS = (
    *FB_HEADER_VIEWS[:17],
    "Impressions",
    *FB_HEADER_VIEWS[20:33],
    "Total clicks",
    "Link Clicks",
    "Other Clicks",
    "Negative feedback from users: Hide all",
    "Negative feedback from users: Hide",
    *FB_HEADER_VIEWS[33:],
)
_IG_COMMON = (
    "Post ID",
    "Account ID",
    "Account username",
    "Account name",
    "Description",
    "Duration (sec)",
    "Publish time",
    "Permalink",
    "Post type",
    "Data comment",
    "Date",
)
IG_POSTS_HEADER_VIEWS = (*_IG_COMMON, "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves")
IG_POSTS_HEADER_IMPRESSIONS = (
    *_IG_COMMON,
    "Impressions",
    "Reach",
    "Likes",
    "Shares",
    "Follows",
    "Comments",
    "Saves",
    "Plays",
)
_STORY_COLUMNS = ("Replies", "Navigation", "Profile visits", "Link clicks", "Sticker taps")
IG_STORIES_HEADER_VIEWS = (*_IG_COMMON, "Views", "Reach", "Likes", "Shares", "Follows", *_STORY_COLUMNS)
IG_STORIES_HEADER_IMPRESSIONS = (*_IG_COMMON, "Impressions", "Reach", "Likes", "Shares", *_STORY_COLUMNS)

TOPICS = (
    "the Higgs boson",
    "antimatter",
    "dark matter",
    "the Large Hadron Collider",
    "neutrinos",
    "superconducting magnets",
    "the quark-gluon plasma",
    "muon physics",
)
THINGS = (
    "the ATLAS detector",
    "the CMS cavern",
    "a cloud chamber",
    "the Antiproton Decelerator",
    "Science Gateway",
    "the first web server",
    "the CERN Control Centre",
)
CAPTIONS = (
    "What is {topic}? Our physicists explain it in 60 seconds ⚛️",
    "A rare look inside {thing} during the year-end technical stop.",
    "New result: a more precise measurement of {topic}, with 10 years of data.\n\nRead more: {link}",
    "#TBT: {thing} in {year}. How much has changed since then?",
    "Meet Dr {person}, who works on {topic} at CERN 👩‍🔬 #WomenInScience",
    "𝐍𝐄𝐖 on our website: {topic}, explained.\n➢ {link}",
    'Your questions, answered: "Why is the LHC so cold?" 🥶 (colder than outer space, at 1.9 K)',
    "Open days at CERN: come and see {thing}! Registration, programme and maps: {link}",
    "Celebrating 70 years of science for peace 🎉\nThank you to everyone who made it possible.",
    "Behind the scenes at {thing}, with the people who keep it running, day and night.",
)
PEOPLE = ("Fabiola", "Amina", "Sofia", "Elena", "Chiara", "Ayesha", "Lucia")


@dataclass(frozen=True)
class Post:
    """A Facebook post, an Instagram post or an Instagram story; times in the Page's time zone."""

    post_id: str
    posted_at: datetime
    post_type: str
    title: str
    text: str
    permalink: str
    duration: int
    final_reach: int
    views_per_reach: float
    engagement: float
    has_link: bool
    has_sticker: bool = False

    @property
    def is_story(self) -> bool:
        return self.post_type == "IG story"

    def lifetime(self, as_of: datetime) -> dict[str, int]:
        """Lifetime metrics as of a moment: most of the reach in the first days, then a slow tail
        (a story is gone after 24 hours). Every metric grows with age."""
        age_days = max((as_of - self.posted_at).total_seconds() / 86400, 0.0)
        reach = int(self.final_reach * _reached(age_days, self.is_story))
        views = int(reach * self.views_per_reach)
        engaged = reach * self.engagement
        metrics = {name: int(engaged * share) for name, share in ENGAGED_SHARES.items()}
        metrics |= {name: int(reach * share) for name, share in REACH_SHARES.items()}
        metrics |= {
            "reach": reach,
            "views": views,
            "navigation": int(views * 0.85),
            "link_clicks": int(reach * 0.025) if self.has_link else 0,
            "sticker_taps": int(engaged * 0.4) if self.has_sticker else 0,
        }
        metrics["interactions"] = metrics["reactions"] + metrics["comments"] + metrics["shares"]
        metrics["total_clicks"] = metrics["link_clicks"] + metrics["other_clicks"]
        return metrics


# Shares of the reacting people (reactions on Facebook, likes on Instagram) and of the reach.
ENGAGED_SHARES = {
    "reactions": 1.0,
    "likes": 1.0,
    "comments": 0.08,
    "shares": 0.12,
    "saves": 0.14,
    "replies": 0.3,
}
REACH_SHARES = {
    "follows": 0.002,
    "other_clicks": 0.03,
    "profile_visits": 0.012,
    "hide": 0.0008,
    "hide_all": 0.0003,
}


def _reached(age_days: float, story: bool) -> float:
    if story:
        return 1 - math.exp(-age_days * 24 / 4)
    return 0.8 * (1 - math.exp(-age_days / 1.2)) + 0.2 * age_days / (age_days + 15)


# ---------------------------------------------------------------------------- posts


def _days(start: date, end: date) -> Iterator[date]:
    """Days in [start, end)."""
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


def _mondays(first: date, last: date) -> list[date]:
    """Mondays in [first, last]."""
    day = first + timedelta(days=(7 - first.weekday()) % 7)
    return [day + timedelta(weeks=n) for n in range((last - day).days // 7 + 1)]


def _count(rng: random.Random, mean: float) -> int:
    """A Poisson-distributed number of posts on one day."""
    threshold, k, product = math.exp(-mean), 0, rng.random()
    while product > threshold:
        k += 1
        product *= rng.random()
    return k


def _caption(rng: random.Random) -> str:
    return rng.choice(CAPTIONS).format(
        topic=rng.choice(TOPICS),
        thing=rng.choice(THINGS),
        person=rng.choice(PEOPLE),
        year=rng.randrange(1954, 2012),
        link=f"https://home.cern/news/{rng.getrandbits(24):x}",
    )


def _shortcode(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "D" + "".join(rng.choice(alphabet) for _ in range(10))


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 8 + rng.randrange(12), rng.randrange(60))


def _posts_between(
    start: date, end: date, per_day: float, make: Callable[[date, random.Random], Post], rng: random.Random
) -> list[Post]:
    posts = [make(day, rng) for day in _days(start, end) for _ in range(_count(rng, per_day))]
    return sorted(posts, key=lambda p: p.posted_at)


FB_TYPES = ("Photos", "Reels", "Videos", "Links")


def _facebook_post(day: date, rng: random.Random) -> Post:
    post_type = rng.choices(FB_TYPES, weights=(5, 3, 1, 2))[0]
    post_id = str(rng.randrange(10**15, 10**16))
    caption = _caption(rng)
    duration = {"Reels": rng.randrange(15, 90), "Videos": rng.randrange(60, 900)}.get(post_type, 0)
    permalink = {
        "Reels": f"https://www.facebook.com/reel/{rng.randrange(10**15, 10**16)}/",
        "Videos": f"https://www.facebook.com/cern/videos/{rng.randrange(10**15, 10**16)}/",
    }.get(post_type, f"https://www.facebook.com/cern/posts/pfbid0{rng.getrandbits(300):x}"[:90])
    # Which of Title and Description holds the caption varies (docs/formats.md §2.1).
    title, text = {
        "Reels": (caption, caption),
        "Videos": (caption.split(":")[0].split("\n")[0][:60], caption),
    }.get(post_type, (caption, ""))
    return Post(
        post_id=post_id,
        posted_at=_at(day, rng),
        post_type=post_type,
        title=title,
        text=text,
        permalink=permalink,
        duration=duration,
        final_reach=int(30000 * rng.lognormvariate(0, 0.7) * (1.8 if post_type == "Reels" else 1.0)),
        views_per_reach=rng.uniform(1.15, 1.6),
        engagement=rng.uniform(0.01, 0.05),
        has_link=post_type == "Links",
    )


IG_TYPES = ("IG image", "IG carousel", "IG reel")


def _instagram_post(day: date, rng: random.Random) -> Post:
    post_type = rng.choices(IG_TYPES, weights=(4, 3, 3))[0]
    code = _shortcode(rng)
    reel = post_type == "IG reel"
    return Post(
        post_id=str(rng.randrange(17_900_000_000_000_000, 18_100_000_000_000_000)),
        posted_at=_at(day, rng),
        post_type=post_type,
        title="",
        text=_caption(rng),
        permalink=f"https://www.instagram.com/{'reel' if reel else 'p'}/{code}/",
        duration=rng.randrange(10, 90) if reel else 0,
        final_reach=int(45000 * rng.lognormvariate(0, 0.6) * (2.2 if reel else 1.0)),
        views_per_reach=rng.uniform(1.2, 1.8),
        engagement=rng.uniform(0.03, 0.09),
        has_link=False,
    )


def _instagram_story(day: date, rng: random.Random) -> Post:
    post_id = str(rng.randrange(17_900_000_000_000_000, 18_100_000_000_000_000))
    video = rng.random() < 0.4
    return Post(
        post_id=post_id,
        posted_at=_at(day, rng),
        post_type="IG story",
        title="",
        text=rng.choice(("", "", "Swipe up for more ⚛️", "Quiz time! 🧪", "Live from the LHC tunnel")),
        permalink=f"https://www.instagram.com/stories/{IG_USERNAME}/{post_id}/",
        duration=15 if video else 0,
        final_reach=int(9000 * rng.lognormvariate(0, 0.4)),
        views_per_reach=rng.uniform(1.05, 1.25),
        engagement=rng.uniform(0.01, 0.04),
        has_link=rng.random() < 0.4,
        has_sticker=rng.random() < 0.3,
    )


# ---------------------------------------------------------------------------- posts exports


def _meta_cell(value: str) -> str:
    """Meta quotes a cell only when it holds a space, a comma, a quote or a line break."""
    if any(ch in value for ch in ' ,"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _meta_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with BOM, LF, minimal quoting, a newline at the end."""
    return ("\ufeff" + "".join(",".join(_meta_cell(c) for c in row) + "\n" for row in rows)).encode("utf-8")


def _meta_day(day: date) -> str:
    return f"{MONTHS[day.month - 1]}-{day.day:02d}-{day.year}"


def _count_text(value: float) -> str:
    return str(int(value))


def _decimal(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _video_cells(post: Post, m: dict[str, int]) -> dict[str, str]:
    """Facebook video metrics, empty for photos and links."""
    if not post.duration:
        return {}
    views_3s = int(m["views"] * 0.45)
    views_1min = int(m["views"] * 0.08) if post.duration >= 60 else 0
    seconds = views_3s * min(post.duration, 4 + post.duration * 0.25)
    return {
        "3-second video views": str(views_3s),
        "1-minute video views": str(views_1min),
        "3-Second viewers": str(int(views_3s * 0.85)),
        "1-minute viewers": str(int(views_1min * 0.9)),
        "3-second video views from Boosted posts": "0",
        "3-second video views from Organic posts": str(views_3s),
        "Seconds viewed": _decimal(seconds),
        "Average Seconds viewed": _decimal(seconds / m["views"]) if m["views"] else "0",
    }


def facebook_cells(post: Post, as_of: datetime) -> dict[str, str]:
    """Every cell a Facebook posts export may have for this post, keyed by English header."""
    m = post.lifetime(as_of)
    counts = {
        "Views": m["views"],
        "Impressions": m["views"],
        "Views from Organic posts": m["views"],
        "Views from Boosted posts": 0,
        "Reach": m["reach"],
        "Reach from Organic posts": m["reach"],
        "Reach from Boosted posts": 0,
        "Reactions, Comments and Shares": m["interactions"],
        "Reactions": m["reactions"],
        "Comments": m["comments"],
        "Shares": m["shares"],
        "Total clicks": m["total_clicks"],
        "Link Clicks": m["link_clicks"],
        "Other Clicks": m["other_clicks"],
        "Negative feedback from users: Hide all": m["hide_all"],
        "Negative feedback from users: Hide": m["hide"],
    }
    return {
        "Post ID": post.post_id,
        "Page ID": PAGE_ID,
        "Page name": PAGE_NAME,
        "Title": post.title,
        "Description": post.text,
        "Duration (sec)": str(post.duration),
        "Publish time": f"{post.posted_at:%m/%d/%Y %H:%M}",
        "Caption type": {"Reels": "auto", "Videos": "uploaded"}.get(post.post_type, "N/A"),
        "Permalink": post.permalink,
        "Is crosspost": "0",
        "Is share": "0",
        "Post type": post.post_type,
        "Date": "Lifetime",
        **{name: _count_text(value) for name, value in counts.items()},
        **_video_cells(post, m),
    }


def instagram_cells(post: Post, as_of: datetime) -> dict[str, str]:
    """Every cell an Instagram posts or stories export may have, keyed by English header."""
    m = post.lifetime(as_of)
    return {
        "Post ID": post.post_id,
        "Account ID": IG_ACCOUNT_ID,
        "Account username": IG_USERNAME,
        "Account name": IG_NAME,
        "Description": post.text,
        "Duration (sec)": str(post.duration),
        "Publish time": f"{post.posted_at:%m/%d/%Y %H:%M}",
        "Permalink": post.permalink,
        "Post type": post.post_type,
        "Date": "Lifetime",
        "Views": str(m["views"]),
        "Impressions": str(m["views"]),
        "Plays": str(m["views"]) if post.post_type == "IG reel" else "",
        **{header: str(m[metric]) for header, metric in IG_COUNTS.items()},
    }


IG_COUNTS = {
    "Reach": "reach",
    "Likes": "likes",
    "Shares": "shares",
    "Follows": "follows",
    "Comments": "comments",
    "Saves": "saves",
    "Replies": "replies",
    "Navigation": "navigation",
    "Profile visits": "profile_visits",
    "Link clicks": "link_clicks",
    "Sticker taps": "sticker_taps",
}


@dataclass(frozen=True)
class PostsExport:
    """One kind of posts export: where it goes, its header and how a post fills it."""

    channel: str
    kind: str
    header: tuple[str, ...]
    fmt: ExportFormat
    cells: Callable[[Post, datetime], dict[str, str]]


def posts_file(export: PostsExport, posts: list[Post], monday: date, language: str = "en") -> DemoFile:
    """The export downloaded on a Monday morning: the last 28 days, end inclusive, newest first."""
    start, end = monday - timedelta(days=28), monday - timedelta(days=1)
    as_of = datetime(monday.year, monday.month, monday.day, 9)
    rows = [export.fmt.localised_header(export.header, language)]
    for post in reversed(posts):
        if start <= post.posted_at.date() <= end:
            cells = export.cells(post, as_of)
            rows.append([cells.get(h, "") for h in export.header])
    export_id = random.Random(f"{export.channel}-{export.kind}-{monday}-{language}").randrange(10**15, 10**16)
    name = f"{_meta_day(start)}_{_meta_day(end)}_{export_id}.csv"
    downloaded = datetime(monday.year, monday.month, monday.day, 8, tzinfo=UTC)
    return DemoFile(Path(ACCOUNT_FOLDER) / name, _meta_csv(rows), downloaded)


# ---------------------------------------------------------------------------- daily series


@dataclass(frozen=True)
class Series:
    file_stem: str  # Follows -> Follows.csv, Follows (1).csv, ...
    title: str  # the title line: dbt seed meta_daily_series_titles
    metric: str


FACEBOOK_SERIES = (
    Series("Follows", "Facebook follows", "follows"),
    Series("Views", "Views", "views"),
    Series("Visits", "Facebook visits", "visits"),
    Series("Interactions", "Content interactions", "interactions"),
    Series("Link clicks", "Facebook link clicks", "link_clicks"),
)
INSTAGRAM_SERIES = (
    Series("Follows", "Instagram follows", "follows"),
    Series("Reach", "Instagram reach", "reach"),
    Series("Views", "Instagram views", "views"),
    Series("Profile visits", "Instagram profile visits", "profile_visits"),
)
_GAINED = ("reach", "views", "interactions", "link_clicks", "follows", "profile_visits")
_LOOKBACK = timedelta(days=30)  # older posts gain next to nothing in a day


def gained_on(posts: list[Post], starts: list[datetime], day: date) -> dict[str, int]:
    """What the posts gained on `day` (posts older than a month are left out: they gain ~0)."""
    day_start = datetime(day.year, day.month, day.day)
    day_end = day_start + timedelta(days=1)
    totals = dict.fromkeys(_GAINED, 0)
    first, last = bisect.bisect_left(starts, day_start - _LOOKBACK), bisect.bisect_left(starts, day_end)
    for post in posts[first:last]:
        before, after = post.lifetime(day_start), post.lifetime(day_end)
        for key in _GAINED:
            totals[key] += after[key] - before[key]
    return totals


def _weekly_level(day: date, rng: random.Random, level: float) -> int:
    weekend = 0.75 if day.weekday() >= 5 else 1.0
    return int(level * weekend * rng.uniform(0.7, 1.3))


def facebook_day(day: date, gained: dict[str, int]) -> dict[str, int]:
    rng = random.Random(f"facebook-{ACCOUNT_FOLDER}-{day.isoformat()}")
    return {
        "follows": _weekly_level(day, rng, 140) + gained["follows"],
        "views": _weekly_level(day, rng, 4000) + gained["views"],
        "visits": _weekly_level(day, rng, 1100) + int(gained["reach"] * 0.01),
        "interactions": gained["interactions"],
        "link_clicks": gained["link_clicks"],
    }


def instagram_day(day: date, gained: dict[str, int]) -> dict[str, int]:
    rng = random.Random(f"instagram-{ACCOUNT_FOLDER}-{day.isoformat()}")
    return {
        "follows": _weekly_level(day, rng, 90) + gained["follows"],
        "reach": _weekly_level(day, rng, 5000) + int(gained["reach"] * 0.85),
        "views": _weekly_level(day, rng, 8000) + gained["views"],
        "profile_visits": _weekly_level(day, rng, 300) + gained["profile_visits"],
    }


def daily_values(
    posts: list[Post], first: date, last: date, day_values: Callable[[date, dict[str, int]], dict[str, int]]
) -> dict[date, dict[str, int]]:
    """Each day's complete values in [first, last]."""
    starts = [p.posted_at for p in posts]
    return {
        day: day_values(day, gained_on(posts, starts, day)) for day in _days(first, last + timedelta(days=1))
    }


def series_file(
    series: Series, values: dict[date, dict[str, int]], monday: date, copy_number: int
) -> DemoFile:
    """`Follows.csv` (repeat downloads `Follows (1).csv`, ...): UTF-16LE with BOM, `sep=,`, the
    title, then `"Date","Primary"`, oldest first, ending with an empty line. The last day is still
    being counted: the next download revises it."""
    start, end = monday - timedelta(days=28), monday - timedelta(days=1)
    lines = ["sep=,", f'"{series.title}"', '"Date","Primary"']
    for day in _days(start, monday):
        value = values[day][series.metric]
        value = int(value * 0.7) if day == end else value
        lines.append(f'"{day.isoformat()}T00:00:00","{value}"')
    text = "\n".join(lines) + "\n\n"
    name = f"{series.file_stem}.csv" if copy_number == 0 else f"{series.file_stem} ({copy_number}).csv"
    downloaded = datetime(monday.year, monday.month, monday.day, 8, 30, tzinfo=UTC)
    return DemoFile(Path(ACCOUNT_FOLDER) / name, b"\xff\xfe" + text.encode("utf-16-le"), downloaded)


# ---------------------------------------------------------------------------- the downloads

GEN_2024 = (date(2024, 2, 5), date(2024, 5, 27))  # first and last weekly download, Impressions
GEN_2025 = (date(2025, 6, 2), date(2025, 9, 29))  # Views
# 2025 weeks downloaded from a French interface; the first also in English (same window).
FRENCH_WEEKS = (date(2025, 7, 14), date(2025, 7, 21), date(2025, 8, 4))
SERIES_EVERY = 2  # weeks between two downloads of the daily series


def _history(make: Callable[[date, random.Random], Post], per_day: float, seed: str) -> list[Post]:
    """Posts of both generations: from four weeks before the first download of each."""
    rng = random.Random(seed)
    posts = []
    for first, last in (GEN_2024, GEN_2025):
        posts += _posts_between(first - timedelta(days=28), last, per_day, make, rng)
    return posts


def _weekly(export_2024: PostsExport, export_2025: PostsExport, posts: list[Post]) -> list[DemoFile]:
    files = [posts_file(export_2024, posts, monday) for monday in _mondays(*GEN_2024)]
    return files + [posts_file(export_2025, posts, monday) for monday in _mondays(*GEN_2025)]


def _series_files(
    series: tuple[Series, ...],
    posts: list[Post],
    day_values: Callable[[date, dict[str, int]], dict[str, int]],
) -> list[DemoFile]:
    mondays = _mondays(*GEN_2025)[::SERIES_EVERY]
    values = daily_values(posts, mondays[0] - timedelta(days=28), mondays[-1], day_values)
    return [series_file(s, values, monday, copy) for copy, monday in enumerate(mondays) for s in series]


def _fb_export(header: tuple[str, ...]) -> PostsExport:
    return PostsExport("facebook", "posts", header, declared.FACEBOOK_POSTS, facebook_cells)


def facebook_posts() -> list[Post]:
    """Every demo Facebook post (the demo comments are written on these)."""
    return _history(_facebook_post, 1.3, "socialkpi-demo-facebook-cern")


def instagram_posts() -> list[Post]:
    """Every demo Instagram post, stories left out."""
    return _history(_instagram_post, 0.9, "socialkpi-demo-instagram-cern")


def facebook_files() -> list[DemoFile]:
    """CERN's Facebook Page, paths relative to the `facebook` folder."""
    posts = facebook_posts()
    impressions, views = _fb_export(FB_HEADER_IMPRESSIONS), _fb_export(FB_HEADER_VIEWS)
    files = [posts_file(impressions, posts, monday) for monday in _mondays(*GEN_2024)]
    for monday in _mondays(*GEN_2025):
        if monday in FRENCH_WEEKS:
            files.append(posts_file(views, posts, monday, "fr"))
        if monday not in FRENCH_WEEKS[1:]:
            files.append(posts_file(views, posts, monday, "en"))
    return files + _series_files(FACEBOOK_SERIES, posts, facebook_day) + audience.facebook_files()


def instagram_files() -> list[DemoFile]:
    """CERN's Instagram account, paths relative to the `instagram` folder."""
    posts = instagram_posts()
    stories = _history(_instagram_story, 0.6, "socialkpi-demo-instagram-cern-stories")

    def export(kind: str, header: tuple[str, ...], fmt: ExportFormat) -> PostsExport:
        return PostsExport("instagram", kind, header, fmt, instagram_cells)

    files = _weekly(
        export("posts", IG_POSTS_HEADER_IMPRESSIONS, declared.INSTAGRAM_POSTS),
        export("posts", IG_POSTS_HEADER_VIEWS, declared.INSTAGRAM_POSTS),
        posts,
    )
    files += _weekly(
        export("stories", IG_STORIES_HEADER_IMPRESSIONS, declared.INSTAGRAM_STORIES),
        export("stories", IG_STORIES_HEADER_VIEWS, declared.INSTAGRAM_STORIES),
        stories,
    )
    everything = sorted(posts + stories, key=lambda p: p.posted_at)
    return files + _series_files(INSTAGRAM_SERIES, everything, instagram_day)


def demo_files() -> list[DemoFile]:
    """Every demo Meta export, paths relative to the exports folder, deterministic."""
    return [
        DemoFile(Path(channel) / f.path, f.content, f.downloaded_at)
        for channel, files in (("facebook", facebook_files), ("instagram", instagram_files))
        for f in files()
    ]
