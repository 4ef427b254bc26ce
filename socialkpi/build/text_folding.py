"""The seed that lets dbt match label rules on NFKC-folded text.

DuckDB has `nfc_normalize` and `strip_accents` but no NFKC, and posts are full of compatibility
characters ("𝐍𝐄𝐖" in Unicode math bold, fullwidth "＃", superscripts). The seed
`unicode_compatibility_folding.csv` lists every character whose NFKC form is one ASCII letter,
digit, `#`, `@` or `_`, so the models fold text with one `translate()`. It is generated from
Python's own Unicode database, never edited by hand:

    .venv/bin/python -m socialkpi.build.text_folding
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from pipelines.settings import DBT_PROJECT_DIR

SEED = DBT_PROJECT_DIR / "seeds" / "unicode_compatibility_folding.csv"
_KEPT_PUNCTUATION = "#@_"


def compatibility_foldings() -> list[tuple[int, int]]:
    """(code point, code point of its NFKC form) for every one-character ASCII folding."""
    foldings = []
    for code_point in range(sys.maxunicode + 1):
        character = chr(code_point)
        folded = unicodedata.normalize("NFKC", character)
        if folded != character and len(folded) == 1 and folded.isascii():
            if folded.isalnum() or folded in _KEPT_PUNCTUATION:
                foldings.append((code_point, ord(folded)))
    return foldings


def seed_text() -> str:
    lines = ["code_point,folded_code_point"]
    lines += [f"{code_point},{folded}" for code_point, folded in compatibility_foldings()]
    return "\n".join(lines) + "\n"


def write_seed(path: Path = SEED) -> None:
    path.write_text(seed_text(), encoding="ascii")


if __name__ == "__main__":
    write_seed()
    print(f"wrote {SEED}")
