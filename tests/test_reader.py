"""The one reader on good and bad files: what lands, and why a file is refused."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest

from pipelines.errors import QUARANTINED, UNRECOGNISED, UnreadableExport
from pipelines.exports import ExportFile
from pipelines.reader import read_export
from socialkpi.demo.twitter import X_OVERVIEW_HEADER

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TWEET_HEADER = (
    '"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements","retweets",'
    '"replies","likes"'
)
OVERVIEW_ROW = '"Fri, Mar 21, 2025",1070,11,32,0,0,0,0,2,1,6,0,0,0'


def read(content: bytes, path: str = "cern/account_overview_analytics.csv"):
    file = ExportFile(relative_path=path, url=f"file:///x/{path}", size_bytes=len(content), modified_at=NOW)
    (parsed,) = read_export(content, file, "sha", NOW)
    return parsed


def overview(*rows: str, header: list[str] = X_OVERVIEW_HEADER) -> bytes:
    return "\n".join([",".join(header), *rows]).encode()


def refusal(content: bytes, path: str = "cern/account_overview_analytics.csv") -> UnreadableExport:
    with pytest.raises(UnreadableExport) as caught:
        read(content, path)
    return caught.value


def test_values_land_as_the_platform_wrote_them_with_lineage():
    table = read(overview(OVERVIEW_ROW)).table
    row = table.to_pylist()[0]
    assert row["date"] == "Fri, Mar 21, 2025"
    assert row["impressions"] == "1070"
    assert row["_row_number"] == 1
    assert row["_account"] == "cern"
    assert row["_source_file"] == "cern/account_overview_analytics.csv"
    assert row["_format"] == "twitter.x_account_overview"


def test_the_account_comes_from_the_file_name_when_x_writes_it_there_and_is_case_insensitive():
    header = TWEET_HEADER
    row = '"1","u","hi","2021-12-31 15:59 +0000","104.0","4.0","0.0","0.0","2.0"'
    parsed = read(
        f"{header}\n{row}\n".encode(), "misc/tweet_activity_metrics_CERN_FR_20211201_20220101_fr.csv"
    )
    assert parsed.provenance.account == "cern_fr"
    assert parsed.provenance.snapshot_date.isoformat() == "2022-01-01"
    assert parsed.provenance.language == "fr"


def test_a_utf8_bom_is_not_part_of_the_first_header():
    assert read(b"\xef\xbb\xbf" + overview(OVERVIEW_ROW)).table.num_rows == 1


def test_multiline_quoted_text_stays_one_row():
    header = TWEET_HEADER
    row = (
        '"1","u","line one\nline two, with ""quotes""","2021-12-31 15:59 +0000",'
        '"104.0","4.0","0.0","0.0","2.0"'
    )
    table = read(
        f"{header}\n{row}\n".encode(), "cern/tweet_activity_metrics_CERN_20211201_20220101_en.csv"
    ).table
    assert table.num_rows == 1
    assert table["text"][0].as_py() == 'line one\nline two, with "quotes"'


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"", UNRECOGNISED, "empty"),
        (b"\xef\xbb\xbf \r\n\t\n", UNRECOGNISED, "empty"),
        (b"\x00\x01\x02\xff\xfe garbage \x00" * 50, UNRECOGNISED, "binary"),
        (bytes(range(128, 256)) * 20, UNRECOGNISED, "not readable as utf-8"),
        (",".join(X_OVERVIEW_HEADER).encode(), None, None),
        (overview('"Fri, Mar 21, 2025",1070,11,32,0,0,0,0,2,1,6,0,0'), QUARANTINED, "do not fit the header"),
        (
            overview('"Fri, Mar 21, 2025",12abc,11,32,0,0,0,0,2,1,6,0,0,0'),
            QUARANTINED,
            "row 1, column impressions",
        ),
        (overview('"Fri, Mar 21, 2025",1.2.3,11,32,0,0,0,0,2,1,6,0,0,0'), QUARANTINED, "is not a number"),
        (overview("21/03/2025,1070,11,32,0,0,0,0,2,1,6,0,0,0"), QUARANTINED, "style this export never uses"),
        (overview(OVERVIEW_ROW, '"Thu, Mar 20, 2025,1303,40,85'), QUARANTINED, "truncated"),
    ],
    ids=[
        "empty",
        "only-blank-lines",
        "binary-junk",
        "not-utf8",
        "header-only",
        "row-short-a-field",
        "letters-in-a-count",
        "two-decimal-points",
        "unknown-date-style",
        "truncated-mid-quote",
    ],
)
def test_bad_files_are_refused_with_a_reason_a_person_can_act_on(content, status, words):
    if status is None:  # a header with no rows is a valid, empty export
        assert read(content).table.num_rows == 0
        return
    refused = refusal(content)
    assert refused.status == status
    assert words in refused.reason


