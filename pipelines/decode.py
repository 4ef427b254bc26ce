"""Bytes of an export -> text, and where its header row is.

Encodings are sniffed from the BOM, never assumed from the extension (docs/formats.md section 7):
`EF BB BF` is UTF-8 with BOM, `FF FE` UTF-16LE (Meta daily series), no BOM means UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.errors import UNRECOGNISED, UnreadableExport

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# How far down a header may sit below preamble lines (`sep=,`, a one-cell title line).
_MAX_PREAMBLE_ROWS = 5
_BINARY = "binary content (NUL bytes), not a CSV export: is it the right file? download it again"


def bom_of(data: bytes) -> str:
    """The encoding the file's byte-order mark names ("utf-8", "utf-16-le"), or "" for none."""
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), "")


def decode_text(data: bytes) -> str:
    """Decode an export's bytes, or say plainly why they are not a text export."""
    text = _text_of(data)
    if not text or text.isspace():  # as `not text.strip()`, without copying a 300 MB text
        raise UnreadableExport("the file is empty; download the export again", UNRECOGNISED)
    return text


def _text_of(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], encoding)
    if b"\x00" in data[:65536]:  # text without a UTF-16 BOM never holds NUL bytes
        raise UnreadableExport(_BINARY, UNRECOGNISED)
    return _decode(data, "utf-8")


def _decode(payload: bytes, encoding: str) -> str:
    try:
        text = payload.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableExport(
            f"not readable as {encoding} text (byte {payload[error.start]:#04x} at offset "
            f"{error.start}); this is not a native CSV export, or it was re-saved in another "
            "encoding: download it again from the platform",
            UNRECOGNISED,
        ) from None
    if "\x00" in text:
        raise UnreadableExport(_BINARY, UNRECOGNISED)
    return text


@dataclass(frozen=True)
class CsvLayout:
    """Where the header is: `preamble_rows` rows come before it, the last one-cell row of which
    is the `title` (Meta daily series: "Facebook follows")."""

    header: tuple[str, ...]
    preamble_rows: int
    title: str | None = None


def find_header(text: str) -> CsvLayout:
    """The header of a CSV export (see find_header_in_rows)."""
    _refuse_semicolons(text)
    try:
        return find_header_in_rows(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise UnreadableExport(f"not a CSV file ({error})", UNRECOGNISED) from None


def _refuse_semicolons(text: str) -> None:
    """Every platform writes commas; a spreadsheet set to a European locale re-saves with
    semicolons, and the file then looks like one column per line."""
    lines = (line for line in text[:65536].splitlines() if line.strip())
    first = next((line for line in lines if not line.lower().startswith("sep=")), "")
    if first.count(";") >= 2 and first.count(";") > first.count(","):
        raise UnreadableExport(
            "the columns are separated by semicolons, not commas: a spreadsheet re-saved this file; "
            "download the export again from the platform",
            UNRECOGNISED,
        )


def find_header_in_rows(rows: Iterable[list[str]]) -> CsvLayout:
    """The first row with two or more non-empty cells, after `sep=` lines and one-cell title or
    description lines (Meta daily series, LinkedIn sheets)."""
    title = None
    for index, row in enumerate(rows):
        if index >= _MAX_PREAMBLE_ROWS:
            break
        cells = [cell.strip() for cell in row if cell.strip()]
        if len(cells) >= 2:
            return CsvLayout(header=tuple(row), preamble_rows=index, title=title)
        if cells and not cells[0].lower().startswith("sep="):
            title = cells[0]
    raise UnreadableExport("no header row found in the first lines; not an export table", UNRECOGNISED)


def split_blocks(text: str) -> list[str]:
    """The tables of a file that stacks several, each after an empty line with its own title
    and header (Meta's `Visits.csv`). Only for shapes whose cells hold no free text: an empty
    line inside a quoted caption would cut a post in two."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current) + "\n")
            current = []
    if current:
        blocks.append("\n".join(current) + "\n")
    return blocks
