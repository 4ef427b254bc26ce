"""Walk the exports folder: a local path or any fsspec URL (s3://, gs://, sftp://).

A local folder is walked here, not by a glob: people's folders hold links (to each other, to a
parent folder, to files that were moved), named pipes and files still being copied in, and one of
those must never stop the others from loading or hang the run. A bucket URL goes through the dlt
filesystem source, so its credentials come from dlt's usual config and secrets.
"""

from __future__ import annotations

import functools
import os
import stat
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from pipelines.reader import ExportFile


class ExportsFolderMissing(Exception):
    """The exports folder or URL does not exist."""


@dataclass(frozen=True)
class Listed:
    """One entry of the exports folder: the file as listed, how to read its bytes, and, for an
    entry that cannot be read at all (a link to nothing, a named pipe), why not."""

    file: ExportFile
    read: Callable[[], bytes]
    unreadable: str | None = None
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
    hidden files (`.DS_Store`) and office lock files (`~$report.xlsx`) that sit beside exports."""
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
    to a parent folder would otherwise recurse forever)."""
    visited = set() if visited is None else visited
    folder = os.path.join(root, relative)
    identity = os.stat(folder)
    if (identity.st_dev, identity.st_ino) in visited:
        return
    visited.add((identity.st_dev, identity.st_ino))
    with os.scandir(folder) as entries:
        found = [entry for entry in entries if not _ignored(entry.name)]
    for entry in found:
        path = f"{relative}/{entry.name}" if relative else entry.name
        try:
            info = entry.stat()  # follows links: what a reader of this path would get
        except OSError as error:
            yield _unreadable(entry, path, f"a link that leads to no file ({error.strerror})")
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(root, path, visited)
        elif stat.S_ISREG(info.st_mode):
            yield _local_file(entry.path, path, info)
        else:
            yield _unreadable(entry, path, "not a regular file (a named pipe, socket or device)")


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


def _unreadable(entry: os.DirEntry, relative_path: str, reason: str) -> Listed:
    info = entry.stat(follow_symlinks=False)
    file = ExportFile(
        relative_path=relative_path,
        url=_file_url(entry.path),
        size_bytes=0,
        modified_at=_mtime(info),
    )
    target = f" -> {os.readlink(entry.path)}" if entry.is_symlink() else ""
    return Listed(file, lambda: b"", unreadable=f"{reason}{target}; not read")


def _file_url(path: str) -> str:
    """The file's own URL, links not resolved (two links to one file are two entries; dlt's
    listing resolves them, which fails on a link loop), otherwise as dlt writes it."""
    return "file://" + urllib.parse.quote(path)  # what Path(path).as_uri() gives, 10x faster


def _mtime(info: os.stat_result) -> datetime:
    return datetime.fromtimestamp(info.st_mtime, UTC)


def _ignored(relative_path: str) -> bool:
    return any(part.startswith((".", "~$")) for part in relative_path.split("/"))
