"""Text measured before the browser draws it: SVG does not wrap or clip text to a box, so the
charts size and shorten their labels from an estimate of each character's width.

The estimate is on the wide side (DejaVu Sans, the widest common sans-serif a reader's
`system-ui` falls back to, on Linux): a label that fits here fits in narrower fonts too.
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"
# Widths in em of DejaVu Sans, grouped: close enough to size a label, never narrower than the font.
_NARROW = set("iljtfI.,:;'!|()[]{} \u00a0·")
_WIDE_LATIN = set("mwMW@%—…")
_DIGITS = set("0123456789")
# A cut must not end on a joiner or a variation selector: it belongs to a character that is gone.
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}


def char_width(char: str) -> float:
    """Width of one code point in em."""
    if char in _NARROW:
        return 0.36
    if char in _WIDE_LATIN:
        return 1.0
    if char in _DIGITS:
        return 0.64
    if char.isascii():
        return 0.72 if char.isupper() else 0.62
    if unicodedata.combining(char) or char in _JOINERS or unicodedata.category(char) == "Cf":
        return 0.0
    # Outside the Basic Multilingual Plane: "math bold" letters (𝐁𝐨𝐥𝐝), emoji; and East Asian
    # wide characters: a fallback font draws them about one em wide.
    if ord(char) > 0xFFFF or unicodedata.east_asian_width(char) in "WF":
        return 1.05
    return 0.78


def text_width(text: str, font_size: float) -> float:
    """Estimated drawn width of `text` in pixels at `font_size`."""
    return sum(char_width(char) for char in text) * font_size


def fit(text: str, width: float, font_size: float) -> str:
    """`text` on one line (runs of white space folded), shortened with an ellipsis to `width`."""
    text = " ".join(text.split())
    if text_width(text, font_size) <= width:
        return text
    budget = width - text_width(ELLIPSIS, font_size)
    used, end = 0.0, 0
    for end, char in enumerate(text):  # noqa: B007 (end is the cut after the loop)
        used += char_width(char) * font_size
        if used > budget:
            break
    kept = text[:end]
    while kept and (kept[-1] in _JOINERS or kept[-1].isspace()):
        kept = kept[:-1]
    return kept + ELLIPSIS
