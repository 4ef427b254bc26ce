"""Who we reach (issue 19): every audience export shape reads, in the bytes the platforms write.

No real sample has an audience shape (docs/formats.md §2.5, §4.6, §5.5), so each test writes a
generated file copying the described shape byte for byte: Meta's `Audience.csv` in UTF-16LE with
BOM, `sep=,`, quoted cells, stacked blocks of which three are written sideways; LinkedIn's
demographic sheets beside the `New followers` sheet of a real BIFF workbook."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.errors import UnreadableExport
from pipelines.exports import ExportFile
from pipelines.reader import ParsedExport, read_export
from socialkpi.demo.linkedin import _workbook_bytes

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def read(content: bytes, path: str) -> list[ParsedExport]:
    file = ExportFile(relative_path=path, url=f"file:///x/{path}", size_bytes=len(content), modified_at=NOW)
    return read_export(content, file, "sha", NOW)


def utf16_meta(*blocks: str) -> bytes:
    """As Meta writes its Page downloads: UTF-16LE with BOM, `sep=,`, LF, an empty line between
    blocks and at the end."""
    return b"\xff\xfe" + ("sep=,\n" + "\n".join(blocks) + "\n").encode("utf-16-le")


def quoted(*cells: str) -> str:
    return ",".join(f'"{cell}"' for cell in cells)


def block(*lines: str) -> str:
    return "\n".join(lines) + "\n"


AGE_GENDER = block(
    *['"Age & gender"', quoted("", "Men", "Women"), quoted("18-24", "10.5", "12.5"), quoted("65+", "2", "3")]
)
TOP_CITIES = block(*['"Top cities"', quoted("Geneva, Switzerland", "Lyon, France"), quoted("30.2", "12.5")])
TOP_COUNTRIES = block(
    *['"Top countries"', quoted("Switzerland", "France", "Allemagne"), quoted("45", "30", "5")]
)
TOP_PAGES = block(*['"Top pages"', quoted("ESA", "EMBL"), quoted("1.2", "0.8")])
FOLLOWS = block(*['"Follows"', quoted("Date", "Primary"), quoted("2025-09-20T00:00:00", "20")])


def rows_of(parts: list[ParsedExport], shape: str) -> list[dict]:
    (part,) = [p for p in parts if p.format.name == shape]
    return part.table.to_pylist()


def test_every_block_of_a_meta_audience_file_is_read_as_its_own_breakdown():
    parts = read(utf16_meta(AGE_GENDER, TOP_CITIES, TOP_COUNTRIES, TOP_PAGES, FOLLOWS), "cern/Audience.csv")
    assert [p.format.name for p in parts] == [
        "facebook.audience_age_gender",
        "facebook.audience_top_cities",
        "facebook.audience_top_countries",
        "facebook.audience_top_pages",
        "meta.daily_series",
    ]
    ages = rows_of(parts, "facebook.audience_age_gender")
    assert [(r["dimension_value"], r["men"], r["women"]) for r in ages] == [
        ("18-24", "10.5", "12.5"),
        ("65+", "2", "3"),
    ]
    (follows,) = rows_of(parts, "meta.daily_series")
    assert (follows["series_title"], follows["value"]) == ("Follows", "20")


def test_a_sideways_block_becomes_one_row_per_label_with_commas_inside_labels_kept():
    parts = read(utf16_meta(AGE_GENDER, TOP_CITIES), "cern/Audience.csv")
    cities = rows_of(parts, "facebook.audience_top_cities")
    assert [(r["dimension_value"], r["distribution"]) for r in cities] == [
        ("Geneva, Switzerland", "30.2"),
        ("Lyon, France", "12.5"),
    ]
    assert [r["_row_number"] for r in cities] == [1, 2]
    assert {r["_source_file"] for r in cities} == {"cern/Audience.csv::Top cities"}


def test_an_audience_file_that_starts_with_a_sideways_block_is_read_too():
    parts = read(utf16_meta(TOP_COUNTRIES, FOLLOWS), "cern/Audience.csv")
    countries = rows_of(parts, "facebook.audience_top_countries")
    assert [r["dimension_value"] for r in countries] == ["Switzerland", "France", "Allemagne"]


def test_a_sideways_block_with_a_value_missing_is_quarantined_naming_the_block():
    broken = block(*['"Top cities"', quoted("Geneva, Switzerland", "Lyon, France"), quoted("30.2")])
    with pytest.raises(UnreadableExport) as caught:
        read(utf16_meta(AGE_GENDER, broken), "cern/Audience.csv")
    assert "'Top cities'" in caught.value.reason
    assert "download the export again" in caught.value.reason


@pytest.mark.parametrize(
    ("header", "value"),
    [("Top territories", "0.601"), ("Top Territories", "60.1")],
    ids=["fractions", "percents and capital T"],
)
def test_follower_top_territories_reads_whatever_the_header_case_and_the_scale(header, value):
    content = b"\xef\xbb\xbf" + f'"{header}","Distribution"\n"CH","{value}"\n"Others","0.399"'.encode()
    (part,) = read(content, "cern/FollowerTopTerritories.csv")
    assert part.format.name == "facebook.follower_top_territories"
    assert part.table.to_pylist()[0]["distribution"] == value


def test_follower_gender_reads_as_the_gender_breakdown():
    content = b"\xef\xbb\xbf" + b'"Gender","Distribution"\n"Female","0.49"\n"Male","0.51"'
    (part,) = read(content, "cern/FollowerGender.csv")
    assert part.format.name == "facebook.follower_gender"
    assert [r["dimension_value"] for r in part.table.to_pylist()] == ["Female", "Male"]


def test_linkedin_demographic_sheets_load_beside_the_new_followers_sheet_and_keep_company_sizes_as_text():
    sheets = {
        "New followers": [
            ["Date", "Sponsored followers", "Organic followers", "Auto-invited followers", "Total followers"],
            ["07/01/2025", 0, 4, 0, 4],
        ],
        "Location": [
            ["Location", "Total followers"],
            ["Geneva, Switzerland", 120],
            ["Paris, Île-de-France, France", 30],
        ],
        "Job function": [["Job function", "Total followers"], ["Research", 80], ["Education", 40]],
        "Seniority": [["Seniority", "Total followers"], ["Senior", 70]],
        "Industry": [["Industry", "Total followers"], ["Research Services", 90]],
        "Company size": [["Company size", "Total followers"], ["2-10", 5], ["10001+", 60]],
    }
    parts = read(_workbook_bytes(sheets, xlsx=False), "cern/cern_followers_1751328000000.xls")
    assert sorted(p.format.name for p in parts) == [
        "linkedin.followers",
        "linkedin.followers_company_size",
        "linkedin.followers_industry",
        "linkedin.followers_job_function",
        "linkedin.followers_location",
        "linkedin.followers_seniority",
    ]
    sizes = rows_of(parts, "linkedin.followers_company_size")
    assert [(r["dimension_value"], r["total_followers"]) for r in sizes] == [("2-10", "5"), ("10001+", "60")]


def test_a_visitors_demographic_sheet_is_told_from_a_followers_one_by_its_measure():
    sheets = {"Job function": [["Job function", "Total views"], ["Research", 300]]}
    (part,) = read(_workbook_bytes(sheets, xlsx=True), "cern/cern_visitors_1751328000000.xlsx")
    assert part.format.name == "linkedin.visitors_job_function"
    assert part.table.to_pylist()[0]["total_views"] == "300"