def test_an_export_that_does_not_name_its_account_outside_an_account_folder_is_quarantined():
    refused = refusal(overview(OVERVIEW_ROW), path="account_overview_analytics.csv")
    assert refused.status == QUARANTINED
    assert "folder named after the account" in refused.reason


def test_thousands_separators_and_float_counts_are_numbers():
    row = '"Fri, Mar 21, 2025","1,070",11.0,32,0,0,0,0,2,1,6,0,0,0'
    assert read(overview(row)).table["impressions"][0].as_py() == "1,070"


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FOLLOWERS_SHEET = [["Date", "Organic followers", "Total followers"], ["12/01/2024", 40, 41]]


def test_a_workbook_loads_the_sheets_it_knows_and_skips_the_others():
    content = workbook(
        {
            "New followers": FOLLOWERS_SHEET,
            "Location": [["Location", "Total followers"], ["Geneva", 3]],
            "My notes": [["Checked by", "Anna"]],
        }
    )
    file = ExportFile("x/cern_followers_1753863379800.xlsx", "file:///x", len(content), NOW)
    parsed, location = read_export(content, file, "sha", NOW)
    assert location.format.name == "linkedin.followers_location"  # docs/formats.md §4.6
    assert parsed.format.name == "linkedin.followers"
    assert parsed.table["total_followers"].to_pylist() == ["41"]
    assert parsed.provenance.account == "cern"
    assert parsed.provenance.snapshot_date.isoformat() == "2025-07-30"


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (workbook({"New followers": FOLLOWERS_SHEET})[:700], QUARANTINED, ".xlsx workbook is damaged"),
        (workbook({"Sheet1": FOLLOWERS_SHEET[:1], "Sheet2": [["a", "b"]]}), UNRECOGNISED, "Sheet1, Sheet2"),
        (
            workbook({"DISCOVERY": [["Overall Performance", "x"]], "ENGAGEMENT": [["Date", "Impressions"]]}),
            UNRECOGNISED,
            "DISCOVERY",
        ),
        (zipped({"__MACOSX/._x.csv": b"junk"}), QUARANTINED, "no export files"),
        (
            zipped({"Table data.csv": b"Content,Video title,Views\nTotal,,10\n"})[:60],
            QUARANTINED,
            "ZIP archive or .xlsx workbook is damaged",
        ),
        (
            zipped({"Table data.csv": b"Content,Video title,Views\nabc,,12abc\n"}),
            QUARANTINED,
            "Table data.csv in the archive",
        ),
    ],
    ids=[
        "truncated-xlsx",
        "wrong-sheet-names",
        "linkedin-personal-export",
        "zip-without-csv",
        "truncated-zip",
        "bad-member",
    ],
)
def test_damaged_workbooks_and_archives_are_refused_with_a_reason(content, status, words):
    refused = refusal(content, path="cern/export.xlsx")
    assert refused.status == status
    assert words in refused.reason


def test_a_youtube_zip_takes_channel_and_window_from_its_name_and_keeps_the_total_row():
    table_data = (
        "Content,Video title,Video publish time,Duration,Views\n"
        'Total,,,,30\n -abcdefghij,T,"Aug 28, 2025",9,20\n'
    )
    content = zipped({"Table data.csv": table_data.encode(), "Totals.csv": b"Date,Views\n2025-09-01,30\n"})
    file = ExportFile("yt/Content 2025-06-13_2025-09-30 CERN Official.zip", "file:///x", len(content), NOW)
    tables = {p.format.name: p for p in read_export(content, file, "sha", NOW)}
    assert set(tables) == {"youtube.table_content", "youtube.totals"}
    videos = tables["youtube.table_content"]
    assert videos.provenance.account == "cern_official"  # `yt/` names a platform, not an account
    assert videos.provenance.snapshot_date.isoformat() == "2025-09-30"
    assert videos.table["video_id"].to_pylist() == ["Total", " -abcdefghij"]
    assert videos.table["_source_file"][0].as_py().endswith("::Table data.csv")


def test_a_youtube_table_capped_at_500_rows_drops_the_trailer():
    text = 'Cities,City name,Views\n0x1:0x2,"New York, NY, USA",5\nShowing top 500 results,,\n'
    assert read(text.encode(), "yt/cern/Table data.csv").table.num_rows == 1


def test_a_meta_daily_series_in_utf16_with_a_title_line_keeps_the_title():
    text = 'sep=,\n"Facebook follows"\n"Date","Primary"\n"2025-09-20T00:00:00","20"\n\n'
    parsed = read(b"\xff\xfe" + text.encode("utf-16-le"), "cern/Follows (1).csv")
    assert parsed.format.name == "meta.daily_series"
    assert parsed.table.select(["date", "value", "series_title"]).to_pylist() == [
        {"date": "2025-09-20T00:00:00", "value": "20", "series_title": "Facebook follows"}
    ]


