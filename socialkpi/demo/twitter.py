"""Demo X/Twitter exports of a CERN-like team, byte-faithful to the shapes of docs/formats.md §1.

Two accounts (`CERN`, English interface; `CERN_FR`, French interface) across three export
generations, downloaded the way people do it: monthly in 2015 (generation A, "favorites"),
weekly 28-day windows in 2022 (generation B), weekly Content and Account overview exports in 2025
(generation C). Every weekly download repeats the tweets of the previous weeks with larger
lifetime numbers, so the same tweet appears in several snapshots. Numbers are consistent: a day's
impressions in the per-day export are the sum of what the tweets gained that day.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipelines.formats import twitter as declared

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TWITTER_EPOCH_MS = 1288834974657

# The real generation B per-tweet header, in order (docs/formats.md §1.1).
GEN_B_TWEET_HEADER = (
    "Tweet id,Tweet permalink,Tweet text,time,impressions,engagements,engagement rate,retweets,"
    "replies,likes,user profile clicks,url clicks,hashtag clicks,detail expands,permalink clicks,"
    "app opens,app installs,follows,email tweet,dial phone,media views,media engagements,"
    "promoted impressions,promoted engagements,promoted engagement rate,promoted retweets,"
    "promoted replies,promoted likes,promoted user profile clicks,promoted url clicks,"
    "promoted hashtag clicks,promoted detail expands,promoted permalink clicks,promoted app opens,"
    "promoted app installs,promoted follows,promoted email tweet,promoted dial phone,"
    "promoted media views,promoted media engagements"
).split(",")
GEN_B_DAILY_HEADER = ["Date", "Tweets published", *GEN_B_TWEET_HEADER[4:]]
X_CONTENT_HEADER_2025 = (
    "Post id,Date,Post text,Link,Impressions,Likes,Engagements,Bookmarks,Share,New follows,"
    "Replies,Reposts,Profile visits,Detail expands,Url clicks,Hashtag clicks,Permalink clicks"
).split(",")
X_CONTENT_HEADER_2026 = (
    "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,"
    "Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks"
).split(",")
X_OVERVIEW_HEADER = (
    "Date,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Unfollows,Replies,Reposts,"
    "Profile visits,Create Post,Video views,Media views"
).split(",")

TEXTS = {
    "en": (
        "New results from the #LHC: {topic} explained in 3 minutes {link}",
        "#TBT {year}: the first {thing} at CERN pic.twitter.com/{media}",
        "Meet {person}, a physicist working on {topic} at @CERN #WomenInScience pic.twitter.com/{media}",
        "Did you know? The LHC is 27 km long and colder than outer space. #CERNfacts",
        "Join us live for {event}, today at 16:00 CET {link}",
        "#PhotoOfTheWeek: {thing} during the long shutdown pic.twitter.com/{media}",
        "Congratulations to @ATLASexperiment and @CMSexperiment on {topic}! {link}",
        "Why does antimatter matter? Our physicists answer your questions 🧪 {link}",
        "Open days: 75 000 visitors came to see {thing}. Thank you! #CERNOpenDays",
        "Breaking: {topic}, a result that took 10 years of data {link}",
    ),
    "fr": (
        "Nouveaux résultats du #LHC : {topic} expliqué en 3 minutes {link}",
        "#TBT {year} : le premier {thing} au CERN pic.twitter.com/{media}",
        "Rencontrez {person}, physicienne au CERN qui travaille sur {topic} pic.twitter.com/{media}",
        "Le saviez-vous ? Le LHC mesure 27 km et il est plus froid que l'espace. #CERNfacts",
        "Suivez en direct {event}, aujourd'hui à 16 h {link}",
        "#PhotoDeLaSemaine : {thing} pendant l'arrêt technique pic.twitter.com/{media}",
        "Félicitations à @ATLASexperiment et @CMSexperiment pour {topic} ! {link}",
        "Pourquoi l'antimatière compte-t-elle ? Nos physiciens répondent 🧪 {link}",
        "Portes ouvertes : 75 000 visiteurs sont venus voir {thing}. Merci ! #CERNPortesOuvertes",
        "Dernière minute : {topic}, un résultat issu de 10 ans de données {link}",
    ),
}
WORDS = {
    "en": {
        "topic": (
            "the Higgs boson",
            "the W boson mass",
            "antihydrogen",
            "dark matter searches",
            "neutrino masses",
        ),
        "thing": (
            "web server",
            "particle collision",
            "superconducting magnet",
            "ALICE detector",
            "cloud chamber",
        ),
        "person": ("Fabiola", "Marie", "Amina", "Sofia", "Elena"),
        "event": (
            "the LHC Run 3 start",
            "a Q&A with the Director-General",
            "the Nobel lecture",
            "Science Gateway",
        ),
    },
    "fr": {
        "topic": (
            "le boson de Higgs",
            "la masse du boson W",
            "l'antihydrogène",
            "la matière noire",
            "les neutrinos",
        ),
        "thing": (
            "serveur web",
            "aimant supraconducteur",
            "détecteur ALICE",
            "chambre à brouillard",
            "accélérateur",
        ),
        "person": ("Fabiola", "Marie", "Amina", "Sofia", "Elena"),
        "event": ("le démarrage du Run 3", "les questions à la directrice générale", "Science Gateway"),
    },
}


@dataclass(frozen=True)
class Account:
    handle: str
    language: str
    folder: str
    tweets_per_day: float
    base_impressions: float


ACCOUNTS = (
    Account("CERN", "en", "cern", 3.0, 25000.0),
    Account("CERN_FR", "fr", "cern_fr", 1.5, 4000.0),
)


@dataclass(frozen=True)
class Tweet:
    account: Account
    tweet_id: str
    posted_at: datetime
    text: str
    final_impressions: int
    engagement_share: float
    has_link: bool
    has_media: bool

    def lifetime(self, as_of: datetime) -> dict[str, int]:
        """Lifetime metrics as of a moment: most attention in the first day, a long slow tail."""
        age_days = max((as_of - self.posted_at).total_seconds() / 86400, 0.0)
        reached = 0.85 * (1 - math.exp(-age_days / 0.8)) + 0.15 * age_days / (age_days + 20)
        impressions = int(self.final_impressions * reached)
        engaged = impressions * self.engagement_share
        parts = {
            "likes": 0.42,
            "retweets": 0.12,
            "replies": 0.04,
            "profile_clicks": 0.07,
            "url_clicks": 0.14 if self.has_link else 0.0,
            "hashtag_clicks": 0.03 if "#" in self.text else 0.0,
            "detail_expands": 0.12,
            "permalink_clicks": 0.01,
            "follows": 0.01,
            "media_engagements": 0.1 if self.has_media else 0.0,
        }
        metrics = {name: int(engaged * share) for name, share in parts.items()}
        metrics["impressions"] = impressions
        metrics["engagements"] = sum(v for k, v in metrics.items() if k != "impressions")
        metrics["media_views"] = int(impressions * 0.3) if self.has_media else 0
        metrics["bookmarks"] = int(engaged * 0.02)
        metrics["shares"] = int(engaged * 0.01)
        return metrics


def tweets_between(
    account: Account, start: date, end: date, rng: random.Random, machine: int | None = None
) -> list[Tweet]:
    """The account's tweets posted in [start, end); `machine` keeps ids of accounts beyond the
    demo's two apart (the scale demo's)."""
    tweets: list[Tweet] = []
    day = start
    while day < end:
        for slot in range(_poisson(rng, account.tweets_per_day)):
            posted = datetime(
                day.year, day.month, day.day, 7 + rng.randrange(12), rng.randrange(60), tzinfo=UTC
            )
            millis = int(posted.timestamp() * 1000)
            # Snowflake-style ids: time in the high bits, so ids sort like posting times.
            worker = (ACCOUNTS.index(account) if machine is None else machine) * 100 + slot
            tweet_id = str(((millis - TWITTER_EPOCH_MS) << 22) + worker)
            template = rng.choice(TEXTS[account.language])
            words = WORDS[account.language]
            text = template.format(
                topic=rng.choice(words["topic"]),
                thing=rng.choice(words["thing"]),
                person=rng.choice(words["person"]),
                event=rng.choice(words["event"]),
                year=rng.randrange(1954, 2010),
                media=f"{rng.getrandbits(40):x}",
                link=f"https://home.cern/news/{rng.getrandbits(24):x}",
            )
            tweets.append(
                Tweet(
                    account=account,
                    tweet_id=tweet_id,
                    posted_at=posted,
                    text=text,
                    final_impressions=int(account.base_impressions * rng.lognormvariate(0, 0.6)),
                    engagement_share=rng.uniform(0.01, 0.06),
                    has_link="https://" in text,
                    has_media="pic.twitter.com" in text,
                )
            )
        day += timedelta(days=1)
    return sorted(tweets, key=lambda t: t.posted_at)


def _poisson(rng: random.Random, mean: float) -> int:
    threshold, k, product = math.exp(-mean), 0, rng.random()
    while product > threshold:
        k += 1
        product *= rng.random()
    return k


# ---------------------------------------------------------------------------- file writers


@dataclass(frozen=True)
class DemoFile:
    path: Path
    content: bytes
    downloaded_at: datetime


def _csv_text(rows: list[list[str]], quote_all: bool, line_end: str, trailing_newline: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator=line_end
    )
    writer.writerows(rows)
    text = buffer.getvalue()
    return text if trailing_newline else text.removesuffix(line_end)


def _float_count(value: int) -> str:
    return f"{float(value)}"


def gen_ab_tweet_file(
    account: Account, tweets: list[Tweet], window: tuple[date, date], generation: str
) -> DemoFile:
    start, end = window
    downloaded = datetime(end.year, end.month, end.day, 9, tzinfo=UTC)
    header = list(GEN_B_TWEET_HEADER)
    if generation == "A":
        header = [h.replace("likes", "favorites") for h in header]
    fmt = next(f for f in declared.FORMATS if f.name == f"twitter.tweet_activity.gen_{generation.lower()}")
    rows = [fmt.localised_header(header, account.language)]
    in_window = [t for t in tweets if start <= t.posted_at.date() < end]
    for tweet in sorted(in_window, key=lambda t: t.posted_at, reverse=True):  # newest first
        m = tweet.lifetime(downloaded)
        rate = m["engagements"] / m["impressions"] if m["impressions"] else 0.0
        rows.append(
            [
                tweet.tweet_id,
                f"https://twitter.com/{account.handle}/status/{tweet.tweet_id}",
                tweet.text,
                tweet.posted_at.strftime("%Y-%m-%d %H:%M +0000"),
                *(_float_count(m[k]) for k in ("impressions", "engagements")),
                repr(rate),
                *(
                    _float_count(m[k])
                    for k in (
                        "retweets",
                        "replies",
                        "likes",
                        "profile_clicks",
                        "url_clicks",
                        "hashtag_clicks",
                        "detail_expands",
                        "permalink_clicks",
                    )
                ),
                "0",
                "0",
                str(m["follows"]),
                "0",
                "0",
                str(m["media_views"]),
                str(m["media_engagements"]),
                *(["-"] * 18),
            ]
        )
    name = f"tweet_activity_metrics_{account.handle}_{start:%Y%m%d}_{end:%Y%m%d}_{account.language}.csv"
    text = _csv_text(rows, quote_all=True, line_end="\n")
    return DemoFile(Path(account.folder) / name, text.encode("utf-8"), downloaded)


def daily_increments(tweets: list[Tweet], day: date, as_of: datetime) -> dict[str, int]:
    """What all tweets gained on `day`, as a download at `as_of` reports it."""
    day_start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    day_end = min(day_start + timedelta(days=1), as_of)
    totals: dict[str, int] = {}
    for tweet in tweets:
        if tweet.posted_at >= day_end:
            continue
        before, after = tweet.lifetime(day_start), tweet.lifetime(day_end)
        for key, value in after.items():
            totals[key] = totals.get(key, 0) + value - before[key]
    totals["posts_published"] = sum(1 for t in tweets if t.posted_at.date() == day)
    return totals


def gen_ab_daily_file(
    account: Account, tweets: list[Tweet], window: tuple[date, date], generation: str
) -> DemoFile:
    start, end = window
    downloaded = datetime(end.year, end.month, end.day, 9, tzinfo=UTC)
    header = [h.replace("likes", "favorites") if generation == "A" else h for h in GEN_B_DAILY_HEADER]
    fmt = next(f for f in declared.FORMATS if f.name == f"twitter.daily_activity.gen_{generation.lower()}")
    rows = [fmt.localised_header(header, account.language)]
    for day in _days(start, end):  # oldest first
        m = daily_increments(tweets, day, downloaded)
        rate = m.get("engagements", 0) / m["impressions"] if m.get("impressions") else 0.0
        counts = [
            m.get(k, 0)
            for k in (
                "retweets",
                "replies",
                "likes",
                "profile_clicks",
                "url_clicks",
                "hashtag_clicks",
                "detail_expands",
                "permalink_clicks",
            )
        ]
        rows.append(
            [
                day.isoformat(),
                str(m["posts_published"]),
                str(m.get("impressions", 0)),
                str(m.get("engagements", 0)),
                repr(rate),
                *(str(c) for c in counts),
                "0",
                "0",
                str(m.get("follows", 0)),
                "0",
                "0",
                str(m.get("media_views", 0)),
                str(m.get("media_engagements", 0)),
                *(["-"] * 18),
            ]
        )
    name = f"daily_tweet_activity_metrics_{account.handle}_{start:%Y%m%d}_{end:%Y%m%d}_{account.language}.csv"
    return DemoFile(
        Path(account.folder) / name, _csv_text(rows, quote_all=True, line_end="\n").encode(), downloaded
    )


def _x_day(day: date, style: str) -> str:
    weekday, month = WEEKDAYS[day.weekday()], MONTHS[day.month - 1]
    if style == "content_2025":
        return f"{weekday} {month} {day.day:02d} {day.year}"
    return f"{weekday}, {month} {day.day}, {day.year}"


def _thousands(value: int, with_separators: bool) -> str:
    return f"{value:,}" if with_separators else str(value)


def x_content_file(
    account: Account, tweets: list[Tweet], window: tuple[date, date], variant: str
) -> DemoFile:
    """X 'Content' export; window end inclusive. variant: '2025' (real file) or '2026' (other
    header spellings, quoted comma dates, thousands separators)."""
    start, end = window
    downloaded = datetime(end.year, end.month, end.day, 18, tzinfo=UTC)
    header = X_CONTENT_HEADER_2025 if variant == "2025" else X_CONTENT_HEADER_2026
    rows = [declared.X_CONTENT.localised_header(header, account.language)]
    in_window = [t for t in tweets if start <= t.posted_at.date() <= end]
    for tweet in sorted(in_window, key=lambda t: t.posted_at, reverse=True):
        m = tweet.lifetime(downloaded)
        big = variant == "2026"
        rows.append(
            [
                tweet.tweet_id,
                _x_day(tweet.posted_at.date(), "content_2025" if variant == "2025" else "overview"),
                tweet.text,
                f"https://x.com/{account.handle}/status/{tweet.tweet_id}",
                *(
                    _thousands(m[k], big)
                    for k in (
                        "impressions",
                        "likes",
                        "engagements",
                        "bookmarks",
                        "shares",
                        "follows",
                        "replies",
                        "retweets",
                        "profile_clicks",
                        "detail_expands",
                        "url_clicks",
                        "hashtag_clicks",
                        "permalink_clicks",
                    )
                ),
            ]
        )
    name = f"account_analytics_content_{start:%Y-%m-%d}_{end:%Y-%m-%d}.csv"
    text = _csv_text(rows, quote_all=False, line_end="\r\n")
    return DemoFile(Path(account.folder) / name, text.encode("utf-8"), downloaded)


def x_overview_file(
    account: Account, tweets: list[Tweet], window: tuple[date, date], copy_number: int
) -> DemoFile:
    """X 'Account overview' export: no account or dates in its name (the folder names the
    account); the last day of a download is still incomplete and revised by the next one."""
    start, end = window
    downloaded = datetime(end.year, end.month, end.day, 18, tzinfo=UTC)
    rows = [declared.X_ACCOUNT_OVERVIEW.localised_header(X_OVERVIEW_HEADER, account.language)]
    rng = random.Random(f"{account.handle}-overview")
    for day in reversed(list(_days(start, end + timedelta(days=1)))):  # newest first
        m = daily_increments(tweets, day, downloaded)
        new_follows = int(account.base_impressions / 400 * rng.uniform(0.5, 1.5)) + m.get("follows", 0)
        rows.append(
            [
                _x_day(day, "overview"),
                *(str(m.get(k, 0)) for k in ("impressions", "likes", "engagements", "bookmarks", "shares")),
                str(new_follows),
                str(int(new_follows * rng.uniform(0.1, 0.3))),
                *(str(m.get(k, 0)) for k in ("replies", "retweets", "profile_clicks")),
                str(m["posts_published"]),
                "0",
                str(m.get("media_views", 0)),
            ]
        )
    name = (
        "account_overview_analytics.csv"
        if copy_number == 0
        else f"account_overview_analytics ({copy_number}).csv"
    )
    text = _csv_text(rows, quote_all=False, line_end="\n", trailing_newline=False)
    return DemoFile(Path(account.folder) / name, text.encode("utf-8"), downloaded)


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


def _mondays(first: date, last: date) -> Iterator[date]:
    day = first + timedelta(days=(7 - first.weekday()) % 7)
    while day <= last:
        yield day
        day += timedelta(days=7)


def demo_files() -> list[DemoFile]:
    """Every demo X export of both accounts, deterministic."""
    files: list[DemoFile] = []
    for account in ACCOUNTS:
        rng = random.Random(f"socialkpi-demo-{account.handle}")
        # Generation A: monthly downloads, autumn 2015.
        gen_a = tweets_between(account, date(2015, 9, 1), date(2015, 11, 1), rng)
        for window in ((date(2015, 9, 1), date(2015, 10, 1)), (date(2015, 10, 1), date(2015, 11, 1))):
            files += [
                gen_ab_tweet_file(account, gen_a, window, "A"),
                gen_ab_daily_file(account, gen_a, window, "A"),
            ]
        # Generation B: every Monday, the last 28 days, spring 2022.
        gen_b = tweets_between(account, date(2021, 12, 6), date(2022, 4, 4), rng)
        for monday in _mondays(date(2022, 1, 3), date(2022, 4, 4)):
            window = (monday - timedelta(days=28), monday)
            files += [
                gen_ab_tweet_file(account, gen_b, window, "B"),
                gen_ab_daily_file(account, gen_b, window, "B"),
            ]
        # Generation C: every Monday, the last 28 days (end inclusive), first quarter of 2025.
        gen_c = tweets_between(account, date(2024, 12, 9), date(2025, 3, 31), rng)
        for week, monday in enumerate(_mondays(date(2025, 1, 6), date(2025, 3, 31))):
            window = (monday - timedelta(days=28), monday - timedelta(days=1))
            variant = "2025" if week < 6 else "2026"
            files.append(x_content_file(account, gen_c, window, variant))
            files.append(x_overview_file(account, gen_c, window, week))
    return files
