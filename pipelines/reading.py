"""Read and parse export files: bytes in, Arrow tables (or the reason for a refusal) out. Content
already loaded is hashed, not parsed again."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Container, Iterator
from dataclasses import dataclass
from datetime import datetime

from pipelines.errors import QUARANTINED, UNRECOGNISED, UnreadableExport
from pipelines.exports import Listed
from pipelines.limits import Limit, max_inflated_bytes
from pipelines.reader import ParsedExport, read_export

STILL_BEING_WRITTEN = (
    "the file changed while it was read (still being written or copied in?); it is read again on the next run"
)


@dataclass(frozen=True)
class FileRead:
    """What reading one file gave: its content hash, and either why it could not be read as it
    is (`problem`), why it was refused (`refusal`), its parsed tables (`parts`), or nothing
    (content already loaded: not parsed again)."""

    sha256: str
    problem: tuple[str, str] | None = None  # (status, reason)
    refusal: tuple[str, str] | None = None  # (status, reason)
    parts: tuple[ParsedExport, ...] = ()


def read_file(listed: Listed, now: datetime, already_loaded: Container[str]) -> FileRead:
    data, problem = _read_listed(listed)
    sha256 = hashlib.sha256(data).hexdigest()
    if problem or sha256 in already_loaded:
        return FileRead(sha256, problem=problem)
    try:
        return FileRead(sha256, parts=tuple(read_export(data, listed.file, sha256, now)))
    except UnreadableExport as refusal:
        return FileRead(sha256, refusal=(refusal.status, refusal.reason))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # calamine's Rust panics are BaseExceptions, not Exceptions
        # A reader bug, or a library failing on bytes nobody foresaw, is this file's problem: the
        # other files still load, and the ledger says what to report.
        if os.environ.get("SOCIALKPI_DEBUG"):
            raise
        return FileRead(sha256, refusal=(QUARANTINED, _reader_failed(error)))


def _reader_failed(error: BaseException) -> str:
    detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    return (
        f"the reader failed on this file ({type(error).__name__}{': ' + detail if detail else ''}); "
        "the other files were loaded: report this with the file, it is a socialkpi bug"
    )


def _read_listed(listed: Listed) -> tuple[bytes, tuple[str, str] | None]:
    """The file's bytes, or why they cannot be loaded as they are: the entry is no file (a link
    to nothing), it cannot be read, or it changed while it was read (a download or copy still in
    progress, so the bytes may be cut short)."""
    if listed.unreadable:
        return b"", (listed.unreadable_status, listed.unreadable)
    if listed.file.size_bytes > (limit := max_inflated_bytes()).value:
        return b"", (QUARANTINED, _too_large(listed.file.size_bytes, limit))
    try:
        data = listed.read()
    except FileNotFoundError:
        return b"", (QUARANTINED, STILL_BEING_WRITTEN)
    except OSError as error:
        return b"", (UNRECOGNISED, f"the file cannot be read ({error.strerror or error}); not read")
    if listed.changed_while_read(data):
        return data, (QUARANTINED, STILL_BEING_WRITTEN)
    return data, None


def _too_large(size: int, limit: Limit) -> str:
    """A file is held whole while it is parsed (bytes, text and table at once): one larger than
    the bound would take the machine's memory, and no platform exports that much at once."""
    return (
        f"the file is {size:,} bytes, more than the {limit.value:,} one export may hold "
        f"({limit.named()}); real exports are a few MB: split the download into shorter periods, "
        f"or raise {limit.env}"
    )


def read_files(
    listeds: list[Listed], now: datetime, already_loaded: set[str]
) -> Iterator[tuple[Listed, FileRead]]:
    """Every file read, in the order given, one at a time (worker processes were measured: two of
    them read the cern scale 30% faster, and the whole refresh not at all, the landing competing
    for the same two cores and the parsed tables crossing process boundaries)."""
    for listed in listeds:
        yield listed, read_file(listed, now, already_loaded)
