"""The tone of a French comment: VADER's lexicon-and-rule scoring with vader_FR's French lexicon.

Vendored from vaderSentiment-fr 1.3.4 (MIT, see LICENSE beside this file) because that package
requires fuzzywuzzy and Unidecode, both GPL, while socialkpi is Apache-2.0. Its scoring path
(`polarity_scores`) never calls the fuzzy matcher, and Unidecode served only to fold accents
("génial" and "genial" are one lexicon entry), which `fold` does with the standard library.
The rules are vader_FR's, quirks included (English idioms such as "kind of" or "least" from the
original VADER are still checked; boosters and negations are matched before folding), so the
scores, and the accuracy measured in tests/test_comment_sentiment.py, stay those of the package.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent

# VADER's empirically derived increments (Hutto & Gilbert, 2014).
B_INCR, B_DECR = 0.293, -0.293  # a booster or dampener word before a sentiment word
C_INCR = 0.733  # a sentiment word in capitals among words that are not
N_SCALAR = -0.74  # a negated sentiment word
NORMALISING_ALPHA = 15

NEGATE = ("pas", "jamais", "plus", "rien", "aucunement", "nullement", "sans", "ni")

# Boosters and dampeners, comma-separated because a few are several words long.
_BOOSTERS = (
    "absolument, ainsi, archi, beaucoup, bigrement, bougrement, carrément, complètement, "
    "considérablement, davantage, diablement, diantrement, divinement, drôlement, délicieusement, "
    "entièrement, exceptionnel, exceptionnelle, exceptionnellement, exceptionnelles, exceptionnels, "
    "excessivement, extra, extrême, extrêmement, fabuleusement, fichtrement, fort, forte, fortes, "
    "forts, grandement, hyper, impeccablement, incroyablement, infiniment, joliment, "
    "merveilleusement, prodigieusement, profondément, putain de, rudement, sacrément, spécialement, "
    "sublimement, super, superbement, tant, tellement, terriblement, totalement, trop, très, ultra, "
    "vachement, vraiment, énormément"
).split(", ")
_DAMPENERS = (
    "approximativement, assez, difficilement, environ, guère, insuffisament, insuffisamment, juste, "
    "léger, légers, légère, légèrement, légères, moins, peu, plutôt, presque, quasi, quasiment, "
    "quelque, quelque peu, rare, rarement, à peine, à peu près"
).split(", ")
BOOSTER_DICT = {word: B_INCR for word in _BOOSTERS} | {word: B_DECR for word in _DAMPENERS}

# Idioms that replace the valence of the words they contain (VADER's English list, as in vader_FR).
SPECIAL_CASES = {
    "the shit": 3, "the bomb": 3, "bad ass": 1.5, "badass": 1.5, "bus stop": 0.0,
    "yeah right": -2, "kiss of death": -1.5, "to die for": 3, "beating heart": 3.5,
}  # fmt: skip

# What Unidecode wrote for the letters and punctuation that Unicode does not decompose.
_NOT_DECOMPOSED = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "þ": "th",
     "Þ": "Th", "ð": "d", "Ð": "D", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "’": "'", "‘": "'",
     "‚": ",", "“": '"', "”": '"', "„": ",,", "«": "<<", "»": ">>", "‹": "<", "›": ">",
     "–": "-", "—": "--", "−": "-", "•": "*", "€": "EUR", "£": "PS", "°": "deg"}
)  # fmt: skip


def fold(text: str) -> str:
    """ASCII letters for matching against the lexicon: accents off ("é" -> "e"), ligatures
    spelled out ("œ" -> "oe"); a character with no ASCII reading (an emoji the emoji list does
    not name, a variation selector) is dropped, as Unidecode drops it."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_NOT_DECOMPOSED))
    return "".join(c for c in decomposed if c.isascii())


def compound(text: str) -> float:
    """VADER's compound score of the text, in [-1, 1] (>= 0.05 positive, <= -0.05 negative)."""
    text = _emoji_as_words(text)
    words = _words_and_emoticons(text)
    cap_differential = _some_but_not_all_capitals(words)
    sentiments = [_valence(words, i, cap_differential) for i in range(len(words))]
    if not sentiments:
        return 0.0
    return round(_normalise(_emphasised(float(sum(sentiments)), text)), 4)


# ---------------------------------------------------------------------------- word lists


@cache
def lexicon() -> dict[str, float]:
    """Folded word -> valence; of several spellings that fold alike, the last one listed wins."""
    entries = {}
    for line in (HERE / "fr_lexicon.txt").read_text(encoding="utf-8").rstrip("\n").split("\n"):
        if line:
            word, measure = line.strip().split("->")[0:2]
            entries[fold(word)] = float(measure)
    return entries


@cache
def emoji_words() -> dict[str, str]:
    lines = (HERE / "emojis_fr.txt").read_text(encoding="utf-8").rstrip("\n").split("\n")
    return dict(line.strip().split("\t")[0:2] for line in lines)


@cache
def never_negated() -> frozenset[str]:
    """Words whose valence a negation does not flip ("pas sérieux" stays negative). Folded, as
    vader_FR folds them, though the word they are compared with is not."""
    words = (HERE / "no_negate.txt").read_text(encoding="utf-8").strip().split("\n")
    return frozenset(fold(word) for word in words)


# ---------------------------------------------------------------------------- the text


def _emoji_as_words(text: str) -> str:
    """Each emoji of the list becomes its French description, set apart by a space."""
    names, out, after_space = emoji_words(), [], True
    for char in text:
        if char in names:
            out.append(names[char] if after_space else " " + names[char])
            after_space = False
        else:
            out.append(char)
            after_space = char == " "
    return "".join(out).strip()


