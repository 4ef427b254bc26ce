"""What real platforms really write loads (issue 14, "Platform physics"): net changes below zero,
Meta's error rows, stacked series, the 2023 series header, German YouTube Studio, Excel date
serials, browser repeat-download names, DST-shifted series days; and a refusal says which
impossibility it guards.

Real samples (../shared/samples) where one has the shape; otherwise a generated file that copies
the real shape byte for byte (UTF-16LE with BOM and `sep=,` for Meta series, soft hyphens for
German Studio, a one-cell description row above LinkedIn's header)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import pytest

from pipelines.errors import UnreadableExport
from pipelines.exports import ExportFile
from pipelines.reader import ParsedExport, read_export
from pipelines.settings import Settings, load_settings
from socialkpi.demo.linkedin import _workbook_bytes
from tests.conftest import SamplesRefresh, require_samples, run_cli

NOW = datetime(2026, 12, 1, tzinfo=UTC)
MH4U_POSTS = "facebook/MH4U/Dec-12-2023_Mar-06-2024_1032418178499222.csv"
MH4U_VISITS = "facebook/MH4U/Visits.csv"
ETHIOWARE = "linkedin/ethioware/Linkedin 1 year stat.xls"
WEIMA_TABLE = "youtube/WEIMA/Tabellendaten.csv"
WEIMA_TOTALS = "youtube/WEIMA/Gesamtwerte.csv"
SOFT = "\u00ad"  # the soft hyphen German Studio writes inside every header word


def read(content: bytes, path: str) -> list[ParsedExport]:
    file = ExportFile(relative_path=path, url=f"file:///x/{path}", size_bytes=len(content), modified_at=NOW)
    return read_export(content, file, "sha", NOW)


def refusal(content: bytes, path: str) -> UnreadableExport:
    with pytest.raises(UnreadableExport) as caught:
        read(content, path)
    return caught.value


def sample(name: str) -> bytes:
    return (require_samples() / name).read_bytes()


def column_sum(part: ParsedExport, column: str) -> int:
    return sum(int(value) for value in part.table[column].to_pylist() if value.strip())


# ---------- generated files in the real shapes


def meta_series(*blocks: str) -> bytes:
    """A Meta Business Suite daily series as Meta writes it: UTF-16LE with BOM, `sep=,`, quoted
    cells, LF, blocks after an empty line, an empty line at the end."""
    return b"\xff\xfe" + ("sep=,\n" + "\n".join(blocks) + "\n").encode("utf-16-le")


def series_block(header_metric: str, days: list[tuple[str, int]], title: str | None = None) -> str:
    lines = [f'"{title}"'] if title else []
    lines.append(f'"Date","{header_metric}"')
    lines += [f'"{day}","{value}"' for day, value in days]
    return "\n".join(lines) + "\n"


LINKEDIN_METRICS_DESCRIPTION = (
    "Aggregated engagement metrics for your organic and sponsored posts over time. Date indicates "
    "when your posts were viewed by LinkedIn members. Data is delayed by up to 2 days. All dates "
    "and times are in UTC."
)
LINKEDIN_METRICS_2020 = [
    "Date", "Impressions (organic)", "Impressions (sponsored)", "Impressions (total)",
    "Unique impressions (organic)", "Clicks (organic)", "Clicks (sponsored)", "Clicks (total)",
    "Reactions (organic)", "Reactions (sponsored)", "Reactions (total)", "Comments (organic)",
    "Comments (sponsored)", "Comments (total)", "Shares (organic)", "Shares (sponsored)",
    "Shares (total)", "Engagement rate (organic)", "Engagement rate (sponsored)",
    "Engagement rate (total)",
]  # fmt: skip
LINKEDIN_UPDATES_2020 = [
    "Update title", "Update link", "Update type", "Campaign name", "Posted by", "Created date",
    "Campaign start date", "Campaign end date", "Audience", "Impressions", "Video views", "Clicks",
    "Click through rate (CTR)", "Likes", "Comments", "Shares", "Follows", "Engagement rate",
]  # fmt: skip
FOLLOWERS_HEADER = [
    "Date", "Sponsored followers", "Organic followers", "Auto-invited followers", "Total followers",
]  # fmt: skip


def metrics_row(day: object, impressions: object = 120, reactions: object = 3) -> list[object]:
    return [day, impressions, 0, impressions, 80, 5, 0, 5, reactions, 0, reactions, 1, 0, 1, 0, 0, 0,
            0.075, 0, 0.075]  # fmt: skip


def update_row(created: object) -> list[object]:
    link = "https://www.linkedin.com/feed/update/urn:li:activity:6683000000000000000"
    return ["Our 2020 report", link, "Organic", "", "NPLF", created, "", "", "All followers", 400, "",
            12, 0.03, 9, 2, 1, "", 0.06]  # fmt: skip


def workbook(sheets: dict[str, list[list[object]]], extension: str) -> bytes:
    """A LinkedIn workbook: `xlsx` (an Excel re-save) or `xls` (real BIFF), cells typed as given (a
    number stays a numeric cell, text a text cell), written as the demo writes LinkedIn's."""
    return _workbook_bytes(sheets, xlsx=extension == "xlsx")


