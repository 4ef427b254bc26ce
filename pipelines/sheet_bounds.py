"""How many cells a workbook's sheets span, found before calamine materialises them.

calamine allocates every cell of a sheet's bounding box at once (32 bytes each): one stray cell
at `XFD1048576` in a 60 KB `.xlsx` asks for 512 GiB, and the allocation failure aborts the whole
process (no Python exception to catch). So an `.xlsx` sheet's XML is scanned first, streaming,
for its `<dimension ref>` and its largest row and cell references, and a sheet past
SOCIALKPI_MAX_SHEET_CELLS is quarantined. A `.xls` (BIFF) sheet cannot span more than
65,536 x 256 cells (~0.5 GB in calamine), so it is checked after calamine reads it and before
its cells become Python objects (pipelines/sheets.py).
"""

from __future__ import annotations

import io
import re
import zipfile

from pipelines.containers import check_declared_sizes
from pipelines.errors import QUARANTINED, UnreadableExport
from pipelines.limits import max_inflated_bytes, max_sheet_cells

_SHEET_XML = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
# A row's number (`<row r="5">`) and a cell's reference (`<c r="AB5">`); a cell without one sits
# right after the previous cell, so those are counted.
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>")
_CELL_REF = re.compile(rb"\br=\"([A-Z]+)(\d+)\"")
_CHUNK = 2**20
_OVERLAP = 512  # longer than any tag the patterns match, so a tag cut by a chunk is seen whole


def check_workbook(data: bytes) -> None:
    """Raise UnreadableExport for an `.xlsx` whose sheets span more cells than the bound; any other
    bytes pass (a damaged archive is calamine's to report)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, OSError):
        return
    with archive:
        check_declared_sizes(archive.infolist(), "the .xlsx workbook")
        for info in archive.infolist():
            if _SHEET_XML.match(info.filename):
                _check_sheet(archive, info)


def check_cells(rows: int, columns: int, where: str, declared: str = "") -> None:
    """Refuse a sheet (`where`: "sheet 'Metrics'") whose bounding box passes the bound."""
    limit = max_sheet_cells()
    if rows * columns > limit.value:
        raise UnreadableExport(
            f"{where} spans {rows:,} rows x {columns:,} columns{declared} = "
            f"{rows * columns:,} cells, more than {limit.value:,} ({limit.named()}); a stray cell "
            "far below or right of the data (an edit in a spreadsheet) makes a sheet this large: "
            f"download the export again, or raise {limit.env}",
            QUARANTINED,
        )


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    rows, columns, dimension = _extent(archive, info)
    declared = f" (it declares {dimension.decode()})" if dimension else ""
    check_cells(rows, columns, f"the sheet in {info.filename}", declared)


def _extent(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int, bytes | None]:
    """(last row, last column, the declared dimension) of one sheet's XML, read a chunk at a time
    and never past the inflation bound."""
    limit = max_inflated_bytes()
    extent = _Extent()
    inflated = 0
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            inflated += len(chunk)
            if inflated > limit.value:
                raise UnreadableExport(
                    f"{info.filename} in the .xlsx workbook inflates past {limit.value:,} bytes "
                    f"({limit.named()}); download the export again, or raise {limit.env}",
                    QUARANTINED,
                )
            text = tail + chunk
            # Tags that start inside the overlap are scanned again with the next chunk: counting
            # only the ones that start before it counts each tag once, and sees it whole.
            seen = len(text) - _OVERLAP if len(chunk) == _CHUNK else len(text)
            extent.scan(text, seen)
            tail = text[seen:]
    return extent.last_row, max(extent.last_column, extent.unreferenced), extent.dimension


class _Extent:
    """The largest row and column references seen so far in a sheet's XML."""

    def __init__(self) -> None:
        self.last_row = self.last_column = self.unreferenced = 0
        self.dimension: bytes | None = None

    def scan(self, text: bytes, seen: int) -> None:
        if self.dimension is None and (found := _DIMENSION.search(text)):
            self.dimension = found.group(1)
        for match in _ROW.finditer(text):
            if match.start() >= seen:
                break
            self.last_row = max(self.last_row, int(match.group(1)))
        for match in _CELL.finditer(text):
            if match.start() >= seen:
                break
            if reference := _CELL_REF.search(match.group(1)):
                self.last_column = max(self.last_column, _column_number(reference.group(1)))
                self.last_row = max(self.last_row, int(reference.group(2)))
            else:
                self.unreferenced += 1


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
