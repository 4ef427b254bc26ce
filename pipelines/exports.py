"""Walk the exports folder: a local path or any fsspec URL (s3://, gs://, sftp://).

A local folder is walked here, not by a glob: people's folders hold links (to each other, to a
parent folder, to files that were moved), named pipes and files still being copied in, and one of
those must never stop the others from loading or hang the run. A bucket URL goes through the dlt
filesystem source, so its credentials come from dlt's usual config and secrets.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from pipelines.errors import QUARANTINED, UNRECOGNISED


class ExportsFolderMissing(Exception):
    """The exports folder or URL does not exist."""


# Defined here, where files are listed, so that listing never imports the reader (Arrow, every
# declared format): a sensor or `socialkpi files` that only looks at the folder stays light.
@dataclass(frozen=True)
class ExportFile:
    """One file as found in the exports folder."""

    relative_path: str
    url: str
    size_bytes: int
    modified_at: datetime


@dataclass(frozen=True)
class Listed:
    """One entry of the exports folder: the file as listed, how to read its bytes, and, for an
    entry that cannot be read at all (a link to nothing, a named pipe, a folder that cannot be
    listed, a name that is not UTF-8), why not and the status that gives."""

    file: ExportFile
    read: Callable[[], bytes]
    unreadable: str | None = None
    unreadable_status: str = UNRECOGNISED
    stat_again: Callable[[], tuple[int, datetime] | None] = lambda: None

    def changed_while_read(self, data: bytes) -> bool:
        """True when the file is not the one that was listed any more: still being written (or
        copied in), so what was read may be cut short."""
        if len(data) != self.file.size_bytes:
            return True
        now = self.stat_again()
        return now is not None and now != (self.file.size_bytes, self.file.modified_at)


def _is_url(location: str) -> bool:
    return "://" in location


def bucket_url(location: str) -> str:
    return location if _is_url(location) else os.path.abspath(location)


def list_exports(location: str) -> Iterator[Listed]:
    """Every file under the exports folder, in a stable order, skipping what is not an export:
    hidden files (`.DS_Store`), office lock files (`~$report.xlsx`) and notes (`README.md`) that
    sit beside exports."""
    if _is_url(location):
        yield from _list_bucket(location)
        return
    if not os.path.isdir(location):
        raise ExportsFolderMissing(
            f"exports folder {location!r} does not exist; create it and put the platforms' "
            "export files in it, or pass --exports PATH_OR_URL"
        )
    yield from sorted(_walk(os.path.abspath(location), ""), key=lambda listed: listed.file.relative_path)


def _list_bucket(location: str) -> Iterator[Listed]:
    from dlt.sources.filesystem import filesystem  # dlt's import costs ~1.5 s: only for buckets

    items = [
        item
        for item in filesystem(bucket_url=location, file_glob="**/*")
        if not _ignored(item["relative_path"])
    ]
    for item in sorted(items, key=lambda i: i["relative_path"]):
        file = ExportFile(
            relative_path=item["relative_path"],
            url=item["file_url"],
            size_bytes=int(item["size_in_bytes"]),
            modified_at=item["modification_date"].astimezone(UTC),
        )
        yield Listed(file, item.read_bytes)


def _walk(root: str, relative: str, visited: set[tuple[int, int]] | None = None) -> Iterator[Listed]:
    """Depth-first through folders and folder links, entering each real folder once (a link back
    to a parent folder would otherwise recurse forever). An entry that cannot be listed, stat'ed
    or named is a ledger row of its own, never the end of the walk."""
    visited = set() if visited is None else visited
    folder = os.path.join(root, relative)
    try:
        identity = os.stat(folder)
        if (identity.st_dev, identity.st_ino) in visited:
            return
        visited.add((identity.st_dev, identity.st_ino))
        with os.scandir(folder) as entries:
            found = [entry for entry in entries if not _ignored(entry.name)]
    except OSError as error:
        if not relative:
            raise ExportsFolderMissing(
                f"exports folder {root!r} cannot be read ({error.strerror or error}); give the "
                "user running socialkpi read access to it"
            ) from None
        yield _unlisted_folder(folder, relative, error)
        return
    for entry in found:
        yield from _entry(root, f"{relative}/{entry.name}" if relative else entry.name, entry, visited)


def _entry(root: str, path: str, entry: os.DirEntry, visited: set[tuple[int, int]]) -> Iterator[Listed]:
    if not _is_utf8(path):
        yield _unreadable(entry, path, NOT_UTF8, QUARANTINED)
        return
    try:
        info = entry.stat()  # follows links: what a reader of this path would get
    except OSError as error:
        yield _unreadable(entry, path, _unstattable(entry, error))
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(root, path, visited)
    elif stat.S_ISREG(info.st_mode):
        yield _local_file(entry.path, path, info)
    else:
        yield _unreadable(entry, path, "not a regular file (a named pipe, socket or device)")


NOT_UTF8 = (
    "the name is not valid UTF-8 (bytes shown as \\xNN; an old archiver or another system's "
    "encoding wrote it); rename it and it is read on the next run"
)
_TOO_LONG = (
    "path is longer than the system allows ({strerror}); move the files to a folder with a shorter path"
)


def _unstattable(entry: os.DirEntry, error: OSError) -> str:
    if error.errno == errno.ENAMETOOLONG:
        return f"a file or folder whose {_TOO_LONG.format(strerror=error.strerror)}"
    if _is_link(entry) and error.errno in (errno.ENOENT, errno.ELOOP, errno.ENOTDIR):
        return f"a link that leads to no file ({error.strerror})"
    return f"an entry that cannot be read ({error.strerror or error})"


def _unlisted_folder(folder: str, relative: str, error: OSError) -> Listed:
    """A folder whose files cannot be listed: one ledger row for the folder."""
    if error.errno == errno.ENAMETOOLONG:
        reason = f"a folder whose {_TOO_LONG.format(strerror=error.strerror)}"
    elif error.errno in (errno.EACCES, errno.EPERM):
        reason = (
            f"a folder that cannot be listed ({error.strerror}); give the user running socialkpi "
            "read access to it, or move its exports out"
        )
    else:
        reason = f"a folder that cannot be listed ({error.strerror or error})"
    file = ExportFile(
        relative_path=shown_path(relative + "/"),
        url=_file_url(folder + "/"),
        size_bytes=0,
        modified_at=_mtime_of(folder),
    )
    return Listed(file, lambda: b"", unreadable=f"{reason}; its files are not read")


def _local_file(full_path: str, relative_path: str, info: os.stat_result) -> Listed:
    file = ExportFile(
        relative_path=relative_path,
        url=_file_url(full_path),
        size_bytes=info.st_size,
        modified_at=_mtime(info),
    )
    return Listed(
        file,
        functools.partial(_read_bytes, full_path),
        stat_again=functools.partial(_size_and_time, full_path, file.modified_at),
    )


def _read_bytes(full_path: str) -> bytes:
    with open(full_path, "rb") as handle:
        return handle.read()


def _size_and_time(full_path: str, listed_time: datetime) -> tuple[int, datetime]:
    try:
        now = os.stat(full_path)
    except OSError:
        return (-1, listed_time)  # gone while it was read: changed
    return (now.st_size, _mtime(now))


def _unreadable(entry: os.DirEntry, relative_path: str, reason: str, status: str = UNRECOGNISED) -> Listed:
    file = ExportFile(
        relative_path=shown_path(relative_path),
        url=_file_url(entry.path),
        size_bytes=0,
        modified_at=_mtime_of(entry.path),
    )
    target = ""
    if _is_link(entry):
        try:
            target = f" -> {shown_path(os.readlink(entry.path))}"
        except OSError:
            pass
    return Listed(file, lambda: b"", unreadable=f"{reason}{target}; not read", unreadable_status=status)


def _is_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _mtime_of(path: str) -> datetime:
    """The entry's own time (not its link's target), or the epoch when even that cannot be read
    (a path too long): a time that does not change from run to run."""
    try:
        return _mtime(os.stat(path, follow_symlinks=False))
    except OSError:
        return datetime.fromtimestamp(0, UTC)


def _file_url(path: str) -> str:
    """The file's own URL, links not resolved (two links to one file are two entries; dlt's
    listing resolves them, which fails on a link loop), otherwise as dlt writes it. Quoted from
    the name's bytes, so a name that is not UTF-8 has a URL too (%E9)."""
    return "file://" + urllib.parse.quote(os.fsencode(path))  # what Path.as_uri() gives, 10x faster