def linkedin_2020_workbook(extension: str, day: object = 44008) -> bytes:
    """The 2020 content layout, dates as Excel serial numbers in numeric cells (44008 = 2020-06-26)."""
    return workbook(
        {
            "Update metrics (aggregated)": [
                [LINKEDIN_METRICS_DESCRIPTION],
                LINKEDIN_METRICS_2020,
                metrics_row(day),
                metrics_row(day + 1 if isinstance(day, int) else day),
            ],
            "Update engagement": [
                ["Engagement metrics for individual updates. All dates and times are in UTC."],
                LINKEDIN_UPDATES_2020,
                update_row(day),
            ],
        },
        extension,
    )


def followers_workbook(organic: list[int]) -> bytes:
    rows = [[f"07/{n + 1:02d}/2025", 0, value, 0, value] for n, value in enumerate(organic)]
    return workbook({"New followers": [FOLLOWERS_HEADER, *rows]}, "xls")


def german_date_table() -> bytes:
    """Studio's table data, date dimension, in the German UI: soft hyphens in every header and in
    the `Gesamt` cell, UTF-8 without BOM, LF, as WEIMA's files are written."""
    header = f"Da{SOFT}tum,Auf{SOFT}ru{SOFT}fe,Wie{SOFT}der{SOFT}ga{SOFT}be{SOFT}zeit (Stun{SOFT}den)"
    rows = [f"Ge{SOFT}samt,30,1.5", "2020-01-02,20,1.0", "2020-01-01,10,0.5"]
    return "\n".join([header, *rows]).encode() + b"\n"


# ---------- 1. net changes may be negative; counts the platform never writes negative may not


def test_a_negative_linkedin_daily_reaction_loads_as_a_net_removal():
    metrics, _posts = read(sample(ETHIOWARE), ETHIOWARE)
    days = {row["date"]: row for row in metrics.table.to_pylist()}
    assert (days["08/07/2024"]["reactions_organic"], days["08/07/2024"]["reactions_total"]) == ("-7", "-7")
    negative = {name: sum(1 for row in days.values() if row[name].startswith("-")) for name in
                ("reactions_total", "comments_total", "reposts_total")}  # fmt: skip
    assert negative == {"reactions_total": 6, "comments_total": 6, "reposts_total": 2}


def test_linkedin_s_own_engagement_rate_above_1_loads():
    metrics, _posts = read(sample(ETHIOWARE), ETHIOWARE)
    rates = [float(rate) for rate in metrics.table["engagement_rate_total"].to_pylist() if rate.strip()]
    assert len([rate for rate in rates if rate > 1]) == 2


def test_negative_days_of_the_linkedin_followers_export_load_as_net_unfollows():
    (parsed,) = read(followers_workbook([4, -2, 3]), "linkedin/nplf/nplf_followers_1751328000000.xls")
    assert parsed.table["organic_followers"].to_pylist() == ["4", "-2", "3"]
    assert parsed.table["total_followers"].to_pylist() == ["4", "-2", "3"]


