"""Generators of hostile inputs (issue 15): small on disk, each built the way the real shape is
(a real OOXML package, a real deflate stream, real file-system entries), so the readers meet
exactly what a person's exports folder can hold."""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Metrics" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def xlsx_with_far_cell(path: Path, far_cell: str = "XFD1048576") -> Path:
    """A minimal OOXML workbook: a LinkedIn-like header in row 1 and one stray cell at
    `far_cell`, its `<dimension>` spanning both, as a spreadsheet writes it."""
    header = ["Date", "Impressions (total)", "Clicks (total)"]
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{text}</t></is></c>' for i, text in enumerate(header)
    )
    far_row = "".join(ch for ch in far_cell if ch.isdigit())
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{far_cell}"/><sheetData>'
        f'<row r="1">{cells}</row>'
        f'<row r="{far_row}"><c r="{far_cell}"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def zip_bomb(path: Path, member: str, head: bytes, block: bytes, repeats: int) -> Path:
    """A ZIP whose one member inflates to `head` + `block` * `repeats`, written without ever
    holding (or deflating) the inflated bytes: `block` is deflated once, ending on a full flush
    (byte-aligned, no back-references before it), and those bytes repeat in the stream, which
    inflates to the block each time. Its header declares the true size, as an archiver would."""
    first = _deflated_block(head)
    body = _deflated_block(block)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    size = len(head) + len(block) * repeats
    compressed = len(first) + len(body) * repeats + len(end)
    name = member.encode()
    with open(path, "wb") as out:
        out.write(_local_header(name, crc, compressed, size))
        out.write(first)
        for _ in range(repeats):
            out.write(body)
        out.write(end)
        directory_at = out.tell()
        entry = _central_entry(name, crc, compressed, size)
        out.write(entry)
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(entry), directory_at, 0))
    return path


def _deflated_block(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _local_header(name: bytes, crc: int, compressed: int, size: int) -> bytes:
    return (
        struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, compressed, size, len(name), 0) + name
    )


def _central_entry(name: bytes, crc: int, compressed: int, size: int) -> bytes:
    return (
        struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            compressed,
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            0,
        )
        + name
    )


def zip_of_many(path: Path, member: bytes, count: int) -> Path:
    """A ZIP of `count` copies of one export under distinct names (a folder zipped by hand)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(count):
            archive.writestr(f"export_{index:05d}.csv", member)
    return path


def non_utf8_name(folder: Path, content: bytes, raw_name: bytes = b"tweets_caf\xe9.csv") -> bytes:
    """A file whose name is not UTF-8 (Latin-1 `é`, as an old archiver extracts it); returns the
    name as the folder holds it."""
    with open(os.path.join(os.fsencode(folder), raw_name), "wb") as out:
        out.write(content)
    return raw_name


def deep_folder(folder: Path, content: bytes, name: str = "tweets.csv", min_path_bytes: int = 4200) -> str:
    """A file under folders nested until its path passes `min_path_bytes` (PATH_MAX is 4,096 on
    Linux): made one level at a time relative to an open folder, as a sync client does. Returns
    the relative path of the deepest folder."""
    level = "d" * 250
    parts: list[str] = []
    fd = os.open(folder, os.O_RDONLY)
    try:
        while len(os.fsencode(folder)) + sum(len(p) + 1 for p in parts) < min_path_bytes:
            os.mkdir(level, dir_fd=fd)
            inner = os.open(level, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
            parts.append(level)
        file = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(file, content)
        os.close(file)
    finally:
        os.close(fd)
    return "/".join(parts)