def _is_utf8(name: str) -> bool:
    """os.scandir gives the undecodable bytes of a name as lone surrogates."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_path(path: str) -> str:
    """A path as text that can be stored and printed: bytes that are not UTF-8 as `\\xNN`."""
    return path if _is_utf8(path) else os.fsencode(path).decode("utf-8", "backslashreplace")


# Control characters (a name can hold ESC sequences or a newline) and the bidirectional overrides
# that reorder what a terminal shows.
_UNPRINTABLE = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]")


def printable(text: str) -> str:
    """Text from a file name (a path, a reason naming a ZIP member) made safe to print: control
    characters and bidi overrides escaped as `\\xNN` / `\\uNNNN`."""
    return _UNPRINTABLE.sub(_escaped, shown_path(text))


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _mtime(info: os.stat_result) -> datetime:
    return datetime.fromtimestamp(info.st_mtime, UTC)


# People keep notes beside their downloads (a README, what they clicked to export); no platform
# writes an export in these formats, so they are not refused exports, they are not exports.
NOTES_SUFFIXES = (".md", ".markdown", ".txt", ".rtf", ".doc", ".docx", ".odt")


def _ignored(relative_path: str) -> bool:
    parts = relative_path.split("/")
    return any(part.startswith((".", "~$")) for part in parts) or parts[-1].lower().endswith(NOTES_SUFFIXES)
