"""Demo comments on the demo posts, in the platforms' API shapes (`comments.json`, served by
pipelines.comments.replay_server for `socialkpi refresh --comments-from`).

Comments land on the real demo post ids (YouTube videos, Facebook posts, Instagram posts), so
the comment marts join to `all_posts`. Commenters are invented people with ids, display names,
handles, avatars and profile URLs, exactly what the APIs send and what must never reach the
warehouse; a few comments hold an e-mail address, a phone number, a link or an @mention, to be
redacted. The account answers some comments itself (its reply rate). Deterministic.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from socialkpi.demo import meta, youtube

TOKEN = "demo-token-not-a-secret"
ACCOUNT = "cern"
YOUTUBE_CHANNEL_ID = "UCkSt6SKb0LwUP9vI8rOmtng"
LOCAL = ZoneInfo("Europe/Zurich")

FIRST_NAMES = (
    "Marie",
    "Lucas",
    "Aisha",
    "Tom",
    "Chloé",
    "Mateo",
    "Ingrid",
    "Yuki",
    "Omar",
    "Léa",
    "Pavel",
    "Nina",
)
LAST_NAMES = (
    "Dubois",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Rossi",
    "Haddad",
    "Keller",
    "Novak",
    "Silva",
)
TOPICS = {
    "en": (
        "the Higgs boson",
        "antimatter",
        "dark matter",
        "the LHC",
        "neutrinos",
        "the detector",
        "this experiment",
    ),
    "fr": (
        "le boson de Higgs",
        "l'antimatière",
        "la matière noire",
        "le LHC",
        "les neutrinos",
        "ce détecteur",
    ),
}
TEXTS = {
    ("en", "positive"): (
        "Absolutely brilliant, {topic} never gets old!",
        "Thank you for this, great explanation of {topic}",
        "Wonderful work, congratulations to the whole team 👏",
        "I love this channel, so inspiring",
        "Fantastic pictures, what an amazing place",
        "Really enjoyed learning about {topic} today #physics",
    ),
    ("en", "neutral"): (
        "How is {topic} measured exactly?",
        "Is there a longer version of this?",
        "Which year was this taken?",
        "Watching from Toronto",
        "What is the next step for {topic}?",
        "Where can I read more about {topic}? #CERN",
    ),
    ("en", "negative"): (
        "Sorry but this is a waste of money",
        "The sound is really bad in this one",
        "Boring, nothing new about {topic}",
        "Terrible captions, I could not follow",
        "Disappointed the tour was cancelled again",
    ),
    ("fr", "positive"): (
        "Magnifique, merci pour ces explications sur {topic} !",
        "Bravo à toute l'équipe, c'est passionnant",
        "Superbe vidéo, j'adore",
        "Génial, mes enfants ont adoré #physique",
        "Quelle belle photo, félicitations",
    ),
    ("fr", "neutral"): (
        "Comment mesure-t-on {topic} ?",
        "Y a-t-il une version plus longue ?",
        "En quelle année a été prise cette photo ?",
        "Quelle est la prochaine étape pour {topic} ?",
        "Je regarde depuis Lausanne",
    ),
    ("fr", "negative"): (
        "Quel gaspillage d'argent public",
        "Le son est mauvais, dommage",
        "Décevant, rien de nouveau sur {topic}",
        "Visite encore annulée, c'est nul",
    ),
}
ACCOUNT_REPLIES = {
    "en": (
        "Thanks for watching! 😊",
        "Great question: the answer is in our FAQ",
        "Thank you, glad you liked it!",
    ),
    "fr": (
        "Merci beaucoup ! 😊",
        "Bonne question : la réponse est dans notre FAQ",
        "Merci, ravis que ça vous plaise !",
    ),
}
# Personal data some commenters type into a comment: redacted before anything is written.
WITH_CONTACT = (
    "Write to me at {email} for the school project",
    "Call me on {phone}, I organise visits for our club",
    "More pictures on my blog https://{handle}.example.org/cern",
)


@dataclass(frozen=True)
class Person:
    """A commenter as the platforms describe them: all of this is personal data."""

    platform_id: str
    display_name: str
    handle: str
    email: str
    phone: str
    language: str


@dataclass(frozen=True)
class Post:
    post_id: str  # the platform's id, as the API names the post
    published: datetime  # UTC


@dataclass(frozen=True)
class Said:
    """One comment before it is put in a platform's shape."""

    comment_id: str
    author: Person | None  # None: the account itself
    text: str
    at: datetime
    likes: int


