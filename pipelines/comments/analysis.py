"""What a comment says, offline: its language, its tone, its terms and hashtags.

Language: py3langid (its model ships in the wheel). Comments in English or French (the two
languages of the team's accounts) get a sentiment; a comment confidently in another language
keeps that language and no sentiment rather than a wrong one; a comment without letters (emoji,
"+1") is `und` and is scored by the English analyser, which reads emoji.

Tone: VADER (vaderSentiment) for English and its French adaptation (vader_FR, vendored in
pipelines/comments/french_tone without its GPL dependencies), both lexicon-and-rule based, with
VADER's published thresholds: compound >= 0.05 positive, <= -0.05 negative, neutral between.
tests/test_comment_sentiment.py measures both on labelled comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stop_words import get_stop_words

from pipelines.comments import french_tone

SENTIMENT_LANGUAGES = ("en", "fr")
POSITIVE_FROM, NEGATIVE_FROM = 0.05, -0.05
# Another language is trusted only when the detector is this sure and the text has a few words:
# on two-word comments ("Bravo", "Super top") the full model guesses Italian or German.
OTHER_LANGUAGE_PROBABILITY, OTHER_LANGUAGE_MIN_WORDS = 0.9, 3


@dataclass(frozen=True)
class Reading:
    language: str  # en, fr, another ISO 639-1 code, or und (no letters)
    sentiment: str | None  # positive, neutral, negative; None outside English and French
    sentiment_score: float | None  # VADER's compound score in [-1, 1]
    terms: list[str]
    hashtags: list[str]


def read_comment(text: str, redacted: str) -> Reading:
    """Language and tone from the full text (held in memory only), terms from the redacted text
    (so a handle or an address never becomes a topic)."""
    language = detect_language(text)
    score = _score(text, language)
    return Reading(
        language=language,
        sentiment=None if score is None else sentiment_label(score),
        sentiment_score=score,
        terms=terms(redacted),
        hashtags=hashtags(redacted),
    )


def sentiment_label(score: float) -> str:
    if score >= POSITIVE_FROM:
        return "positive"
    if score <= NEGATIVE_FROM:
        return "negative"
    return "neutral"


def detect_language(text: str) -> str:
    if not re.search(r"[^\W\d_]", text):
        return "und"
    ranking = _identifier().rank(text)  # every language, most likely first, probabilities
    best, probability = ranking[0]
    if best not in SENTIMENT_LANGUAGES and (
        probability >= OTHER_LANGUAGE_PROBABILITY and len(text.split()) >= OTHER_LANGUAGE_MIN_WORDS
    ):
        return best
    # Otherwise the likelier of English and French (what restricting the model to them gives).
    return next(language for language, _ in ranking if language in SENTIMENT_LANGUAGES)


def _score(text: str, language: str) -> float | None:
    if language == "fr":
        return french_tone.compound(text)
    if language in ("en", "und"):
        return round(_english().polarity_scores(text)["compound"], 4)
    return None


@cache
def _identifier():
    """Built once per process (~1 s: the model is decompressed)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def _english():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


# ---------------------------------------------------------------------------- topics

_WORD = re.compile(r"[^\W\d_]{3,}")
_HASHTAG = re.compile(r"(?<![\w#])#([^\W_][\w]*)")
_PLACEHOLDERS = re.compile(r"\[(?:url|email|phone|user)\]")
# Words of comment chatter that carry no topic, beyond the stop-word lists.
_CHATTER = {
    "thanks", "thank", "please", "yes", "lol", "wow", "merci", "oui", "non", "svp", "très",
    "trop", "bien", "video", "vidéo", "cette", "comme", "really", "just", "get", "one",
}  # fmt: skip


@cache
def stop_words() -> frozenset[str]:
    return frozenset(get_stop_words("en")) | frozenset(get_stop_words("fr")) | _CHATTER


def terms(text: str) -> list[str]:
    """Meaningful words, lower case, in order, each once: no stop word (English or French), no
    placeholder, no hashtag (those are counted apart), no number; French elisions split off."""
    text = _PLACEHOLDERS.sub(" ", _HASHTAG.sub(" ", text)).replace("’", "'").lower()
    words = (w for w in _WORD.findall(text) if w not in stop_words())
    return list(dict.fromkeys(words))


def hashtags(text: str) -> list[str]:
    return list(dict.fromkeys(f"#{tag.lower()}" for tag in _HASHTAG.findall(text)))