def test_a_negative_linkedin_impression_is_refused_as_a_count_the_platform_never_writes_negative():
    content = workbook(
        {"Metrics": [[LINKEDIN_METRICS_DESCRIPTION], LINKEDIN_METRICS_2020, metrics_row("06/26/2020", -120)]},
        "xlsx",
    )
    reason = refusal(content, "linkedin/nplf/nplf_content_1593561600000.xlsx").reason
    assert "row 1, column impressions_organic: '-120' is negative" in reason
    assert "never writes this count below zero" in reason
    # Nothing in these bytes shows a spreadsheet, so the advice does not blame one.
    assert "spreadsheet" not in reason


def test_negative_net_subscribers_of_the_german_studio_table_load():
    (table,) = read(sample(WEIMA_TABLE), WEIMA_TABLE)
    negative = [v for v in table.table["subscribers_net"].to_pylist() if v.strip().startswith("-")]
    assert len(negative) == 12


def test_a_negative_youtube_like_count_over_a_period_loads_but_negative_views_do_not():
    header = "Content,Video title,Video publish time,Duration,Views,Likes,Subscribers"
    good = f'{header}\nTotal,,,,30,-1,2\nabcdefghijk,A video,"Aug 28, 2025",9,30,-1,2\n'.encode()
    (parsed,) = read(good, "yt/weima/Table data.csv")
    assert parsed.table["likes"].to_pylist() == ["-1", "-1"]
    bad = good.replace(b"9,30,-1", b"9,-30,-1")
    assert "column views: '-30' is negative" in refusal(bad, "yt/weima/Table data.csv").reason


# ---------- 2. Meta error rows are not rows


def test_meta_error_rows_are_dropped_and_named_with_their_content_ids():
    (posts,) = read(sample(MH4U_POSTS), MH4U_POSTS)
    assert posts.table.num_rows == 41
    assert all(post_id.strip() for post_id in posts.table["post_id"].to_pylist())
    # The ids are the ones Meta's notes name, read straight from the file.
    with (require_samples() / MH4U_POSTS).open(encoding="utf-8-sig", newline="") as handle:
        notes = [row["Data comment"] for row in csv.DictReader(handle) if not row["Post ID"].strip()]
    ids = [note.rsplit(" ", 1)[-1].rstrip(".") for note in notes]
    assert len(ids) == 3
    assert posts.notes == (f"3 rows were Meta error rows, not posts (content ids {', '.join(ids)})",)


def test_the_ledger_says_how_many_meta_error_rows_a_loaded_file_had(samples_refresh: SamplesRefresh):
    status, reason, _account = samples_refresh.ledger(MH4U_POSTS)
    assert status == "loaded"
    assert reason.startswith("3 rows were Meta error rows, not posts (content ids 933528094972880, ")
    assert "kept unknown columns in raw" in reason
    assert samples_refresh.one(
        f"select count(*), count(post_id) from raw_facebook.posts where _source_file = '{MH4U_POSTS}'"
    ) == (41, 41)


def test_a_posts_row_with_an_empty_id_and_no_error_note_is_not_silently_dropped():
    header = sample(MH4U_POSTS).decode("utf-8-sig").split("\n", 1)[0]
    row = ",,,,,,,,,,,,,,,,Lifetime,51,,,,,,,,,,,"
    (parsed,) = read(f"\ufeff{header}\n{row}\n".encode(), "facebook/mh4u/Dec-12-2023_Mar-06-2024_1.csv")
    assert (parsed.table.num_rows, parsed.notes) == (1, ())


# ---------- 3. stacked blocks, and the 2023 series generation