# How each platform writes a person's id: a YouTube channel id, Meta's numeric ids.
PERSON_IDS: dict[str, Callable[[random.Random], str]] = {
    "youtube": lambda r: "UC" + "".join(r.choice(youtube.ID_ALPHABET[:-2]) for _ in range(22)),
    "facebook": lambda r: str(r.randrange(10**15, 10**16)),
    "instagram": lambda r: str(r.randrange(17_841_400_000_000_000, 17_841_499_999_999_999)),
}


def people(platform: str) -> list[Person]:
    """The platform's demo commenters, the same on every call."""
    make_id = PERSON_IDS[platform]
    rng = random.Random(f"socialkpi-demo-commenters-{platform}")
    found = []
    for index in range(48):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        handle = f"{first.lower().replace('é', 'e')}{last.lower()}{rng.randrange(10, 99)}"
        found.append(
            Person(
                platform_id=make_id(rng),
                display_name=f"{first} {last}",
                handle=handle,
                email=f"{handle}@example.org",
                phone=f"+41 22 {rng.randrange(100, 999)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
                language="fr" if index % 3 == 0 else "en",
            )
        )
    return found


def _text(rng: random.Random, person: Person) -> str:
    if rng.random() < 0.04:
        return rng.choice(WITH_CONTACT).format(email=person.email, phone=person.phone, handle=person.handle)
    tone = rng.choices(("positive", "neutral", "negative"), weights=(5, 4, 2))[0]
    template = rng.choice(TEXTS[(person.language, tone)])
    return template.format(topic=rng.choice(TOPICS[person.language]))


def conversation(post: Post, crowd: list[Person], rng: random.Random, ids: Callable[[], str]) -> list[tuple]:
    """(top-level comment, its replies) pairs under one post, oldest first."""
    threads = []
    for _ in range(min(int(rng.expovariate(1 / 3)), 15)):
        person = rng.choice(crowd)
        at = post.published + timedelta(minutes=int(rng.expovariate(1 / 600)) + 1)
        top = Said(ids(), person, _text(rng, person), at, int(rng.expovariate(1 / 3)))
        replies = []
        if rng.random() < 0.3:  # the account answers
            text = rng.choice(ACCOUNT_REPLIES[person.language])
            replies.append(Said(ids(), None, text, at + timedelta(minutes=rng.randrange(20, 600)), 1))
        for _ in range(rng.choice((0, 0, 0, 0, 1, 2, 5))):  # others join in, sometimes at length
            other = rng.choice(crowd)
            text = f"@{person.handle} {_text(rng, other)}"
            replies.append(Said(ids(), other, text, at + timedelta(minutes=rng.randrange(30, 3000)), 0))
        threads.append((top, sorted(replies, key=lambda s: s.at)))
    return sorted(threads, key=lambda t: t[0].at)


def _counter(prefix: str) -> Callable[[], str]:
    state = {"n": 0}

    def next_id() -> str:
        state["n"] += 1
        return f"{prefix}{state['n']:06d}"

    return next_id


def _iso(moment: datetime, graph: bool) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000" if graph else "%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------- YouTube


def _youtube_comment(said: Said, video_id: str, parent_id: str | None) -> dict:
    person = said.author
    handle = person.handle if person else "CERN"
    snippet = {
        "channelId": YOUTUBE_CHANNEL_ID,
        "videoId": video_id,
        "textDisplay": said.text,
        "textOriginal": said.text,
        "authorDisplayName": f"@{handle}",
        "authorProfileImageUrl": f"https://yt3.ggpht.com/ytc/{handle}=s48-c-k-c0x00ffffff-no-rj",
        "authorChannelUrl": f"http://www.youtube.com/@{handle}",
        "authorChannelId": {"value": person.platform_id if person else YOUTUBE_CHANNEL_ID},
        "canRate": True,
        "viewerRating": "none",
        "likeCount": said.likes,
        "publishedAt": _iso(said.at, graph=False),
        "updatedAt": _iso(said.at, graph=False),
    }
    if parent_id:
        snippet["parentId"] = parent_id
    return {
        "kind": "youtube#comment",
        "etag": f"e{said.comment_id}",
        "id": said.comment_id,
        "snippet": snippet,
    }


