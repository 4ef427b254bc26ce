"""Spreadsheet exports -> sheets of text cells: real `.xls` (BIFF/CDFV2) and `.xlsx` through
calamine, and the `.xls` files that are really SpreadsheetML 2003 XML (legacy Facebook Insights) or
HTML tables (some LinkedIn tools). Told apart by their first bytes, never by the extension.

Cells become the text a person would see in the export: integral numbers without ".0", other
numbers in full precision, dates in ISO form. Types are applied later, in dbt staging, as for CSV.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

from python_calamine import CalamineSheet, CalamineWorkbook

from pipelines.containers import ZIP_SIGNATURE
from pipelines.errors import QUARANTINED, UnreadableExport
from pipelines.sheet_bounds import check_cells, check_workbook

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_ML = b"urn:schemas-microsoft-com:office:spreadsheet"
_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


@dataclass(frozen=True)
class Sheet:
    """A sheet's rows. `name` is None for an HTML table: it has no sheet name to match on."""

    name: str | None
    rows: list[list[str]]
    label: str = ""


def is_spreadsheet(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    return (
        data.startswith(OLE_SIGNATURE)
        or data.startswith(ZIP_SIGNATURE)  # an XLSX: containers.unpack leaves workbooks whole
        or (head.startswith(b"<?xml") and _SPREADSHEET_ML in data[:4096])
        or head[:200].lower().startswith((b"<html", b"<!doctype html", b"<table"))
    )


def read_sheets(data: bytes) -> list[Sheet]:
    """Every sheet of a workbook, as rows of text cells."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<?xml"):
        return _spreadsheet_ml(data)
    if head[:200].lower().startswith((b"<html", b"<!doctype html", b"<table")):
        return _html_tables(data)
    if data.startswith(ZIP_SIGNATURE):
        check_workbook(data)  # before calamine allocates a sheet's every cell (sheet_bounds.py)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [
            Sheet(name, _text_rows(_bounded(workbook.get_sheet_by_name(name)).to_python()))
            for name in workbook.sheet_names
        ]
    except UnreadableExport:
        raise
    except Exception as error:  # calamine raises its own error types for every kind of damage
        raise UnreadableExport(
            f"the spreadsheet cannot be opened ({str(error)[:160]}); it may be truncated or not "
            "a real Excel file: download it again",
            QUARANTINED,
        ) from None


def _bounded(sheet: CalamineSheet) -> CalamineSheet:
    """A sheet calamine has read (a BIFF sheet is at most 65,536 x 256 cells), checked before its
    cells become Python objects."""
    check_cells(sheet.total_height, sheet.total_width, f"sheet {sheet.name!r}")
    return sheet


class NumberCell(str):
    """A cell the workbook holds as a number, as the text the export shows (`44008`), with the
    number. Only such a cell can be an Excel date serial: text that looks like one, in a sheet or
    a CSV, never is."""

    value: float

    def __new__(cls, text: str, value: float = 0.0) -> NumberCell:  # default: pickle calls it with the text
        cell = super().__new__(cls, text)
        cell.value = value
        return cell


# Excel counts days from 1899-12-30 (its 1900 leap-year bug included); 2958465 is 9999-12-31.
_EXCEL_EPOCH = datetime(1899, 12, 30)
_LAST_EXCEL_SERIAL = 2958465


def excel_serial_date(cell: str) -> str | None:
    """The ISO date (or date and time) of a numeric cell in a date column (older LinkedIn
    workbooks: 44008 = 2020-06-26); None for any other cell."""
    if not isinstance(cell, NumberCell) or not 0 < cell.value <= _LAST_EXCEL_SERIAL:
        return None
    moment = _EXCEL_EPOCH + timedelta(days=cell.value)
    return cell_text(moment.replace(microsecond=0))


def _text_rows(rows: list[list[object]]) -> list[list[str]]:
    return [[cell_text(cell) for cell in row] for row in rows]


def cell_text(value: object) -> str:
    """A cell as the text the export shows."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return NumberCell(str(int(value)) if value.is_integer() else repr(value), value)
    if isinstance(value, int):
        return NumberCell(str(value), float(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # text, and durations (timedelta) as H:MM:SS


def _spreadsheet_ml(data: bytes) -> list[Sheet]:
    """SpreadsheetML 2003: <Worksheet ss:Name=...><Table><Row><Cell ss:Index=..><Data>."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise UnreadableExport(
            f"the XML spreadsheet is damaged ({error}); download it again", QUARANTINED
        ) from None
    sheets = []
    for worksheet in root.iter(f"{_SS}Worksheet"):
        rows = []
        for row in worksheet.iter(f"{_SS}Row"):
            cells: list[str] = []
            for cell in row.iter(f"{_SS}Cell"):
                index = cell.get(f"{_SS}Index")
                if index:  # sparse rows skip empty cells and say where the next one is
                    cells.extend([""] * (int(index) - 1 - len(cells)))
                datum = cell.find(f"{_SS}Data")
                cells.append(_spreadsheet_ml_value(datum))
            rows.append(cells)
        sheets.append(Sheet(worksheet.get(f"{_SS}Name", ""), rows))
    return sheets


def _spreadsheet_ml_value(datum: ET.Element | None) -> str:
    if datum is None:
        return ""
    text = "".join(datum.itertext())
    if datum.get(f"{_SS}Type") == "DateTime" and text.endswith("T00:00:00.000"):
        return text.removesuffix("T00:00:00.000")
    return text.removesuffix(".000") if datum.get(f"{_SS}Type") == "DateTime" else text


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _html_tables(data: bytes) -> list[Sheet]:
    parser = _TableParser()
    parser.feed(data.decode("utf-8", errors="replace"))
    return [Sheet(None, rows, label=f"table {i + 1}") for i, rows in enumerate(parser.tables)]