def test_a_meta_series_file_with_two_stacked_blocks_is_read_as_two_series():
    facebook, instagram = read(sample(MH4U_VISITS), MH4U_VISITS)
    assert [p.table["series_title"][0].as_py() for p in (facebook, instagram)] == [
        "Facebook visits",
        "Instagram profile visits",
    ]
    for part, total in ((facebook, 81434), (instagram, 7101)):
        days = part.table["date"].to_pylist()
        assert (len(days), min(days)[:10], max(days)[:10]) == (242, "2023-07-08", "2024-03-05")
        assert column_sum(part, "value") == total
    # Each block's rows carry their own source, so their row numbers never collide in staging.
    assert {p.table["_source_file"][0].as_py() for p in (facebook, instagram)} == {
        f"{MH4U_VISITS}::Facebook visits",
        f"{MH4U_VISITS}::Instagram profile visits",
    }


def test_both_stacked_series_reach_staging_with_their_days_and_sums(samples_refresh: SamplesRefresh):
    rows = samples_refresh.query(
        "select series_title, count(*), min(date), max(date), sum(value) from staging.stg_meta__daily_series "
        f"where source_file like '{MH4U_VISITS}::%' group by series_title order by series_title"
    )
    assert rows == [
        ("Facebook visits", 242, date(2023, 7, 8), date(2024, 3, 5), 81434),
        ("Instagram profile visits", 242, date(2023, 7, 8), date(2024, 3, 5), 7101),
    ]


def test_the_2023_series_header_names_the_metric_and_becomes_the_series_title():
    content = meta_series(
        series_block("Facebook reach", [("2023-07-08T00:00:00", 138), ("2023-07-09T00:00:00", 117)]),
        series_block("Instagram reach", [("2023-07-08T00:00:00", 5), ("2023-07-09T00:00:00", 10)]),
    )
    facebook, instagram = read(content, "facebook/mh4u/Reach.csv")
    assert facebook.format.name == instagram.format.name == "meta.daily_series"
    assert facebook.table.select(["date", "value", "series_title"]).to_pylist() == [
        {"date": "2023-07-08T00:00:00", "value": "138", "series_title": "Facebook reach"},
        {"date": "2023-07-09T00:00:00", "value": "117", "series_title": "Facebook reach"},
    ]
    assert instagram.table["series_title"].to_pylist() == ["Instagram reach", "Instagram reach"]
    assert facebook.unknown_headers == instagram.unknown_headers == ()


def test_a_two_column_date_and_metric_header_of_another_export_is_not_taken_for_a_meta_series():
    # YouTube's Totals.csv (`Date, Views`) stays YouTube's, and a sheet `Date, Impressions` of
    # LinkedIn's personal export matches no shape.
    (totals,) = read(b"Date,Views\n2025-06-13,12\n", "yt/weima/Totals.csv")
    assert totals.format.name == "youtube.totals"
    with pytest.raises(UnreadableExport):
        read(b"Date,Impressions\n2025-06-13,12\n", "x/AggregateAnalytics.csv")


# ---------- 4. German YouTube Studio


def test_the_german_content_table_loads_its_500_videos_and_its_gesamt_row():
    (table,) = read(sample(WEIMA_TABLE), WEIMA_TABLE)
    ids = table.table["video_id"].to_pylist()
    assert table.format.name == "youtube.table_content"
    assert len(ids) == 501  # 500 videos and the Gesamt row; the "Die 500 besten ..." trailer is gone
    assert [i for i in ids if table.format.is_total_label(i)] == [f"Ge{SOFT}samt"]
    # Ids land as written, as for English tables (` -i5vAKwX_bY`): staging trims them.
    assert len([i for i in ids if i.startswith(" -")]) == 12
    assert table.provenance.language == "de"


def test_the_german_gesamt_row_is_the_total_in_staging_and_the_videos_sum_to_expected(
    samples_refresh: SamplesRefresh,
):
    where = f"from staging.stg_youtube__video_rows where source_file = '{WEIMA_TABLE}'"
    assert samples_refresh.one(f"select count(*), sum(views) {where} and is_total_row") == (1, 405712)
    assert samples_refresh.one(
        f"select count(*), count(distinct video_id), sum(views), sum(subscribers_net), "
        f"count(*) filter (where subscribers_net < 0), count(*) filter (where video_id <> trim(video_id)) "
        f"{where} and not is_total_row"
    ) == (500, 500, 401812, 747, 12, 0)


