"""Demo exports at scale, for the benchmark (`socialkpi demo --scale cern|agency`).

`cern`: one team like CERN's, six accounts on five platforms (X in English and French, a Facebook
Page, Instagram, LinkedIn, YouTube), ten years of weekly downloads. `agency`: a hundred such
teams (600 accounts) over three years, each team downloading every other week on its own weekday.

The files are the default demo's, made by the same writers (demo/twitter.py, meta.py, linkedin.py,
youtube.py), over longer histories and more accounts: X per-tweet and per-day exports (generation
B until 2023, then the 2025 Content and Account overview exports), Meta posts, stories and daily
series (the Impressions generation until 2024, then Views), LinkedIn content and followers
workbooks, YouTube's weekly Date tab and a quarterly lifetime Content tab. Each account's history
is generated once and its files are written one by one, so memory follows one account, not the
scale.
"""

from __future__ import annotations

import bisect
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from pipelines.formats import meta as meta_formats
from socialkpi.demo import linkedin, meta, twitter, youtube
from socialkpi.demo.twitter import DemoFile

DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)
WINDOW = timedelta(days=28)  # posts exports and daily series cover the last 28 days
X_GENERATION_C = date(2024, 1, 1)  # X's 2025 exports from here on, generation B before
META_VIEWS = date(2025, 1, 1)  # Meta says Views from here on, Impressions before


@dataclass(frozen=True)
class Scale:
    name: str
    teams: int
    first: date  # the first Monday of downloads
    weeks: int
    every: int  # weeks between two downloads of a team
    series_every: int  # downloads between two of the daily series and per-day exports
    linkedin_every: int  # downloads between two LinkedIn workbooks
    content_every: int  # downloads between two lifetime YouTube Content tabs

    @property
    def last(self) -> date:
        """The last Monday of downloads."""
        return self.first + (self.weeks - 1) * WEEK


SCALES = {
    "cern": Scale("cern", 1, date(2016, 1, 4), 522, 1, 4, 1, 13),
    "agency": Scale("agency", 100, date(2023, 1, 2), 157, 2, 2, 2, 6),
}


@dataclass(frozen=True)
class Team:
    """One team: its folder under the exports folder, its names, and the weekday it downloads."""

    folder: str
    name: str  # CERN, Client007
    seed: str
    weekday: int

    def path(self, platform: str, account: str, name: str) -> Path:
        return Path(self.folder) / platform / account / name


def teams(scale: Scale) -> list[Team]:
    if scale.teams == 1:
        return [Team("", "CERN", "cern", 0)]
    return [Team(f"client{n:03d}", f"Client{n:03d}", f"client{n:03d}", n % 5) for n in range(scale.teams)]


def download_days(scale: Scale, team: Team) -> list[date]:
    return [scale.first + week * WEEK + team.weekday * DAY for week in range(0, scale.weeks, scale.every)]


def write_scale_exports(
    folder: Path, scale_name: str, days: tuple[date | None, date | None] = (None, None)
) -> list[Path]:
    """Write the scale's exports downloaded in [days[0], days[1]) (all by default), one file at a
    time; return their paths."""
    scale = SCALES[scale_name]
    wanted = _Days(days[0] or date.min, days[1] or date.max)
    return [
        _write(folder / download.path, download)
        for team in teams(scale)
        for download in team_files(scale, team, wanted)
    ]


@dataclass(frozen=True)
class _Days:
    """The download days to write: files of other days are not even made."""

    start: date
    stop: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.stop


def last_download_day(scale_name: str) -> date:
    """The day of the scale's last downloads (the benchmark's "one more day")."""
    scale = SCALES[scale_name]
    return max(download_days(scale, team)[-1] for team in teams(scale))


def team_files(scale: Scale, team: Team, wanted: _Days) -> Iterator[DemoFile]:
    for platform in (_x_files, _facebook_files, _instagram_files, _linkedin_files, _youtube_files):
        yield from platform(scale, team, wanted)


