"""The newest download wins, by the rule the docs state (issue 15, Build 5): snapshots are ordered
by the window's end, then the download time (the file's modification time, or a time its name
gives), then the content; never by the night a file happened to be loaded.

Two real refreshes on one warehouse (module fixture) and one from scratch on the same folder;
the tests only read what happened. Every file is a generated copy of the real X exports in
`../shared/samples/twitter/SolGab/` (the Content export and the account overview: LF line ends,
no final newline, minimal quoting; the generator reproduces the real files byte for byte), cut
to a few rows and with a cell or an id changed. Download times are set with `os.utime`.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.errors import UnreadableExport
from pipelines.formats import ALL_FORMATS
from pipelines.ledger import FAILED_CHECK
from pipelines.provenance import resolve
from pipelines.settings import Settings, load_settings
from tests.conftest import mart_rows, require_samples, run_cli

REAL_CONTENT = "twitter/SolGab/account_analytics_content_2026-04-19_2026-05-16.csv"
REAL_OVERVIEW = "twitter/SolGab/account_overview_analytics.csv"
CONTENT = "account_analytics_content_2026-04-19_2026-05-16.csv"
CONTENT_AGAIN = "account_analytics_content_2026-04-19_2026-05-16 (1).csv"  # the browser's name
CONTENT_LATER = "account_analytics_content_2026-04-26_2026-05-23.csv"
CONTENT_2099 = "account_analytics_content_2026-04-19_2099-12-31.csv"
OVERVIEW = "account_overview_analytics.csv"
OVERVIEW_AGAIN = "account_overview_analytics (1).csv"
IMPRESSIONS = 4  # the Impressions column of the Content export
OVERVIEW_IMPRESSIONS = 1  # ... and of the account overview
ZWJ = "\u200d"


def _at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@dataclass(frozen=True)
class Real:
    """The real exports' rows (header first) and bytes."""

    content: list[list[str]]
    overview: list[list[str]]