def test_the_german_totals_file_still_loads_its_366_days():
    (totals,) = read(sample(WEIMA_TOTALS), WEIMA_TOTALS)
    days = totals.table["date"].to_pylist()
    assert (len(days), min(days), max(days)) == (366, "2020-01-01", "2020-12-31")
    assert column_sum(totals, "views") == 405712


def test_a_german_date_table_s_gesamt_cell_with_soft_hyphens_is_not_taken_for_a_date():
    (parsed,) = read(german_date_table(), "yt/weima/Tabellendaten.csv")
    assert parsed.format.name == "youtube.table_date"
    assert parsed.table["date"].to_pylist() == [f"Ge{SOFT}samt", "2020-01-02", "2020-01-01"]


# ---------- 5. Excel serial dates, only in numeric spreadsheet cells


@pytest.mark.parametrize("extension", ["xls", "xlsx"])
def test_excel_serial_dates_in_numeric_cells_of_an_older_linkedin_workbook_become_iso_dates(extension):
    metrics, posts = read(
        linkedin_2020_workbook(extension), f"linkedin/nplf/nplf_content_1593561600000.{extension}"
    )
    assert metrics.table["date"].to_pylist() == ["2020-06-26", "2020-06-27"]
    assert posts.table["created_date"].to_pylist() == ["2020-06-26"]


def test_a_serial_number_written_as_text_is_not_a_date_in_a_sheet_or_a_csv():
    as_text = linkedin_2020_workbook("xlsx", day="44008")
    reason = refusal(as_text, "linkedin/nplf/nplf_content_1593561600000.xlsx").reason
    assert "column date: '44008' is a date in a style this export never uses" in reason
    csv_text = ",".join(FOLLOWERS_HEADER) + "\n44008,0,3,0,3\n"
    reason = refusal(csv_text.encode(), "linkedin/nplf/New followers-Table 1.csv").reason
    assert "column date: '44008' is a date in a style this export never uses" in reason


# ---------- 6. file names


def test_an_x_content_file_name_with_an_undashed_window_gives_the_window():
    name = "twitter/solgab/account_analytics_content_20241114_20250212.csv"
    (parsed,) = read(sample("twitter/SolGab/account_analytics_content_2026-04-19_2026-05-16.csv"), name)
    assert (parsed.provenance.window_start, parsed.provenance.window_end) == (
        date(2024, 11, 14),
        date(2025, 2, 12),
    )


@pytest.mark.parametrize(
    ("real", "renamed", "snapshot"),
    [
        (MH4U_VISITS, "facebook/mh4u/Visits (1).csv", NOW.date()),
        (ETHIOWARE, "linkedin/ethioware/ethioware_content_1766385907708 1.xls", date(2025, 12, 22)),
        (
            "twitter/lisadebruine/tweet_activity_metrics_LisaDeBruine_20211201_20220101_en.csv",
            "twitter/lisadebruine/tweet_activity_metrics_LisaDeBruine_20211201_20220101_en (1).csv",
            date(2022, 1, 1),
        ),
    ],
    ids=["meta-series", "linkedin-content", "x-per-tweet"],
)
def test_a_browser_s_repeat_download_suffix_does_not_change_what_a_file_is(real, renamed, snapshot):
    original = read(sample(real), real)
    again = read(sample(real), renamed)
    assert [p.format.name for p in again] == [p.format.name for p in original]
    assert [p.table.num_rows for p in again] == [p.table.num_rows for p in original]
    assert {p.provenance.snapshot_date for p in again} == {snapshot}


def test_a_studio_zip_downloaded_twice_keeps_its_channel_name_without_the_suffix():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Tabellendaten.csv", sample(WEIMA_TABLE))
    (parsed,) = read(buffer.getvalue(), "Videos 2020-01-01_2020-12-31 WEIMA (1).zip")
    assert parsed.provenance.window_end == date(2020, 12, 31)
    assert "(1)" not in (parsed.provenance.account or "")