def _write(path: Path, demo: DemoFile) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(demo.content)
    stamp = demo.downloaded_at.timestamp()
    os.utime(path, (stamp, stamp))
    return path


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _moved(demo: DemoFile, path: Path, day: date) -> DemoFile:
    """A writer's file under the team's folder, downloaded on the team's day."""
    return replace(demo, path=path, downloaded_at=_at(day, 9))


def _between(items: list, times: list, start, end) -> list:
    """The items whose time is in [start, end), from lists sorted by time."""
    return items[bisect.bisect_left(times, start) : bisect.bisect_left(times, end)]


# ---------------------------------------------------------------------------- X


def _x_files(scale: Scale, team: Team, wanted: _Days) -> Iterator[DemoFile]:
    days = download_days(scale, team)
    for index, (handle, language, rate, base) in enumerate(
        ((team.name.upper(), "en", 3.0, 25000.0), (f"{team.name.upper()}_FR", "fr", 1.5, 4000.0))
    ):
        account = twitter.Account(handle, language, handle.lower(), rate, base)
        rng = random.Random(f"socialkpi-scale-{team.seed}-{handle}")
        machine = (teams(scale).index(team) * 2 + index) % 4096
        tweets = twitter.tweets_between(account, days[0] - WINDOW - WINDOW, days[-1], rng, machine=machine)
        times = [t.posted_at.date() for t in tweets]
        for number, day in enumerate(days):
            if day in wanted:
                daily = number % scale.series_every == 0
                yield from _x_download(account, tweets, times, day, number, daily, team)


def _x_download(account, tweets, times, day: date, number: int, with_daily: bool, team: Team):
    window = (day - WINDOW, day)
    # Tweets gain nearly everything in their first days: a day's totals count the last week's.
    recent = _between(tweets, times, day - WINDOW - WEEK, day)
    if day < X_GENERATION_C:
        files = [twitter.gen_ab_tweet_file(account, _between(tweets, times, *window), window, "B")]
        if with_daily:
            files.append(twitter.gen_ab_daily_file(account, recent, window, "B"))
    else:
        inclusive = (window[0], day - DAY)
        files = [twitter.x_content_file(account, _between(tweets, times, *window), inclusive, "2025")]
        if with_daily:
            files.append(twitter.x_overview_file(account, recent, inclusive, number))
    for demo in files:
        yield _moved(demo, team.path("twitter", account.folder, demo.path.name), day)


# ---------------------------------------------------------------------------- Facebook, Instagram


def _facebook_files(scale: Scale, team: Team, wanted: _Days) -> Iterator[DemoFile]:
    days = download_days(scale, team)
    rng = random.Random(f"socialkpi-scale-{team.seed}-facebook")
    posts = meta._posts_between(days[0] - WINDOW, days[-1], 1.3, meta._facebook_post, rng)
    page_id = str(100064561201482 + teams(scale).index(team))

    def cells(post: meta.Post, as_of: datetime) -> dict[str, str]:
        return {**meta.facebook_cells(post, as_of), "Page name": team.name, "Page ID": page_id}

    exports = [
        meta.PostsExport("facebook", "posts", header, meta_formats.FACEBOOK_POSTS, cells)
        for header in (meta.FB_HEADER_IMPRESSIONS, meta.FB_HEADER_VIEWS)
    ]
    yield from _meta_downloads(
        scale, team, "facebook", (days, wanted), [(posts, exports)], meta.FACEBOOK_SERIES, meta.facebook_day
    )