def _words_and_emoticons(text: str) -> list[str]:
    """Split on white space and apostrophes; punctuation is stripped from a word, unless what
    would remain has two characters or fewer (then it was an emoticon such as ":)")."""
    tokens = re.split(r"[\s']", text)
    return [t if len(t.strip(string.punctuation)) <= 2 else t.strip(string.punctuation) for t in tokens]


def _some_but_not_all_capitals(words: list[str]) -> bool:
    in_capitals = sum(word.isupper() for word in words)
    return 0 < len(words) - in_capitals < len(words)


# ---------------------------------------------------------------------------- one word


def _valence(words: list[str], i: int, cap_differential: bool) -> float:
    item, lower = words[i], [w.lower() for w in words]
    if lower[i] in BOOSTER_DICT or (lower[i] == "kind" and lower[i + 1 : i + 2] == ["of"]):
        return 0.0  # a modifier, not a sentiment word
    folded = fold(lower[i])
    if folded not in lexicon():
        return 0.0
    valence = _after_no(lexicon()[folded], folded, lower, i)
    if item.isupper() and cap_differential:
        valence += C_INCR if valence > 0 else -C_INCR
    for distance in range(3):
        if i > distance and lower[i - distance - 1] not in lexicon():
            valence += _booster(words[i - distance - 1], valence, cap_differential, distance)
            valence = _negated(valence, lower, i, distance)
            if distance == 2:
                valence = _idioms(valence, lower, i)
    return _after_least(valence, lower, i)


def _after_no(valence: float, folded: str, lower: list[str], i: int) -> float:
    """VADER's English "no": before a sentiment word it counts nothing and flips that word."""
    if folded == "no" and i != len(lower) - 1 and lower[i + 1] in lexicon():
        valence = 0.0
    if (
        (i > 0 and lower[i - 1] == "no")
        or (i > 1 and lower[i - 2] == "no")
        or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
    ):
        valence = lexicon()[folded] * N_SCALAR
    return valence


def _booster(word: str, valence: float, cap_differential: bool, distance: int) -> float:
    """A booster or dampener raises or lowers the strength, less the farther it stands."""
    scalar = BOOSTER_DICT.get(word.lower(), 0.0)
    if scalar == 0.0:
        return 0.0
    scalar = -scalar if valence < 0 else scalar
    if word.isupper() and cap_differential:
        scalar += C_INCR if valence > 0 else -C_INCR
    return scalar * (1.0, 0.95, 0.9)[distance]


def _negated(valence: float, lower: list[str], i: int, distance: int) -> float:
    if lower[i] in never_negated():
        return valence
    before = lower[i - distance - 1]
    if before in NEGATE or "n't" in before:
        return valence * N_SCALAR
    return valence


def _idioms(valence: float, lower: list[str], i: int) -> float:
    before = [
        f"{lower[i - 1]} {lower[i]}",
        f"{lower[i - 2]} {lower[i - 1]} {lower[i]}",
        f"{lower[i - 2]} {lower[i - 1]}",
        f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}",
        f"{lower[i - 3]} {lower[i - 2]}",
    ]
    valence = next((SPECIAL_CASES[seq] for seq in before if seq in SPECIAL_CASES), valence)
    for length in (2, 3):
        after = " ".join(lower[i : i + length])
        if i + length <= len(lower) and after in SPECIAL_CASES:
            valence = SPECIAL_CASES[after]
    # Multi-word boosters ("à peine", "quelque peu") just before the word.
    for n_gram in (before[3], before[4], before[2]):
        valence += BOOSTER_DICT.get(n_gram, 0.0)
    return valence


def _after_least(valence: float, lower: list[str], i: int) -> float:
    """VADER's English "least" flips the word after it, unless "at least" or "very least"."""
    if i > 0 and lower[i - 1] == "least" and "least" not in lexicon():
        if i == 1 or lower[i - 2] not in ("at", "very"):
            return valence * N_SCALAR
    return valence


# ---------------------------------------------------------------------------- the sum


def _emphasised(total: float, text: str) -> float:
    """Exclamation marks, question marks, ellipses and words in capitals push the sum away from
    zero; on a neutral sum, punctuation pulls it slightly negative (as vader_FR does)."""
    punctuation = _exclamations(text) + _questions(text) + _ellipses(text)
    if total > 0:
        total += punctuation
        return total + _capitals(text) if total >= 0.05 else total
    if total < 0:
        total -= punctuation
        return total - _capitals(text) if total <= -0.05 else total
    return total - 0.5 * punctuation


def _exclamations(text: str) -> float:
    return min(text.count("!"), 4) * 0.292


def _questions(text: str) -> float:
    count = text.count("?")
    if count <= 1:
        return 0.0
    return count * 0.18 if count <= 3 else 0.96


def _ellipses(text: str) -> float:
    dots = sum(len(run) for run in re.findall(r"\.{2,}", text))
    if dots <= 1:
        return 0.0
    return 0.21 if dots <= 3 else (min(dots, 6) - 2) * 0.21


def _capitals(text: str) -> float:
    """Words (past their first letter) with no lower-case letter, at most five, count 0.292."""
    for mark in "?!.,;":
        text = text.replace(mark, "")
    words = [word[1:] for word in text.split(" ") if len(word) > 1]
    return min(sum(not any(c.islower() for c in word) for word in words), 5) * 0.292


def _normalise(score: float) -> float:
    return max(-1.0, min(1.0, score / math.sqrt(score * score + NORMALISING_ALPHA)))
