"""One account however the files name it, and the right channel for every Meta daily series.

The real Facebook and Instagram samples are copied into `<tmp>/exports/<platform>/<account>/` as
they lie in ../shared/samples; beside them, files generated from the real bytes (only a name or
the dates changed) where no real sample has the case: a posts export with no account folder, a
series of an account known by an alias in seeds/accounts.csv, and a bare-titled series of an
account nothing tells the channel of.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import jinja2
import pytest

from pipelines.errors import QUARANTINED, UnreadableExport
from pipelines.exports import ExportFile
from pipelines.provenance import PLATFORM_FOLDERS, account_folder, normalize_account
from pipelines.reader import read_export
from pipelines.settings import Settings, load_settings
from socialkpi.build.runstate import project_fingerprint
from tests.conftest import REPO, require_samples, run_cli

MACROS = REPO / "dbt_project" / "macros" / "accounts.sql"

FB_POSTS = "facebook/pc_merchandise/Sep-01-2025_Sep-30-2025_2855862537940540.csv"
FB_FOLLOWS = "facebook/pc_merchandise/Follows.csv"
MH4U_POSTS = "facebook/MH4U/Dec-12-2023_Mar-06-2024_1032418178499222.csv"
MH4U_VISITS = "facebook/MH4U/Visits.csv"
IG_POSTS = "instagram/elitravelguy/May-25-2026_Jun-21-2026_1493633672508178.csv"
IG_SERIES = ["Follows.csv", "Reach.csv", "Views.csv", "Visits.csv", "Interactions.csv", "Link clicks.csv"]

# Generated beside the samples (see the module docstring).
NO_FOLDER_POSTS = "facebook/Sep-01-2025_Sep-30-2025_2855862537940540.csv"  # Page name: Sunrise Bakery
ALIAS_FOLLOWS = "facebook/CERN Official/Follows.csv"  # an alias of `cern` in seeds/accounts.csv
UNKNOWN_REACH = "newco/Reach.csv"  # a bare title, no platform folder, no other export of newco
# Chart exports (docs/formats.md §2.3; no real sample here): UTF-8 with BOM, every field quoted, LF, no
# final newline, days without a year, `undefined` for a missing value on the last day.
VIEWERS = "facebook/pc_merchandise/Viewers.csv"
FOLLOWER_HISTORY = "facebook/pc_merchandise/FollowerHistory.csv"
CHART_DAYS = [date(2025, 9, 20) + timedelta(days=n) for n in range(28)]  # the days of Follows.csv


# ------------------------------------------------------------------ one normalisation, two languages


def render_macro(name: str, argument: str) -> str:
    """A macro of dbt_project/macros/accounts.sql rendered as dbt renders it (plain Jinja with the
    `do` statement), called on the SQL expression `argument`."""
    source = MACROS.read_text()
    match = re.search(r"{%\s*macro " + name + r"\(.*?{%-?\s*endmacro\s*%}", source, re.DOTALL)
    assert match, f"macro {name} not found in {MACROS}"
    template = jinja2.Environment(extensions=["jinja2.ext.do"]).from_string(
        match.group(0) + "{{ " + name + "(" + repr(argument) + ") }}"
    )
    return template.render()


NAMES = [
    "PC Merchandise",
    "pc merchandise",
    "pc-merchandise",
    " PC_Merchandise ",
    "pc__merchandise",
    "MH4U",
    "Психічне здоров'я для України",
    "Été à Genève",
    "CERN\u00a0Official",
    "cern\u202fofficial",
    "-_cern_fr_-",
    "İstanbul Ångström Łódź",
    "Señor-Café  2025",
    "ஔ",
    "",
]


def test_python_and_sql_normalise_every_account_name_alike():
    sql = render_macro("normalize_account", "name")
    with duckdb.connect() as con:
        in_sql = dict(con.execute(f"select name, {sql} from unnest(?) as names (name)", [NAMES]).fetchall())
    assert {name: normalize_account(name) for name in NAMES} == in_sql
    assert {normalize_account(n) for n in NAMES[:5]} == {"pc_merchandise"}


def test_the_sql_platform_folders_are_the_facebook_and_instagram_folders_of_the_loader():
    sql = render_macro("path_meta_channel", "path")
    paths = {f"{word}/acme/Reach.csv": channel for word, channel in PLATFORM_FOLDERS.items()}
    paths |= {
        "team/Instagram/acme/2025/Reach.csv": "instagram",
        "facebook/acme/instagram_old/Reach.csv": "facebook",
        "acme/Reach.csv": None,
        "facebooks/acme/Reach.csv": None,
    }
    with duckdb.connect() as con:
        in_sql = dict(
            con.execute(f"select path, {sql} from unnest(?) as paths (path)", [list(paths)]).fetchall()
        )
    expected = {p: c if c in ("facebook", "instagram") else None for p, c in paths.items()}
    assert in_sql == expected


# ------------------------------------------------------------------------ which folder is the account


@pytest.mark.parametrize(
    ("path", "account"),
    [
        ("facebook/pc_merchandise/Follows.csv", "pc_merchandise"),
        ("facebook/PC Merchandise/Follows.csv", "pc_merchandise"),
        ("downloads/instagram/elitravelguy/2026/06/Reach.csv", "elitravelguy"),
        ("Meta Business Suite/exports/Follows.csv", None),
        ("facebook/Follows.csv", None),
        ("Follows.csv", None),
        ("team_geneva/facebook/2025-03/Follows.csv", "team_geneva"),
    ],
)
def test_the_account_is_the_nearest_folder_that_is_not_a_platform_a_generic_word_or_a_period(path, account):
    assert account_folder(path) == account


def test_a_series_with_no_account_folder_and_no_name_inside_is_quarantined_with_where_to_put_it():
    content = (require_samples() / FB_FOLLOWS).read_bytes()
    file = ExportFile("facebook/Follows.csv", "file:///x", len(content), datetime.now(UTC))
    with pytest.raises(UnreadableExport) as refused:
        read_export(content, file, "sha", datetime.now(UTC))
    assert refused.value.status == QUARANTINED
    assert "exports/facebook/<account>/Follows.csv" in refused.value.reason


def test_a_change_to_accounts_csv_changes_the_project_fingerprint_so_the_next_build_remaps_from_raw(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs", ".*"))
    before = project_fingerprint(project)
    seed = project / "seeds" / "accounts.csv"
    seed.write_text(seed.read_text().replace("CERN Official", "CERN Official|CERN Physics", 1))
    assert project_fingerprint(project) != before


# ------------------------------------------------------------------------- the real samples, refreshed


def copy_sample(name: str, exports: Path) -> None:
    target = exports / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(require_samples() / name, target)


def utf16_series(sample: str, year_from: str, year_to: str) -> bytes:
    """The real series file with its days moved to another year: UTF-16LE with BOM, `sep=,`, the
    title line and LF endings as Meta writes them."""
    text = (require_samples() / sample).read_bytes().decode("utf-16")
    return b"\xff\xfe" + text.replace(f'"{year_from}-', f'"{year_to}-').encode("utf-16-le")


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, object]:
    require_samples()
    root = tmp_path_factory.mktemp("accounts")
    exports = root / "exports"
    for name in (FB_POSTS, FB_FOLLOWS, MH4U_POSTS, MH4U_VISITS, IG_POSTS):
        copy_sample(name, exports)
    for name in IG_SERIES:
        copy_sample(f"instagram/elitravelguy/{name}", exports)
    posts = (require_samples() / FB_POSTS).read_bytes().replace(b"PC Merchandise", b"Sunrise Bakery")
    (exports / NO_FOLDER_POSTS).write_bytes(posts)
    (exports / ALIAS_FOLLOWS).parent.mkdir(parents=True)
    (exports / ALIAS_FOLLOWS).write_bytes(utf16_series(FB_FOLLOWS, "2025", "2024"))
    (exports / UNKNOWN_REACH).parent.mkdir(parents=True)
    (exports / UNKNOWN_REACH).write_bytes(utf16_series("instagram/elitravelguy/Reach.csv", "2026", "2025"))
    write_chart(
        exports / VIEWERS, ["Total Viewers", "New Viewers", "Returning Viewers"], lambda n: [100 + n, n, 100]
    )
    write_chart(
        exports / FOLLOWER_HISTORY,
        ["Followers", "Difference in followers from previous day"],
        lambda n: [5000 + n, 1],
    )
    settings = load_settings(str(exports), root / "warehouse" / "socialkpi.duckdb")
    return settings, run_cli("refresh", settings=settings)


def write_chart(path: Path, metrics: list[str], values) -> None:
    rows = [["Date", *metrics]]
    rows += [[f"{day:%B} {day.day}", *map(str, values(n))] for n, day in enumerate(CHART_DAYS[:-1])]
    rows += [[f"{CHART_DAYS[-1]:%B} {CHART_DAYS[-1].day}", *["undefined"] * len(metrics)]]
    text = "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    # Downloaded the day after the last day: the year of "September 20" is 2025.
    downloaded = datetime(2025, 10, 18, 9, tzinfo=UTC).timestamp()
    os.utime(path, (downloaded, downloaded))


def query(refreshed, sql: str, parameters: list | None = None) -> list[tuple]:
    settings, _result = refreshed
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(sql, parameters or []).fetchall()


def ledger(refreshed, path: str) -> tuple:
    (row,) = query(
        refreshed,
        "select status, account, reason from raw_ledger.export_files where relative_path = ?",
        [path],
    )
    return row


def test_the_refresh_publishes_and_says_a_file_was_quarantined(refreshed):
    _settings, result = refreshed
    # Exit 2: published, and one file (the unknown channel's series) was taken out.
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]


def test_pc_merchandise_is_one_account_across_its_posts_and_follows_files(refreshed):
    assert ledger(refreshed, FB_POSTS)[:2] == ("loaded", "pc_merchandise")
    assert ledger(refreshed, FB_FOLLOWS)[:2] == ("loaded", "pc_merchandise")
    assert query(refreshed, "select count(*) from marts.facebook_posts where account = 'pc_merchandise'") == [
        (81,)
    ]
    assert query(
        refreshed,
        "select count(new_followers) from marts.facebook_page_daily where account = 'pc_merchandise'",
    ) == [(28,)]
    names = {a for (a,) in query(refreshed, "select distinct account from marts.facebook_posts")}
    assert "pc merchandise" not in names


def test_mh4u_posts_are_account_mh4u_not_the_page_name_the_file_gives(refreshed):
    assert ledger(refreshed, MH4U_POSTS)[:2] == ("loaded", "mh4u")
    assert query(refreshed, "select count(*) from marts.facebook_posts where account = 'mh4u'") == [(41,)]
    # Raw keeps what the file said; the account is the folder's.
    assert query(
        refreshed,
        "select distinct _account, trim(page_name) from raw_facebook.posts "
        "where _source_file = ? and page_name <> ''",
        [MH4U_POSTS],
    ) == [("mh4u", "Психічне здоров'я для України")]


def test_elitravelguy_s_bare_titled_series_land_in_instagram_account_daily_and_not_in_facebook(refreshed):
    assert query(
        refreshed,
        "select count(*), sum(reach), sum(views), sum(interactions) "
        "from marts.instagram_account_daily where account = 'elitravelguy'",
    ) == [(28, 808076, 1117725, 53288)]
    assert query(
        refreshed, "select count(*) from marts.facebook_page_daily where account = 'elitravelguy'"
    ) == [(0,)]
    assert query(
        refreshed,
        "select distinct series_title, channel from staging.stg_meta__daily_series "
        "where account = 'elitravelguy' and title_channel is null order by 1",
    ) == [("Content interactions", "instagram"), ("Reach", "instagram"), ("Views", "instagram")]


def test_titled_series_keep_their_title_s_channel_in_one_stacked_file(refreshed):
    rows = query(
        refreshed,
        "select channel, count(*), sum(value) from staging.stg_meta__daily_series "
        "where source_file like ? group by 1 order by 1",
        [MH4U_VISITS + "::%"],  # one source per block: `Visits.csv::Facebook visits`
    )
    assert rows == [("facebook", 242, 81434), ("instagram", 242, 7101)]


def test_a_collaboration_post_is_kept_once_under_the_file_s_account_with_its_author(refreshed):
    assert ledger(refreshed, IG_POSTS)[:2] == ("loaded", "elitravelguy")
    assert query(
        refreshed,
        "select is_collaboration, author_account, count(*), sum(views), sum(reach) "
        "from marts.instagram_posts where account = 'elitravelguy' group by all order by all",
    ) == [(False, "elitravelguy", 20, 537836, 408151), (True, "caryjack", 1, 3809, None)]
    assert query(refreshed, "select count(*) from marts.instagram_posts where account = 'caryjack'") == [(0,)]
    assert query(
        refreshed, "select account, post_id, author_account from marts.all_posts where is_collaboration"
    ) == [("elitravelguy", "17956430532130456", "caryjack")]


def test_a_file_with_no_account_folder_takes_its_page_name_and_the_ledger_says_it_was_guessed(refreshed):
    status, account, reason = ledger(refreshed, NO_FOLDER_POSTS)
    assert (status, account) == ("loaded", "sunrise_bakery")
    assert "account from the file's Page name: no account folder" in reason
    assert query(refreshed, "select count(*) from marts.facebook_posts where account = 'sunrise_bakery'") == [
        (81,)
    ]
    listing = run_cli("files", settings=refreshed[0], check=True).stdout
    (line,) = [line for line in listing.splitlines() if line.startswith(NO_FOLDER_POSTS)]
    assert "sunrise_bakery" in line and "account from the file's Page name" in line


def test_an_alias_in_accounts_csv_is_mapped_to_its_account_in_staging_and_raw_keeps_the_folder_s_name(
    refreshed,
):
    assert ledger(refreshed, ALIAS_FOLLOWS)[:2] == ("loaded", "cern_official")
    assert query(
        refreshed,
        "select distinct _account from raw_meta.daily_series where _source_file = ?",
        [ALIAS_FOLLOWS],
    ) == [("cern_official",)]
    assert query(
        refreshed,
        "select distinct account, loaded_account from staging.stg_meta__daily_series where source_file = ?",
        [ALIAS_FOLLOWS],
    ) == [("cern", "cern_official")]
    assert query(
        refreshed, "select count(new_followers) from marts.facebook_page_daily where account = 'cern'"
    ) == [(28,)]
    assert query(
        refreshed, "select count(*) from marts.facebook_page_daily where account = 'cern_official'"
    ) == [(0,)]


def test_a_bare_titled_series_nothing_assigns_a_channel_fails_only_the_named_check_on_its_file(refreshed):
    status, _account, reason = ledger(refreshed, UNKNOWN_REACH)
    assert status == QUARANTINED
    assert "meta_series_channel_is_known" in reason
    assert "seeds/accounts.csv" in reason
    assert query(
        refreshed, "select count(*) from raw_meta.daily_series where _source_file = ?", [UNKNOWN_REACH]
    ) == [(0,)]
    # Nothing else was taken out.
    assert query(
        refreshed, "select relative_path from raw_ledger.export_files where status <> 'loaded' order by 1"
    ) == [(UNKNOWN_REACH,)]


def test_viewers_and_follower_history_chart_exports_reach_facebook_page_daily(refreshed):
    days = len(CHART_DAYS)
    assert query(
        refreshed,
        "select count(*), count(new_followers), count(viewers), sum(viewers), count(followers), "
        "max(followers), "
        "min(date), max(date) from marts.facebook_page_daily where account = 'pc_merchandise'",
    ) == [
        (
            days,
            days,
            days - 1,  # `undefined` on the last day is no value
            sum(100 + n for n in range(days - 1)),
            days - 1,
            5000 + days - 2,
            CHART_DAYS[0],
            CHART_DAYS[-1],
        )
    ]


def test_a_file_a_check_took_out_is_read_again_once_the_checks_or_seeds_changed(refreshed, tmp_path):
    """The advice of meta_series_channel_is_known is to add the account's channel to accounts.csv:
    after that edit the same bytes must load again (a new download of a Meta series would be
    byte for byte the same file)."""
    from dataclasses import replace

    from socialkpi import steps
    from socialkpi.build import runstate

    settings, _result = refreshed
    shutil.copytree(
        settings.warehouse.parent, tmp_path / "warehouse", ignore=shutil.ignore_patterns("published")
    )
    copy = load_settings(settings.exports, tmp_path / "warehouse" / settings.warehouse.name)

    def raw_rows() -> int:
        with duckdb.connect(str(copy.warehouse), read_only=True) as con:
            sql = "select count(*) from raw_meta.daily_series where _source_file = ?"
            return con.execute(sql, [UNKNOWN_REACH]).fetchone()[0]

    assert not runstate.checks_changed(copy)
    steps.load(copy)
    assert raw_rows() == 0  # the same night's rules: the file stays out
    # Someone edits accounts.csv: the last build that passed was made by another dbt project.
    inputs, started = runstate.last(copy, runstate.BUILD)
    runstate.record(copy, runstate.BUILD, replace(inputs, project="before the accounts.csv edit"), started)
    assert runstate.checks_changed(copy)
    report = steps.load(copy)
    assert [e.relative_path for e in report.loaded_now] == [UNKNOWN_REACH]
    assert raw_rows() == 28
