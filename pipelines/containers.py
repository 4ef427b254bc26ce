"""Files that hold other files: a YouTube Studio download is a ZIP of three CSVs.

Recognised by content (the `PK` signature), never by extension. An XLSX is also a ZIP; it is a
workbook, not a container, and is left whole for the sheet reader.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from pipelines.errors import QUARANTINED, UNRECOGNISED, UnreadableExport

ZIP_SIGNATURE = b"PK\x03\x04"
EMPTY_ZIP_SIGNATURE = b"PK\x05\x06"  # an archive with no entries starts with its end record


@dataclass(frozen=True)
class Member:
    """One readable file: the file itself (name "") or a file inside a ZIP."""

    name: str
    data: bytes


def unpack(data: bytes) -> list[Member]:
    """The files to read from one export file."""
    if not data.startswith((ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE)):
        return [Member("", data)]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir() and not _ignored(i.filename)]
            if "xl/workbook.xml" in names:
                return [Member("", data)]
            if not names:
                raise UnreadableExport("the ZIP archive holds no export files (no CSV inside)", QUARANTINED)
            if any(i.flag_bits & 0x1 for i in archive.infolist()):
                raise UnreadableExport(
                    "the ZIP archive is password-protected; download it again without a password",
                    QUARANTINED,
                )
            members = [Member(name, archive.read(name)) for name in sorted(names)]
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
