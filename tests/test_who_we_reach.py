"""Who we reach (issue 19) on the demo's shared refresh: every audience export reaches
marts.audience on one scale with ISO country codes, the segments and the follower counts are
built, the README's two questions answer, and the report draws the section.

No real sample has an audience shape (docs/formats.md §2.5, §4.6, §5.5): the real samples only
show that the marts build empty without error."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from pipelines.settings import Settings
from socialkpi.demo.audience import FOLLOWER_DOWNLOADS, HISTORY_DOWNLOADS, followers_on
from socialkpi.serve.access import open_published
from tests.conftest import REPO, SamplesRefresh, run_cli

DEMO_DIMENSIONS = {
    "facebook": {"age", "city", "country", "gender"},
    "linkedin": {"city", "company_size", "industry", "job_function", "seniority"},
    "youtube": {"age", "city", "country", "gender", "subscription_status", "traffic_source"},
}


def published(settings: Settings, sql: str, parameters: list | None = None) -> list[tuple]:
    with open_published(settings) as con:
        return con.execute(sql, parameters or []).fetchall()


def readme_question(title: str) -> str:
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Who we reach", 1)[1]
    section = section.split("\n## ", 1)[0]
    after = section.split(title, 1)[1]
    return re.search(r"```sql\n(.*?)```", after, flags=re.DOTALL).group(1)


def test_every_demo_audience_export_reaches_the_audience_mart_with_its_dimensions(demo_refresh):
    rows = published(demo_refresh, "select distinct channel, dimension from marts.audience")
    found: dict[str, set[str]] = {}
    for channel, dimension in rows:
        found.setdefault(channel, set()).add(dimension)
    assert found == DEMO_DIMENSIONS


def test_the_shares_of_each_dimension_add_up_to_one_in_every_snapshot(demo_refresh):
    sums = published(
        demo_refresh,
        "select channel, dimension, measure, snapshot_date, sum(share) from marts.audience group by all",
    )
    assert sums
    assert [row for row in sums if abs(row[-1] - 1) > 1e-6] == []


def test_countries_are_iso_codes_whether_the_export_wrote_english_or_french_names_or_codes(demo_refresh):
    # The demo's first Audience.csv writes English names, the second French ones
    # (`Allemagne`, `États-Unis`); FollowerTopTerritories.csv and YouTube's table write codes.
    values = published(demo_refresh, "select distinct value from marts.audience where dimension = 'country'")
    assert {value for (value,) in values} == {"CH", "FR", "IT", "IN", "DE", "US", "GB", "(other)"}


def test_a_snapshot_in_fractions_and_one_in_percents_end_on_the_same_scale(demo_refresh):
    # FollowerTopTerritories.csv: fractions on 9 June, percents (and `Top Territories`) on 22 Sep;
    # the demo writes the same shares both times.
    rows = published(
        demo_refresh,
        "select snapshot_date, share from marts.audience where channel = 'facebook' "
        "and dimension = 'country' and value = 'CH' and list_contains(?, snapshot_date) "
        "order by snapshot_date",
        [list(FOLLOWER_DOWNLOADS)],
    )
    assert rows == [
        (FOLLOWER_DOWNLOADS[0], pytest.approx(0.151)),
        (FOLLOWER_DOWNLOADS[1], pytest.approx(0.151)),
    ]


def test_a_youtube_table_s_total_row_is_what_its_listed_countries_are_a_share_of(demo_refresh):
    (other,) = published(
        demo_refresh,
        "select share from marts.audience where channel = 'youtube' and dimension = 'country' "
        "and value = '(other)' and snapshot_date = (select max(snapshot_date) from marts.audience "
        "where channel = 'youtube' and dimension = 'country')",
    )
    # The demo lists 75 % of the window's views by country.
    assert other[0] == pytest.approx(0.25, abs=0.001)


def test_segments_cover_what_their_rules_name_and_say_what_no_rule_covers(demo_refresh):
    rows = published(
        demo_refresh,
        "select segment, share from marts.audience_segments where channel = 'linkedin' "
        "and dimension = 'job_function' and measure = 'followers' "
        "and snapshot_date = (select max(snapshot_date) from marts.audience_segments)",
    )
    shares = dict(rows)
    # Research 0.31 of the listed 0.85, Education 0.14, Media and Communication 0.04.
    assert shares["scientific community"] == pytest.approx(0.31 / 0.85, abs=0.001)
    assert shares["teachers and students"] == pytest.approx(0.14 / 0.85, abs=0.001)
    assert shares["(not covered)"] == pytest.approx(1 - 0.49 / 0.85, abs=0.001)


def test_followers_are_the_counts_follower_history_states_and_never_more_days(demo_refresh):
    rows = published(demo_refresh, "select channel, date, followers, is_stated from marts.followers")
    assert {channel for channel, *_ in rows} == {"facebook"}
    stated = {day: count for _, day, count, _ in rows}
    expected_days = {download - timedelta(days=n) for download in HISTORY_DOWNLOADS for n in range(1, 61)}
    assert set(stated) == expected_days  # no day outside the two downloads' windows
    assert all(stated[day] == followers_on(day) for day in stated)


def test_the_readme_followers_question_gives_each_channel_now_and_a_year_ago(demo_refresh):
    with open_published(demo_refresh) as con:
        relation = con.sql(readme_question("Followers per channel now and a year ago"))
        columns, rows = relation.columns, relation.fetchall()
    answers = {(row[0], row[1]): dict(zip(columns, row, strict=True)) for row in rows}
    facebook = answers[("facebook", "cern")]
    assert facebook["counted_on"] == date(2025, 9, 28)
    assert facebook["followers_now"] == followers_on(date(2025, 9, 28))
    assert facebook["counted_a_year_before"] == date(2024, 9, 28)
    assert facebook["followers_a_year_before"] == followers_on(date(2024, 9, 28))
    # Every other account is listed, saying why it has no count.
    others = [a for key, a in answers.items() if key != ("facebook", "cern")]
    assert others and all(a["followers_now"] is None and "no export states" in a["note"] for a in others)


def test_the_readme_top_countries_question_gives_five_countries_per_account_and_measure(demo_refresh):
    with open_published(demo_refresh) as con:
        rows = con.sql(readme_question("Top countries of each channel")).fetchall()
    by_account = {}
    for channel, account, measure, _, country, share, _ in rows:
        by_account.setdefault((channel, account, measure), []).append((country, share))
    assert set(by_account) == {("facebook", "cern", "followers"), ("youtube", "cern", "views")}
    assert [country for country, _ in by_account[("youtube", "cern", "views")]] == [
        "CH",
        "FR",
        "US",
        "IN",
        "DE",
    ]
    assert all(len(top) == 5 and "(other)" not in dict(top) for top in by_account.values())


def test_the_audience_marts_build_empty_from_the_real_samples_which_have_no_audience_export(
    samples_refresh: SamplesRefresh,
):
    assert samples_refresh.result.returncode == 0, samples_refresh.result.stdout[-2000:]
    for mart in ("audience", "audience_segments", "followers"):
        assert samples_refresh.one(f"select count(*) from marts.{mart}") == (0,)


def report_text(report: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", report.read_text(encoding="utf-8")))


def test_the_report_says_who_we_reach_with_followers_countries_and_segments(demo_refresh, tmp_path):
    output = tmp_path / "report.html"
    run_cli("report", "--output", str(output), settings=demo_refresh, check=True)
    html = output.read_text(encoding="utf-8")
    for chart in (
        "reach-followers",
        "reach-countries-facebook-cern",
        "reach-countries-youtube-cern",
        "reach-segments",
    ):
        assert f'data-chart="{chart}"' in html
    text = report_text(output)
    now = followers_on(date(2025, 9, 28))
    assert f"Facebook cern : {now:,} followers on 28 Sep 2025" in text
