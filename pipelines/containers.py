"""Files that hold other files: a YouTube Studio download is a ZIP of three CSVs.

Recognised by content (the `PK` signature), never by extension. An XLSX is also a ZIP; it is a
workbook, not a container, and is left whole for the sheet reader (pipelines/sheet_bounds.py
bounds what its sheets may hold).

A ZIP says how large its members are before they are inflated, and a few MB can claim (or hold)
gigabytes: the member count, the declared sizes and the compression ratios are checked before a
byte is inflated, and inflation stops at the bound while it streams whatever was declared
(pipelines/limits.py).
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
from dataclasses import dataclass

from pipelines.errors import QUARANTINED, UNRECOGNISED, UnreadableExport
from pipelines.limits import (
    RATIO_FLOOR_BYTES,
    max_compression_ratio,
    max_inflated_bytes,
    max_zip_members,
)

ZIP_SIGNATURE = b"PK\x03\x04"
EMPTY_ZIP_SIGNATURE = b"PK\x05\x06"  # an archive with no entries starts with its end record
_END_RECORD = b"PK\x05\x06"
_CHUNK = 2**20


@dataclass(frozen=True)
class Member:
    """One readable file: the file itself (name "") or a file inside a ZIP."""

    name: str
    data: bytes


def unpack(data: bytes) -> list[Member]:
    """The files to read from one export file."""
    if not data.startswith((ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE)):
        return [Member("", data)]
    _refuse_huge_directory(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir() and not _ignored(i.filename)]
            if any(i.filename == "xl/workbook.xml" for i in infos):
                check_declared_sizes(archive.infolist(), "the .xlsx workbook")
                return [Member("", data)]
            if not infos:
                raise UnreadableExport("the ZIP archive holds no export files (no CSV inside)", QUARANTINED)
            if any(i.flag_bits & 0x1 for i in archive.infolist()):
                raise UnreadableExport(
                    "the ZIP archive is password-protected; download it again without a password",
                    QUARANTINED,
                )
            _refuse_many_members(len(infos))
            _refuse_repeated_names(infos)
            check_declared_sizes(infos, "the ZIP archive")
            budget = _Budget()
            members = [
                Member(info.filename, inflate(archive, info, budget))
                for info in sorted(infos, key=lambda i: i.filename)
            ]
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise UnreadableExport(
            f"the ZIP archive or .xlsx workbook is damaged ({error}); the download was probably cut "
            "short: download it again",
            QUARANTINED,
        ) from None
    except (NotImplementedError, RuntimeError) as error:  # a compression method zipfile lacks
        raise UnreadableExport(f"the ZIP archive cannot be opened ({error})", UNRECOGNISED) from None
    _refuse_nested_archives(members)
    return members


def _refuse_huge_directory(data: bytes) -> None:
    """The entry count the end record declares, checked before zipfile builds an object per entry
    (a few MB of central directory is a hundred thousand entries). Mac archivers add a hidden twin
    per file, so only ten times the bound is refused here; the exact count is checked after."""
    end = data.rfind(_END_RECORD, max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        return  # no end record: zipfile says the archive is damaged
    (entries,) = struct.unpack_from("<H", data, end + 10)
    if entries != 0xFFFF and entries > 10 * max_zip_members().value:
        _refuse_many_members(entries)


def _refuse_many_members(count: int) -> None:
    limit = max_zip_members()
    if count > limit.value:
        raise UnreadableExport(
            f"the ZIP archive holds {count} files, more than the {limit.value} a platform download "
            f"ever holds ({limit.named()}): unpack the files you need into the exports folder, or "
            f"raise {limit.env}",
            QUARANTINED,
        )


def _refuse_repeated_names(infos: list[zipfile.ZipInfo]) -> None:
    """Two members of one name would carry the same lineage (file::member, row number), and one
    would shadow the other; no platform writes such an archive."""
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            raise UnreadableExport(
                f"the ZIP archive holds two files named {info.filename}; platforms never do: unpack "
                "the one you need into the exports folder",
                QUARANTINED,
            )
        seen.add(info.filename)


def check_declared_sizes(infos: list[zipfile.ZipInfo], what: str) -> None:
    """Refuse, before inflating anything, an archive whose members claim more bytes in all than
    the bound, or one whose member claims far more than its compressed size explains."""
    limit, ratio = max_inflated_bytes(), max_compression_ratio()
    declared = sum(info.file_size for info in infos)
    if declared > limit.value:
        raise UnreadableExport(_too_large(what, f"declares {declared:,} bytes", limit), QUARANTINED)
    for info in infos:
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > ratio.value * max(info.compress_size, 1):
            raise UnreadableExport(
                f"{info.filename} in {what} inflates {info.file_size:,} bytes from "
                f"{info.compress_size:,} (more than {ratio.value} times, {ratio.named()}); real "
                f"exports compress 5-20 times, this one is padded or a ZIP bomb: download the "
                f"export again, or raise {ratio.env}",
                QUARANTINED,
            )


class _Budget:
    """Bytes inflated so far from one archive, across its members."""

    def __init__(self) -> None:
        self.limit = max_inflated_bytes()
        self.used = 0


def inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget | None = None) -> bytes:
    """A member's bytes, inflated a chunk at a time and stopped at the bound whatever its header
    declared (a header can lie; the stream is what counts)."""
    budget = budget or _Budget()
    chunks = []
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            budget.used += len(chunk)
            if budget.used > budget.limit.value:
                raise UnreadableExport(
                    _too_large(
                        "the ZIP archive", f"inflates past {budget.limit.value:,} bytes", budget.limit
                    ),
                    QUARANTINED,
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _too_large(what: str, how: str, limit) -> str:
    return (
        f"{what} {how}, more than the {limit.value:,} bytes one export may hold ({limit.named()}); "
        f"real exports are a few MB: download the export again, or raise {limit.env}"
    )


def _refuse_nested_archives(members: list[Member]) -> None:
    """Platforms never nest archives; a ZIP inside a ZIP was packed by a person."""
    for member in members:
        if member.data.startswith((ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE)) and not _is_workbook(member.data):
            raise UnreadableExport(
                f"{member.name} in the archive is itself a ZIP archive; unpack it into the exports folder",
                UNRECOGNISED,
            )


def _is_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, EOFError, OSError):
        return False


def _ignored(name: str) -> bool:
    """macOS resource forks and hidden files that archivers add beside the real ones."""
    return any(part.startswith((".", "__MACOSX")) for part in name.split("/")) or not posixpath.basename(name)