def _instagram_files(scale: Scale, team: Team, wanted: _Days) -> Iterator[DemoFile]:
    days = download_days(scale, team)
    rng = random.Random(f"socialkpi-scale-{team.seed}-instagram")
    posts = meta._posts_between(days[0] - WINDOW, days[-1], 0.9, meta._instagram_post, rng)
    stories = meta._posts_between(days[0] - WINDOW, days[-1], 0.6, meta._instagram_story, rng)
    username, account_id = team.name.lower(), str(17841401827633490 + teams(scale).index(team))

    def cells(post: meta.Post, as_of: datetime) -> dict[str, str]:
        names = {"Account username": username, "Account ID": account_id, "Account name": team.name}
        return {**meta.instagram_cells(post, as_of), **names}

    def exports(kind: str, headers: tuple[tuple[str, ...], tuple[str, ...]], fmt) -> list[meta.PostsExport]:
        return [meta.PostsExport("instagram", kind, header, fmt, cells) for header in headers]

    both = [
        (
            posts,
            exports(
                "posts",
                (meta.IG_POSTS_HEADER_IMPRESSIONS, meta.IG_POSTS_HEADER_VIEWS),
                meta_formats.INSTAGRAM_POSTS,
            ),
        ),
        (
            stories,
            exports(
                "stories",
                (meta.IG_STORIES_HEADER_IMPRESSIONS, meta.IG_STORIES_HEADER_VIEWS),
                meta_formats.INSTAGRAM_STORIES,
            ),
        ),
    ]
    yield from _meta_downloads(
        scale, team, "instagram", (days, wanted), both, meta.INSTAGRAM_SERIES, meta.instagram_day
    )


