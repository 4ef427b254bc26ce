"""The one reader on good and bad files: what lands, and why a file is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.errors import QUARANTINED, UNRECOGNISED, UnreadableExport
from pipelines.reader import ExportFile, read_export
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