def youtube_dataset(last: date) -> dict:
    rng = random.Random("socialkpi-demo-comments-youtube")
    crowd = people("youtube")
    ids = _counter("Ugz")
    threads, replies = [], {}
    for video in (v for v in youtube.videos_until(last) if v.listed):
        published = datetime.combine(video.published, time(16), UTC)
        for top, answers in conversation(Post(video.video_id, published), crowd, rng, ids):
            comment = _youtube_comment(top, video.video_id, None)
            thread = {"kind": "youtube#commentThread", "etag": f"t{top.comment_id}", "id": top.comment_id}
            thread["snippet"] = {
                "channelId": YOUTUBE_CHANNEL_ID,
                "videoId": video.video_id,
                "topLevelComment": comment,
                "canReply": True,
                "isPublic": True,
            }
            threads.append(thread)
            replies[top.comment_id] = [_youtube_comment(a, video.video_id, top.comment_id) for a in answers]
    threads.sort(key=lambda t: t["snippet"]["topLevelComment"]["snippet"]["publishedAt"], reverse=True)
    return {"account": ACCOUNT, "channel_id": YOUTUBE_CHANNEL_ID, "threads": threads, "replies": replies}


# ---------------------------------------------------------------------------- Facebook, Instagram


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=LOCAL).astimezone(UTC)


def _facebook_comment(said: Said, post_id: str, parent_id: str | None) -> dict:
    author = said.author
    item = {
        "id": f"{post_id.split('_')[-1]}_{said.comment_id}",
        "message": said.text,
        "created_time": _iso(said.at, graph=True),
        "from": {"id": author.platform_id, "name": author.display_name}
        if author
        else {"id": meta.PAGE_ID, "name": "CERN"},
        "like_count": said.likes,
        "comment_count": 0,
    }
    if parent_id:
        item["parent"] = {"id": parent_id}
    return item


def facebook_dataset() -> dict:
    rng = random.Random("socialkpi-demo-comments-facebook")
    crowd = people("facebook")
    ids = _counter("10")
    posts, comments = [], {}
    for post in meta.facebook_posts():
        graph_id = f"{meta.PAGE_ID}_{post.post_id}"
        published = _utc(post.posted_at)
        flat = []
        for top, answers in conversation(Post(graph_id, published), crowd, rng, ids):
            first = _facebook_comment(top, graph_id, None)
            flat += [first, *(_facebook_comment(a, graph_id, first["id"]) for a in answers)]
        flat.sort(key=lambda c: c["created_time"], reverse=True)
        updated = flat[0]["created_time"] if flat else _iso(published, graph=True)
        posts.append({"id": graph_id, "created_time": _iso(published, graph=True), "updated_time": updated})
        comments[graph_id] = flat
    posts.sort(key=lambda p: p["created_time"], reverse=True)
    return {"account": ACCOUNT, "page_id": meta.PAGE_ID, "posts": posts, "comments": comments}


def _instagram_comment(said: Said) -> dict:
    author = said.author
    return {
        "id": f"18{said.comment_id}",
        "text": said.text,
        "timestamp": _iso(said.at, graph=True),
        "like_count": said.likes,
        "username": author.handle if author else meta.IG_USERNAME,
        "from": {"id": author.platform_id, "username": author.handle}
        if author
        else {"id": meta.IG_ACCOUNT_ID, "username": meta.IG_USERNAME},
    }


def instagram_dataset() -> dict:
    rng = random.Random("socialkpi-demo-comments-instagram")
    crowd = people("instagram")
    ids = _counter("0")
    media, comments = [], {}
    for post in meta.instagram_posts():
        published = _utc(post.posted_at)
        items = []
        for top, answers in conversation(Post(post.post_id, published), crowd, rng, ids):
            item = _instagram_comment(top)
            if answers:
                item["replies"] = {"data": [_instagram_comment(a) for a in answers]}
            items.append(item)
        items.sort(key=lambda c: c["timestamp"], reverse=True)
        count = sum(1 + len((i.get("replies") or {}).get("data", [])) for i in items)
        media.append({"id": post.post_id, "timestamp": _iso(published, graph=True), "comments_count": count})
        comments[post.post_id] = items
    media.sort(key=lambda m: m["timestamp"], reverse=True)
    return {"account": ACCOUNT, "user_id": meta.IG_ACCOUNT_ID, "media": media, "comments": comments}


def demo_dataset() -> dict:
    return {
        "token": TOKEN,
        "youtube": youtube_dataset(youtube.LAST_MONDAY - timedelta(days=1)),
        "facebook": facebook_dataset(),
        "instagram": instagram_dataset(),
    }


def write_demo_comments(folder: Path) -> Path:
    """comments.json under `folder`, rewritten only when it changed (deterministic)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "comments.json"
    content = json.dumps(demo_dataset(), ensure_ascii=False, sort_keys=True).encode()
    if not path.exists() or path.read_bytes() != content:
        path.write_bytes(content)
    return path