# ---------- 8. refusals name the impossibility they guard


X_OVERVIEW = "Date,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Unfollows,Replies,Reposts"


@pytest.mark.parametrize(
    ("row", "guards", "spreadsheet"),
    [
        (
            '"Fri, Mar 21, 2025",12abc,1,1,0,0,0,0,0,0',
            "is not a number, and the platform writes a number",
            False,
        ),
        ('"Fri, Mar 21, 2025",-5,1,1,0,0,0,0,0,0', "never writes this count below zero", False),
        ('"Fri, Mar 21, 2025",9.99999E+19,1,1,0,0,0,0,0,0', "is too large for any platform's count", True),
        ("21/03/2025,5,1,1,0,0,0,0,0,0", "a date in a style this export never uses", False),
        ("3/21/25,5,1,1,0,0,0,0,0,0", "a date in a style this export never uses", True),
    ],
    ids=["not-a-number", "negative", "scientific-notation", "day-first", "two-digit-year"],
)
def test_a_refusal_names_what_it_guards_and_blames_a_spreadsheet_only_when_the_value_shows_one(
    row, guards, spreadsheet
):
    reason = refusal(f"{X_OVERVIEW}\n{row}\n".encode(), "solgab/account_overview_analytics.csv").reason
    assert guards in reason
    assert ("re-saved by a spreadsheet" in reason) is spreadsheet
    assert "again from the platform" in reason


def meta_post_with_negative_reach(bom: bytes) -> bytes:
    """One post in the shape of MH4U's posts export (its real header), Reach negative."""
    header = sample(MH4U_POSTS).decode("utf-8-sig").split("\n", 1)[0]
    cells = ["1", "2", "Page", "", "", "", "12/12/2023 01:12", "", "", "", "", "Photos", "", "", "", "",
             "Lifetime", "5", "-3", "10", "0", "0", "0", "0", "0", "", "0", "0", ""]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return bom + f"{header}\n{buffer.getvalue()}".encode()


@pytest.mark.parametrize(
    ("content", "path", "evidence"),
    [
        (
            b"\xef\xbb\xbf" + f'{X_OVERVIEW}\n"Fri, Mar 21, 2025",-5,1,1,0,0,0,0,0,0\n'.encode(),
            "solgab/account_overview_analytics.csv",
            "starts with a UTF-8 byte-order mark, and the platform writes this export without one",
        ),
        (
            meta_post_with_negative_reach(b""),
            "facebook/mh4u/Dec-12-2023_Mar-06-2024_1.csv",
            "has no byte-order mark, and the platform writes this export with a UTF-8 one",
        ),
    ],
    ids=["x-with-a-bom", "meta-without-its-bom"],
)
def test_a_byte_order_mark_the_platform_never_writes_is_named_as_a_spreadsheet_re_save(
    content, path, evidence
):
    reason = refusal(content, path).reason
    assert "is negative" in reason
    assert evidence in reason
    assert "a spreadsheet re-saved it" in reason


def test_the_same_bad_value_with_the_platform_s_own_byte_order_mark_does_not_blame_a_spreadsheet():
    reason = refusal(
        meta_post_with_negative_reach(b"\xef\xbb\xbf"), "facebook/mh4u/Dec-12-2023_Mar-06-2024_1.csv"
    ).reason
    assert "column reach: '-3' is negative" in reason
    assert "spreadsheet" not in reason


# ---------- end to end: the generated shapes through a refresh


@dataclass
class Refreshed:
    settings: Settings
    output: str

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.settings.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()