def _x_bytes(rows: list[list[str]]) -> bytes:
    """Rows written the way X writes these exports: minimal quoting, LF, no final newline."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8").removesuffix(b"\n")


def _real_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert _x_bytes(rows) == raw, f"the generator no longer reproduces {path.name} byte for byte"
    return rows


def _write(target: Path, rows: list[list[str]], downloaded: datetime) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_x_bytes(rows))
    stamp = downloaded.timestamp()
    os.utime(target, (stamp, stamp))


def _posts(real: Real, first: int, count: int = 5) -> list[list[str]]:
    """Header and `count` posts of the real Content export, from data row `first` (0-based)."""
    return [list(real.content[0]), *(list(row) for row in real.content[1 + first : 1 + first + count])]


def _with_impressions(rows: list[list[str]], row: int, impressions: int, column: int = IMPRESSIONS):
    changed = [list(r) for r in rows]
    changed[row][column] = str(impressions)
    return changed


def _post_id(rows: list[list[str]], row: int = 1) -> str:
    return rows[row][0]


@dataclass
class Nights:
    settings: Settings
    scratch: Settings
    first: subprocess.CompletedProcess  # every scenario but the late older download
    second: subprocess.CompletedProcess  # + the older download of `two_nights`, a night later
    rebuilt: subprocess.CompletedProcess  # the same folder into an empty warehouse
    ids: dict[str, str]  # scenario -> the post id it is about
    loaded_on: date

    def one(self, sql: str, *params):
        with duckdb.connect(str(self.settings.published_marts), read_only=True) as con:
            return con.execute(sql, list(params)).fetchone()

    def ledger(self, account: str, name: str) -> tuple[str, str | None]:
        with duckdb.connect(str(self.settings.warehouse), read_only=True) as con:
            return con.execute(
                "select status, reason from raw_ledger.export_files where relative_path = ? "
                "order by last_seen_at desc limit 1",
                [f"twitter/{account}/{name}"],
            ).fetchone()

    def impressions(self, account: str, post_id: str) -> int | None:
        row = self.one(
            "select impressions from marts.twitter_posts where account = ? and post_id = ?", account, post_id
        )
        return row[0] if row else None


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Nights:
    samples = require_samples()
    real = Real(_real_rows(samples / REAL_CONTENT), _real_rows(samples / REAL_OVERVIEW))
    root = tmp_path_factory.mktemp("newest_download")
    exports = root / "exports"
    x = exports / "twitter"
    ids = {}

    # The same window downloaded twice the same night: `x.csv` on 17 May, `x (1).csv` on 18 May.
    same = _posts(real, 0)
    ids["same_night"] = _post_id(same)
    _write(x / "same_night" / CONTENT, _with_impressions(same, 1, 1000), _at("2026-05-17"))
    _write(x / "same_night" / CONTENT_AGAIN, _with_impressions(same, 1, 5000), _at("2026-05-18"))

    # The newer download loaded first; the older one arrives (is found) the next night.
    late = _posts(real, 5)
    ids["two_nights"] = _post_id(late)
    _write(x / "two_nights" / CONTENT_AGAIN, _with_impressions(late, 1, 5000), _at("2026-05-18"))

    # A day downloaded twice on one day (no window in the name): the 18:00 copy is the newer.
    days = [list(real.overview[0]), *(list(r) for r in real.overview[1:6])]
    ids["redownload"] = days[1][0]  # "Sat, May 16, 2026"
    _write(
        x / "redownload" / OVERVIEW, _with_impressions(days, 1, 1000, OVERVIEW_IMPRESSIONS), _at("2026-05-17")
    )
    _write(
        x / "redownload" / OVERVIEW_AGAIN,
        _with_impressions(days, 1, 5000, OVERVIEW_IMPRESSIONS),
        _at("2026-05-17", hour=18),
    )

    # A real download, and a file whose window ends in 2099 saying every post had 1 impression.
    future = _posts(real, 10)
    ids["future_window"] = _post_id(future)
    _write(x / "future_window" / CONTENT, _with_impressions(future, 1, 300), _at("2026-05-17"))
    _write(
        x / "future_window" / CONTENT_2099,
        [future[0], *([*r[:IMPRESSIONS], "1", *r[IMPRESSIONS + 1 :]] for r in future[1:])],
        _at("2026-05-17"),
    )

    # A file stamped in the future (a wrong clock), with no window in its name.
    clock = [list(real.overview[0]), *(list(r) for r in real.overview[6:11])]
    _write(x / "future_clock" / OVERVIEW, clock, datetime(2099, 12, 31, 12, tzinfo=UTC))

    # One post downloaded twice; the later download writes its id with a zero-width joiner.
    joined = _posts(real, 15)
    ids["zwj"] = _post_id(joined)
    later = _with_impressions(joined, 1, 7000)
    later[1][0] = ids["zwj"][:6] + ZWJ + ids["zwj"][6:]
    _write(x / "zwj" / CONTENT, joined, _at("2026-05-17"))
    _write(x / "zwj" / CONTENT_LATER, later, _at("2026-05-24"))

    # One file, one id twice with different numbers: with a trailing space, with a joiner.
    for account, first, spell in (
        ("conflict_space", 20, lambda i: i + " "),
        ("conflict_zwj", 25, lambda i: i[:6] + ZWJ + i[6:]),
    ):
        rows = _posts(real, first)
        twice = list(rows[1])
        twice[0], twice[IMPRESSIONS] = spell(rows[1][0]), str(int(rows[1][IMPRESSIONS]) + 1000)
        _write(x / account / CONTENT, [*rows, twice], _at("2026-05-17"))

    # One file, one post twice with every value the same (the id once with a trailing space).
    agreeing = _posts(real, 30)
    ids["agreeing_copy"] = _post_id(agreeing)
    _write(
        x / "agreeing_copy" / CONTENT,
        [*agreeing, [ids["agreeing_copy"] + " ", *agreeing[1][1:]]],
        _at("2026-05-17"),
    )

    settings = load_settings(str(exports), root / "warehouse" / "socialkpi.duckdb")
    first = run_cli("refresh", settings=settings)
    loaded_on = datetime.now(UTC).date()
    _write(x / "two_nights" / CONTENT, _with_impressions(late, 1, 1000), _at("2026-05-17"))
    second = run_cli("refresh", settings=settings)
    scratch = load_settings(str(exports), root / "scratch" / "socialkpi.duckdb")
    rebuilt = run_cli("refresh", settings=scratch)
    return Nights(settings, scratch, first, second, rebuilt, ids, loaded_on)


def test_every_night_publishes_and_the_refused_files_are_reported_on_the_night_they_arrive(nights):
    # 2: the run completed and some files were refused; the second night refuses nothing new
    for run, code in ((nights.first, 2), (nights.second, 0), (nights.rebuilt, 2)):
        assert run.returncode == code, run.stdout + run.stderr
        assert "published" in run.stdout + run.stderr
    assert "incremental dbt build" in nights.second.stdout + nights.second.stderr


def test_the_same_window_downloaded_twice_keeps_the_later_download(nights):
    assert nights.impressions("same_night", nights.ids["same_night"]) == 5000


def test_an_older_download_found_a_night_later_never_replaces_newer_numbers(nights):
    assert nights.ledger("two_nights", CONTENT)[0] == "loaded"
    assert nights.impressions("two_nights", nights.ids["two_nights"]) == 5000


def test_a_day_downloaded_again_later_the_same_day_keeps_the_re_download(nights):
    (impressions,) = nights.one(
        "select impressions from marts.twitter_account_daily where account = 'redownload' "
        "and date = date '2026-05-16'"
    )
    assert impressions == 5000


def test_a_window_ending_after_the_day_of_the_load_is_refused_and_outranks_nothing(nights):
    status, reason = nights.ledger("future_window", CONTENT_2099)
    assert status == "quarantined"
    assert "its window ends on 2099-12-31, after today: a platform never exports the future" in reason
    assert nights.impressions("future_window", nights.ids["future_window"]) == 300
    (latest,) = nights.one("select max(snapshot_date) from marts.twitter_posts")
    assert latest <= nights.loaded_on


def test_a_modification_time_in_the_future_is_capped_at_the_load(nights):
    assert nights.ledger("future_clock", OVERVIEW)[0] == "loaded"
    (snapshot,) = nights.one(
        "select max(snapshot_date) from marts.twitter_account_daily where account = 'future_clock'"
    )
    assert nights.loaded_on - timedelta(days=1) <= snapshot <= nights.loaded_on
    with duckdb.connect(str(nights.settings.warehouse), read_only=True) as con:
        (late,) = con.execute(
            "select count(*) from raw_twitter.account_daily where _downloaded_at > _ingested_at"
        ).fetchone()
    assert late == 0


def test_a_zero_width_joiner_in_an_id_is_the_same_post(nights):
    (posts, joined) = nights.one(
        "select count(*), count(*) filter (where post_id like '%' || chr(8205) || '%') "
        "from marts.twitter_posts where account = 'zwj'"
    )
    assert (posts, joined) == (5, 0)
    assert nights.impressions("zwj", nights.ids["zwj"]) == 7000
    (count,) = nights.one(
        "select snapshot_count from marts.twitter_posts where account = 'zwj' and post_id = ?",
        nights.ids["zwj"],
    )
    assert count == 2


@pytest.mark.parametrize("account", ["conflict_space", "conflict_zwj"])
def test_one_file_giving_one_id_two_different_numbers_is_quarantined_by_its_check(nights, account):
    status, reason = nights.ledger(account, CONTENT)
    assert status == "quarantined"
    assert reason.startswith(f"{FAILED_CHECK}each_tweet_once_per_file")
    (posts,) = nights.one("select count(*) from marts.twitter_posts where account = ?", account)
    assert posts == 0


def test_one_file_repeating_a_post_with_the_same_numbers_loads_it_once(nights):
    assert nights.ledger("agreeing_copy", CONTENT)[0] == "loaded"
    (posts, copies) = nights.one(
        "select count(*), count(*) filter (where post_id = ?) from marts.twitter_posts "
        "where account = 'agreeing_copy'",
        nights.ids["agreeing_copy"],
    )
    assert (posts, copies) == (5, 1)


@pytest.mark.parametrize("mart", ["twitter_posts", "twitter_account_daily", "post_metric_history"])
def test_two_nights_end_with_the_marts_of_one_build_from_scratch(nights, mart):
    assert mart_rows(nights.settings.published_marts, mart) == mart_rows(nights.scratch.published_marts, mart)


def _format(name: str):
    return next(f for f in ALL_FORMATS if f.name == name)


def test_a_window_ending_the_day_after_the_load_in_utc_loads_the_accounts_day_may_be_ahead():
    loaded = datetime(2026, 5, 16, 11, tzinfo=UTC)  # already 17 May at UTC+14 (Kiritimati)
    name = "x/acct/account_analytics_content_2026-04-20_2026-05-17.csv"
    provenance = resolve(_format("twitter.x_content"), name, loaded, None, loaded_at=loaded)
    assert provenance.snapshot_date == date(2026, 5, 17)
    with pytest.raises(UnreadableExport, match="its window ends on 2026-05-18, after today"):
        resolve(_format("twitter.x_content"), name.replace("05-17", "05-18"), loaded, None, loaded_at=loaded)


def test_a_download_time_in_the_name_orders_the_download_not_the_files_modification_time():
    copied_later = datetime(2026, 3, 1, tzinfo=UTC)  # the file was copied or unzipped since
    downloaded = datetime(2025, 7, 30, 8, 15, 0, 123000, tzinfo=UTC)
    name = f"linkedin/ethioware/ethioware_content_{int(downloaded.timestamp() * 1000)}.xls"
    provenance = resolve(_format("linkedin.content_posts"), name, copied_later, None, loaded_at=copied_later)
    assert (provenance.downloaded_at, provenance.snapshot_date) == (downloaded, date(2025, 7, 30))