def _meta_downloads(
    scale: Scale,
    team: Team,
    platform: str,
    days_wanted: tuple[list[date], _Days],
    kinds: list[tuple[list[meta.Post], list[meta.PostsExport]]],
    series: tuple[meta.Series, ...],
    day_values: Callable[[date, dict[str, int]], dict[str, int]],
) -> Iterator[DemoFile]:
    """Every download day: the posts exports (Impressions or Views generation) of its last 28
    days; every few: the daily series too."""
    account = team.name.lower()
    days, wanted = days_wanted
    chosen = [day for day in days if day in wanted]
    if not chosen:
        return
    everything = sorted((p for posts, _ in kinds for p in posts), key=lambda p: p.posted_at)
    values = meta.daily_values(everything, chosen[0] - WINDOW, chosen[-1], day_values)
    times = [[p.posted_at.date() for p in posts] for posts, _ in kinds]
    for number, day in enumerate(days):
        if day not in wanted:
            continue
        for (posts, (impressions, views)), posted in zip(kinds, times, strict=True):
            window = _between(posts, posted, day - WINDOW, day)
            demo = meta.posts_file(impressions if day < META_VIEWS else views, window, day)
            yield _moved(demo, team.path(platform, account, demo.path.name), day)
        if number % scale.series_every == 0:
            for one in series:
                demo = meta.series_file(one, values, day, number // scale.series_every)
                yield _moved(demo, team.path(platform, account, demo.path.name), day)


# ---------------------------------------------------------------------------- LinkedIn


def _linkedin_files(scale: Scale, team: Team, wanted: _Days) -> Iterator[DemoFile]:
    """The content workbook (the last 90 days) and, every other time, the followers workbook."""
    days = download_days(scale, team)[:: scale.linkedin_every]
    rng = random.Random(f"socialkpi-scale-{team.seed}-linkedin")
    organisation = team.name.lower()
    posts = linkedin._posts(rng, days[0] - timedelta(days=90), days[-1])
    for number, day in enumerate(days):
        if day not in wanted:
            continue
        # A generator per download: any range of days writes the same files.
        daily = random.Random(f"socialkpi-scale-{team.seed}-linkedin-{day}")
        files = [linkedin._content_export(posts, daily, day, "xls")]
        if number % 2 == 0:
            files.append(linkedin._followers_export(daily, day))
        for demo in files:
            name = Path(demo.path).name.replace(f"{linkedin.ORGANISATION}_", f"{organisation}_", 1)
            yield _moved(demo, team.path("linkedin", organisation, name), day)


# ---------------------------------------------------------------------------- YouTube


def _youtube_files(scale: Scale, team: Team, wanted: _Days) -> Iterator[DemoFile]:
    """Every download day the Date tab of the last 28 days; every few, the Content tab of the
    channel's lifetime (`Table data.csv` with every video, the chart of the top five, totals)."""
    days = download_days(scale, team)
    if not any(day in wanted for day in days):
        return
    start = days[0] - WINDOW
    videos = _videos(team, start, days[-1])
    per_day = _channel_days(videos, start, days[-1])
    views = {day: int(m["views"]) for day, m in per_day.items()}
    for number, day in enumerate(days):
        if day not in wanted:
            continue
        end = day - DAY
        first = end - WINDOW + DAY
        totals = youtube._csv(youtube.TOTALS_HEADER, youtube.totals_rows(views, first, end))
        table = youtube._csv(youtube.DATE_TABLE_HEADER, _date_rows(per_day, first, end))
        files = [
            ("Date", first, [("Table data.csv", table), ("Chart data.csv", totals), ("Totals.csv", totals)])
        ]
        published = [v for v in videos if v.published <= end]
        if number % scale.content_every == 0 and published:
            content = youtube.content_table(published, end, "Total")
            chart = youtube.chart_rows(published, start, end)
            lifetime = youtube.totals_rows(views, start, end)
            members = [
                ("Table data.csv", youtube._csv(youtube.CONTENT_HEADER, content)),
                ("Chart data.csv", youtube._csv(youtube.CHART_HEADER, chart)),
                ("Totals.csv", youtube._csv(youtube.TOTALS_HEADER, lifetime)),
            ]
            files.append(("Content", start, members))
        for tab, window_start, members in files:
            name = f"{tab} {window_start.isoformat()}_{end.isoformat()} {team.name}.zip"
            yield DemoFile(
                team.path("youtube", team.name.lower(), name), youtube._zip(members, _at(day, 9)), _at(day, 9)
            )


def _videos(team: Team, start: date, last: date) -> list[youtube.Video]:
    """About two videos a week."""
    rng = random.Random(f"socialkpi-scale-{team.seed}-youtube")
    videos: list[youtube.Video] = []
    day = start
    while day <= last:
        if rng.random() < 0.3:
            videos.append(youtube._video(day, len(videos), rng))
        day += DAY
    return videos


def _channel_days(videos: list[youtube.Video], start: date, last: date) -> dict[date, dict[str, float]]:
    """What every video gained each day (views, watch hours, net subscribers): the demo's
    youtube.channel_day over years of days, with numpy (one array per video, not one call per
    video and day)."""
    length = (last - start).days + 1
    totals = {key: np.zeros(length) for key in ("views", "watch_hours", "subscribers")}
    for video in videos:
        offset = (video.published - start).days
        age = np.arange(1, length - offset + 1, dtype=float)
        shape = 0.55 * (1 - np.exp(-age / 3)) + 0.45 * age / (age + 120)
        views = np.floor(video.final_views * shape)
        lifetime = {
            "views": views,
            "watch_hours": views * video.duration * video.watched_share / 3600,
            "subscribers": np.trunc(views * video.subscribe_rate),
        }
        for key, values in lifetime.items():
            totals[key][offset:] += np.diff(values, prepend=0.0)
    return {
        start + day * DAY: {key: float(values[day]) for key, values in totals.items()}
        for day in range(length)
    }


def _date_rows(per_day: dict[date, dict[str, float]], first: date, end: date) -> list[list[str]]:
    """The Date tab's table: the Total row, then one row per day, newest first (as
    youtube.date_table writes it)."""
    days = [first + n * DAY for n in range((end - first).days + 1)]
    rows = [["Total", *youtube._date_cells(youtube._sum([per_day[day] for day in days]))]]
    return rows + [[day.isoformat(), *youtube._date_cells(per_day[day])] for day in reversed(days)]
