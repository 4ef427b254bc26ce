"""Privacy by construction: commenters are pseudonyms before anything is written, and comment
text is redacted before anything is written (docs/design.md §8).

A pseudonym is HMAC-SHA256(key, "<channel>:<author id>"): stable across runs, so one person's
comments can be counted together and found again by `socialkpi forget`, but not reversible
without the key, and not linkable across installations that use different keys. The key comes
from the environment (SOCIALKPI_PSEUDONYM_KEY) or `.dlt/secrets.toml` (`[socialkpi]
pseudonym_key`), never from the repository. Changing the key changes every pseudonym: `forget`
can then no longer find comments loaded under the old key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

PSEUDONYM_KEY_ENV = "SOCIALKPI_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 32
MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'


class PseudonymKeyMissing(Exception):
    """No usable pseudonymisation key: refusing to load anyone's comments."""


def pseudonym_key() -> bytes:
    """The HMAC key, from the environment or dlt's secrets; refuse without one."""
    key = os.environ.get(PSEUDONYM_KEY_ENV) or _key_from_dlt_secrets()
    if not key:
        raise PseudonymKeyMissing(
            f"no pseudonymisation key: set {PSEUDONYM_KEY_ENV} (or pseudonym_key under [socialkpi] in "
            f".dlt/secrets.toml) to a secret of your own, made with: {MAKE_A_KEY}; keep it, since "
            "`socialkpi forget` needs the same key"
        )
    if len(key) < MIN_KEY_LENGTH:
        raise PseudonymKeyMissing(
            f"{PSEUDONYM_KEY_ENV} is {len(key)} characters; use at least {MIN_KEY_LENGTH}, "
            f"made with: {MAKE_A_KEY}"
        )
    return key.encode()


def _key_from_dlt_secrets() -> str | None:
    import dlt

    value = dlt.secrets.get("socialkpi.pseudonym_key")
    return str(value) if value else None


def pseudonym(key: bytes, channel: str, author: str) -> str:
    """The author's pseudonym on one channel (the channel separates id spaces)."""
    return hmac.new(key, f"{channel}:{author}".encode(), hashlib.sha256).hexdigest()


# Order matters: e-mail addresses before @mentions (the "@" of an address is not a mention), URLs
# before both (a URL may hold an "@"), phone numbers last.
_REDACTIONS = (
    ("[url]", re.compile(r"(?i)\b(?:https?://|www\.)\S+")),
    ("[email]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("@[user]", re.compile(r"(?<![\w@])@[\w.-]*\w")),
    # Nine or more digits with the separators people type (+41 22 767 61 11, 06.12.34.56.78,
    # (555) 123-4567); eight-digit runs such as "1954-2024" stay.
    ("[phone]", re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[\s().-]{0,2}\d){8,}(?!\w)")),
)


def redact(text: str) -> str:
    """The text with URLs, e-mail addresses, @mentions and phone numbers replaced by placeholders."""
    for placeholder, pattern in _REDACTIONS:
        text = pattern.sub(placeholder, text)
    return text