def test_meta_chart_days_without_a_year_are_accepted_including_february_29():
    text = (
        '"Date","Followers","Difference in followers from previous day"\n'
        '"February 29","10","1"\n"March 1","11","undefined"'
    )
    assert read(b"\xef\xbb\xbf" + text.encode(), "cern/FollowerHistory.csv").table.num_rows == 2


@pytest.mark.parametrize("value", ["1,070", "1070.0", "1 070", "1\u202f070", "13,4 k", "1.3K", "2M", "13,4"])
def test_every_number_form_exports_write_is_accepted(value):
    row = f'"Fri, Mar 21, 2025","{value}",11,32,0,0,0,0,2,1,6,0,0,0'
    assert read(overview(row)).table["impressions"][0].as_py() == value


def test_a_linkedin_xls_that_is_really_an_html_table_loads_like_the_real_workbook():
    html = (
        b"<html><body><table><tr><td>Date</td><td>Organic followers</td><td>Total followers</td></tr>"
        b"<tr><td>12/01/2024</td><td>40</td><td>41</td></tr></table></body></html>"
    )
    file = ExportFile("x/cern_followers_1753863379800.xls", "file:///x", len(html), NOW)
    (parsed,) = read_export(html, file, "sha", NOW)
    assert parsed.format.name == "linkedin.followers"
    assert parsed.table["total_followers"].to_pylist() == ["41"]


SPREADSHEET_ML = """<?xml version="1.0"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="Key Metrics"><Table>
  <Row><Cell><Data ss:Type="String">Post ID</Data></Cell>
   <Cell><Data ss:Type="String">Permalink</Data></Cell>
   <Cell><Data ss:Type="String">Post Message</Data></Cell><Cell><Data ss:Type="String">Type</Data></Cell>
   <Cell><Data ss:Type="String">Posted</Data></Cell>
   <Cell><Data ss:Type="String">Lifetime Post Total Reach</Data></Cell></Row>
  <Row><Cell ss:Index="6"><Data ss:Type="String">Lifetime: The number of people who saw it</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">123_456</Data></Cell>
   <Cell><Data ss:Type="String">https://fb.com/1</Data></Cell>
   <Cell><Data ss:Type="String">Hello</Data></Cell><Cell><Data ss:Type="String">Photo</Data></Cell>
   <Cell><Data ss:Type="DateTime">2020-04-01T09:03:47.000</Data></Cell>
   <Cell><Data ss:Type="Number">512</Data></Cell></Row>
 </Table></Worksheet>
 <Worksheet ss:Name="Lifetime Talking About This(...">
  <Table><Row><Cell><Data ss:Type="String">Description</Data></Cell></Row></Table>
 </Worksheet>
</Workbook>"""


def test_a_legacy_insights_xls_that_is_really_spreadsheetml_skips_its_description_row():
    content = SPREADSHEET_ML.encode()
    path = "x/Facebook Insights Data Export (Post Level) - CERN - 2020-06-30.xls"
    file = ExportFile(path, "file:///x", len(content), NOW)
    (parsed,) = read_export(content, file, "sha", NOW)
    assert parsed.format.name == "facebook.insights_posts"
    assert parsed.provenance.account == "cern"
    assert parsed.table.select(["post_id", "posted_at", "reach"]).to_pylist() == [
        {"post_id": "123_456", "posted_at": "2020-04-01T09:03:47", "reach": "512"}
    ]


def test_a_date_column_keeps_dates_in_either_style_padded_or_not_and_null_tokens():
    # Dates written exactly as a declared style are passed by pyarrow; the unpadded day X writes
    # ("Sun, Mar 9, 2025"), a weekday that does not match the date and the null token only by
    # Python's strptime: every one of them is a date the reader has always accepted.
    days = ["Fri, Mar 21, 2025", "Sun, Mar 9, 2025", "Thu Mar 20 2025", "Fri, Mar 20, 2025", "-"]
    rows = [f'"{day}",1070,11,32,0,0,0,0,2,1,6,0,0,0' for day in days]
    assert read(overview(*rows)).table["date"].to_pylist() == days


@pytest.mark.parametrize(
    "bad",
    [
        "Sun, Feb 30, 2025",  # pyarrow rolls it over to March 2 and would write that back
        "Sat, Jan 01, 0000",  # pyarrow writes year 0 back as it reads it; Python has no year 0
    ],
)
def test_a_date_that_only_a_lax_parser_reads_is_refused_at_its_own_row(bad):
    rows = [
        f'"{day}",1070,11,32,0,0,0,0,2,1,6,0,0,0' for day in ("Fri, Mar 21, 2025", "Sun, Mar 9, 2025", bad)
    ]
    assert f"row 3, column date: {bad!r} is a date in a style" in refusal(overview(*rows)).reason
