"""Why a file was not loaded, worded for the person who downloaded it."""

from __future__ import annotations

QUARANTINED = "quarantined"
UNRECOGNISED = "unrecognised"
LOADED = "loaded"
DUPLICATE = "duplicate"
STATUSES = (LOADED, DUPLICATE, QUARANTINED, UNRECOGNISED)


class UnreadableExport(Exception):
    """A file we cannot load. `status` is `quarantined` (a known shape with a problem) or
    `unrecognised` (no declared shape matches); `reason` says what to do about it."""

    def __init__(self, reason: str, status: str = QUARANTINED) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
