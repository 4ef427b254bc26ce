"""Every declared export shape round-trips through the one reader: a file written with the
declared headers (English, and French where declared) gives back exactly the values written,
under the canonical column names. A new declaration is covered without a new test."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest

from pipelines.exports import ExportFile
from pipelines.formats import ALL_FORMATS, ExportFormat
from pipelines.formats.spec import COUNT, DURATION, ID, PERCENT, RATE, TIMESTAMP
from pipelines.reader import read_export

MOMENT = datetime(2025, 3, 20, 14, 5, 9, tzinfo=UTC)
SAMPLE_BY_KIND = {COUNT: "1234", RATE: "0.0384", PERCENT: "3.51", DURATION: "0:04:04", ID: "id-0042"}


def sample_value(fmt: ExportFormat, canonical: str, kind: str) -> str:
    if kind == TIMESTAMP:
        return MOMENT.strftime(fmt.timestamp_styles[0])
    if canonical == fmt.account_column:
        return "Some Account"
    return SAMPLE_BY_KIND.get(kind, f"text of {canonical}, with a comma")


def written_columns(fmt: ExportFormat, language: str) -> list[tuple[str, str, str]]:
    """(header, canonical, value) for every column the shape declares in that language."""
    return [
        (spellings[0], column.canonical, sample_value(fmt, column.canonical, column.kind))
        for column in fmt.columns
        if column.canonical != fmt.title_column and (spellings := column.spellings()[language])
    ]


def export_bytes(fmt: ExportFormat, columns: list[tuple[str, str, str]]) -> bytes:
    header = [h for h, _, _ in columns]
    values = [v for _, _, v in columns]
    description = [f"What {h} means" for h in header]
    if fmt.sheet_names:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = sorted(fmt.sheet_names)[0]
        sheet.append(["A one-cell description of the sheet, as LinkedIn writes in row 1."])
        sheet.append(header)
        for _ in range(fmt.description_rows):
            sheet.append(description)
        sheet.append(values)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    if fmt.title_column:
        text.write('sep=,\n"A series title"\n')
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for _ in range(fmt.description_rows):
        writer.writerow(description)
    writer.writerow(values)
    return text.getvalue().encode("utf-8")


def read_back(fmt: ExportFormat, content: bytes):
    path = f"some_account/export.{'xlsx' if fmt.sheet_names else 'csv'}"
    file = ExportFile(path, f"file:///{path}", len(content), MOMENT)
    (parsed,) = read_export(content, file, "sha", MOMENT)
    return parsed


@pytest.mark.parametrize("fmt", ALL_FORMATS, ids=lambda f: f.name)
def test_a_generated_file_of_every_declared_shape_gives_back_the_values_written(fmt):
    columns = written_columns(fmt, "en")
    parsed = read_back(fmt, export_bytes(fmt, columns))
    assert parsed.format.name == fmt.name
    row = parsed.table.to_pylist()[0]
    assert {canonical: row[canonical] for _, canonical, _ in columns} == {c: v for _, c, v in columns}
    assert row["_row_number"] == 1
    # The folder is the account, whatever name the rows give it (the rows' "Some Account").
    assert row["_account"] == "some_account"


FRENCH = [f for f in ALL_FORMATS if all(c.fr for c in f.columns if c.canonical in f.identify)]


@pytest.mark.parametrize("fmt", FRENCH, ids=lambda f: f.name)
def test_the_french_interface_export_gives_the_same_rows_as_the_english_one(fmt):
    english = written_columns(fmt, "en")
    french = written_columns(fmt, "fr")
    in_both = {c for _, c, _ in english} & {c for _, c, _ in french}
    english_row = read_back(fmt, export_bytes(fmt, english)).table.to_pylist()[0]
    french_parsed = read_back(fmt, export_bytes(fmt, french))
    french_row = french_parsed.table.to_pylist()[0]
    assert french_parsed.format.name == fmt.name
    assert {c: french_row[c] for c in in_both} == {c: english_row[c] for c in in_both}