DST_DAYS = [
    ("2025-03-07T01:00:00", 11),
    ("2025-03-08T01:00:00", 12),
    ("2025-03-09T01:00:00", 13),
    ("2025-03-10T00:00:00", 14),  # the hour moved with the clocks: still its own calendar day
    ("2025-03-11T00:00:00", 15),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Refreshed:
    root = tmp_path_factory.mktemp("real_shapes")
    exports = root / "exports"
    files = {
        "facebook/dstpage/Follows.csv": meta_series(series_block("Primary", DST_DAYS, "Facebook follows")),
        "facebook/reach2023/Reach.csv": meta_series(
            series_block("Facebook reach", [("2023-07-08T00:00:00", 138), ("2023-07-09T00:00:00", 117)]),
            series_block("Instagram reach", [("2023-07-08T00:00:00", 5), ("2023-07-09T00:00:00", 10)]),
        ),
        "linkedin/nplf/nplf_content_1593561600000.xlsx": linkedin_2020_workbook("xlsx"),
        "linkedin/nplf/nplf_followers_1751328000000.xls": followers_workbook([4, -2, 3]),
        "youtube/weima/Tabellendaten.csv": german_date_table(),
    }
    for relative, content in files.items():
        (exports / relative).parent.mkdir(parents=True, exist_ok=True)
        (exports / relative).write_bytes(content)
    settings = load_settings(str(exports), root / "warehouse" / "socialkpi.duckdb")
    result = run_cli("refresh", settings=settings)
    return Refreshed(settings, result.stdout + result.stderr)


def test_generated_real_shapes_all_load(generated: Refreshed):
    assert generated.query("select status, count(*) from raw_ledger.export_files group by status") == [
        ("loaded", 5)
    ], generated.output[-3000:]


def test_meta_series_days_shifted_by_daylight_saving_land_on_their_calendar_dates(generated: Refreshed):
    rows = generated.query(
        "select date, value from staging.stg_meta__daily_series where account = 'dstpage' order by date"
    )
    assert rows == [(date.fromisoformat(day[:10]), value) for day, value in DST_DAYS]


def test_the_2023_series_titles_reach_staging_as_their_series(generated: Refreshed):
    assert generated.query(
        "select series_title, channel, metric, count(*), sum(value) from staging.stg_meta__daily_series "
        "where account = 'reach2023' group by all order by series_title"
    ) == [("Facebook reach", "facebook", "reach", 2, 255), ("Instagram reach", "instagram", "reach", 2, 15)]


def test_excel_serial_dates_reach_the_linkedin_marts_as_their_days(generated: Refreshed):
    assert generated.query(
        "select date, impressions from marts.linkedin_page_daily "
        "where account = 'nplf' and impressions is not null order by date"
    ) == [(date(2020, 6, 26), 120), (date(2020, 6, 27), 120)]
    assert generated.query(
        "select cast(posted_at as date) from marts.linkedin_posts where account = 'nplf'"
    ) == [(date(2020, 6, 26),)]


def test_a_net_unfollow_day_reaches_linkedin_page_daily_as_a_negative_new_followers_day(generated: Refreshed):
    assert generated.query(
        "select date, new_followers from marts.linkedin_page_daily where account = 'nplf' "
        "and new_followers is not null order by date"
    ) == [(date(2025, 7, 1), 4), (date(2025, 7, 2), -2), (date(2025, 7, 3), 3)]


def test_a_german_date_table_loads_its_days_without_its_gesamt_row(generated: Refreshed):
    assert generated.query(
        "select date, views from staging.stg_youtube__channel_day_snapshots "
        "where account = 'weima' order by date"
    ) == [(date(2020, 1, 1), 10), (date(2020, 1, 2), 20)]


def test_generated_shapes_copy_the_real_bytes_where_a_sample_has_them():
    """The generators write what the real files hold: the same encoding, preamble and quoting as
    MH4U's Visits.csv, and the soft hyphens of WEIMA's header."""
    real = sample(MH4U_VISITS)
    ours = meta_series(series_block("Primary", [("2023-07-08T00:00:00", 138)], "Facebook visits"))
    assert ours[:2] == real[:2] == b"\xff\xfe"
    assert real.decode("utf-16-le").startswith(ours.decode("utf-16-le")[:-1])
    real_header = sample(WEIMA_TOTALS).decode().split("\n")[0].split(",")
    table_header = sample(WEIMA_TABLE).decode().split("\n")[0].split(",")
    ours = german_date_table().decode().split("\n")[0].split(",")
    assert ours == [*real_header, table_header[4]]
