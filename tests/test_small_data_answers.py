"""Answers that stay true on small, partial data: the README's questions and the coverage of the
monthly marts, on the real sample exports (a few weeks per account) and on the demo."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bench.questions import readme_questions
from pipelines.settings import Settings
from tests.conftest import SamplesRefresh, require_samples

QUESTIONS = ("format works best", "best human stories", "collaboration", "linkedin", "community grow")
NUMERIC = ("DOUBLE", "BIGINT", "HUGEINT", "INTEGER", "DECIMAL")


def _readme_questions() -> list[str]:
    return [question.sql for question in readme_questions("Questions you can answer")]


def _settings(request: pytest.FixtureRequest, warehouse: str) -> Settings:
    """The demo's refresh, or the real samples' (skipped when ../shared/samples is absent)."""
    if warehouse == "demo":
        return request.getfixturevalue("demo_refresh")
    samples: SamplesRefresh = request.getfixturevalue("samples_refresh")
    return samples.settings


def _published(settings: Settings, sql: str) -> tuple[list[str], list[str], list[tuple]]:
    """Run a query as a BI tool would: on the published copy. Column names, types, rows."""
    from socialkpi.serve.access import open_published

    with open_published(settings) as con:
        relation = con.sql(sql)
        return relation.columns, [str(kind) for kind in relation.types], relation.fetchall()


def test_the_readme_has_the_five_questions():
    assert len(_readme_questions()) == 5


def test_the_query_budget_bench_times_every_readme_query_under_its_question_and_no_setting():
    questions = readme_questions()
    titles = [question.title for question in questions]
    assert titles[:5] == [
        "Which format works best on each channel?",
        "Our best human stories",
        "Does a collaboration lift reach?",
        "When should we post on LinkedIn?",
        "How fast does each community grow?",
    ]
    sections = {question.section for question in questions}
    assert {"Who we reach", "Comments: what people are saying"} <= sections
    assert not any(question.sql.lstrip().lower().startswith("set ") for question in questions)


@pytest.mark.parametrize("warehouse", ["demo", "samples"])
@pytest.mark.parametrize("number", range(5), ids=QUESTIONS)
def test_each_readme_question_answers_with_numbers_on_the_demo_and_on_the_real_samples(
    request: pytest.FixtureRequest, warehouse: str, number: int
):
    columns, types, rows = _published(_settings(request, warehouse), _readme_questions()[number])
    assert rows, f"README question {number + 1} gave no answer on the {warehouse} data"
    numeric = [i for i, kind in enumerate(types) if kind.startswith(NUMERIC)]
    assert numeric, columns
    assert any(row[i] is not None for row in rows for i in numeric), f"only NULLs: {rows}"


@pytest.mark.parametrize("warehouse", ["demo", "samples"])
def test_the_format_question_answers_for_every_channel_with_posts_and_flags_a_partial_quarter(
    request: pytest.FixtureRequest, warehouse: str
):
    settings = _settings(request, warehouse)
    columns, _, rows = _published(settings, _readme_questions()[0])
    answers = {row[columns.index("channel")]: dict(zip(columns, row, strict=True)) for row in rows}
    _, _, channels = _published(settings, "select distinct channel from marts.all_posts")
    assert set(answers) == {channel for (channel,) in channels}
    for channel, answer in answers.items():
        quarter: date = answer["quarter"]
        quarter_end = date(quarter.year + quarter.month // 10, (quarter.month + 2) % 12 + 1, 1)
        days_in_quarter = (quarter_end - quarter).days
        assert 0 < answer["days_covered"] <= days_in_quarter, answer
        assert answer["is_partial"] == (answer["days_covered"] < days_in_quarter), answer
        # A channel whose exports carry no engagement says so instead of a bare NULL.
        assert (answer["median_engagement_rate"] is None) == (answer["note"] is not None), (channel, answer)


@pytest.mark.parametrize("warehouse", ["demo", "samples"])
def test_the_human_stories_question_says_why_each_post_is_listed(
    request: pytest.FixtureRequest, warehouse: str
):
    settings = _settings(request, warehouse)
    columns, _, rows = _published(settings, _readme_questions()[1])
    _, _, ((stories,),) = _published(
        settings,
        """select count(*) from marts.all_posts
           where content_type = 'human_story' and engagement_rate is not null""",
    )
    whys = [row[columns.index("why")] for row in rows]
    listed_stories = [why for why in whys if why.startswith("human story")]
    assert len(listed_stories) == min(stories, 10)
    # Only when there are too few human stories do other posts fill the list, and they say so.
    assert len(rows) == 10 or len(rows) == stories
    assert all(why.startswith("not a human story: fewer than 10") for why in whys[len(listed_stories) :])


@pytest.mark.parametrize("warehouse", ["demo", "samples"])
def test_the_growth_question_divides_by_the_days_the_follower_data_covers_not_by_ninety(
    request: pytest.FixtureRequest, warehouse: str
):
    settings = _settings(request, warehouse)
    columns, _, rows = _published(settings, _readme_questions()[4])
    answers = {(row[0], row[1]): dict(zip(columns, row, strict=True)) for row in rows}
    _, _, days = _published(
        settings,
        """select channel, account, date, new_followers from marts.community_growth
           where new_followers is not null""",
    )
    expected: dict[tuple[str, str], tuple[int, int]] = {}
    last_day = {}
    for channel, account, day, _ in days:
        last_day[channel, account] = max(day, last_day.get((channel, account), day))
    for channel, account, day, new_followers in days:
        if day > last_day[channel, account] - timedelta(days=90):
            covered, total = expected.get((channel, account), (0, 0))
            expected[channel, account] = (covered + 1, total + new_followers)
    assert set(answers) == set(expected)
    for key, (covered, total) in expected.items():
        assert answers[key]["days_covered"] == covered
        assert answers[key]["new_followers"] == total
        if total:
            assert answers[key]["minutes_per_new_follower"] == pytest.approx(covered * 1440 / total, abs=0.05)
    if warehouse == "samples":
        # The Page's file covers 28 days: one new follower about every hour, not every 3.4 hours.
        assert any(covered < 90 for covered, _ in expected.values())


def _create_post_by_month(path: Path) -> dict[date, int]:
    """The X account overview export's own post counts (`Create Post`), summed per month."""
    totals: dict[date, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            day = datetime.strptime(row["Date"], "%a, %b %d, %Y").date()
            month = day.replace(day=1)
            totals[month] = totals.get(month, 0) + int(row["Create Post"])
    return totals


def test_an_x_account_with_only_its_overview_export_publishes_what_create_post_says(
    samples_refresh: SamplesRefresh,
):
    overview = (
        require_samples() / "twitter" / "kaiadevintern" / "kaiadevintern_account_overview_analytics.csv"
    )
    stated = _create_post_by_month(overview)
    assert stated[date(2025, 2, 1)] > 0
    published = dict(
        samples_refresh.query(
            "select month, posts_published from marts.channel_monthly "
            "where channel = 'twitter' and account = 'kaiadevintern'"
        )
    )
    assert published[date(2025, 2, 1)] == stated[date(2025, 2, 1)]
    assert {month: published.get(month) for month in stated} == stated


def test_months_the_samples_cover_partly_are_partial_and_rate_followers_over_covered_days(
    samples_refresh: SamplesRefresh,
):
    rows = samples_refresh.query(
        """select channel, account, month, days_in_month, days_covered, first_day_covered,
                  last_day_covered, is_partial, follower_days_covered, new_followers,
                  minutes_per_new_follower, new_followers_per_covered_day
           from marts.channel_monthly"""
    )
    assert rows
    for (
        channel,
        account,
        month,
        in_month,
        covered,
        first,
        last,
        partial,
        follower_days,
        new,
        minutes,
        pace,
    ) in rows:
        # A month is in the mart because data speaks for some of its days, never for a file's time.
        assert 0 < covered <= in_month, (channel, account, month)
        assert month <= first <= last < month + timedelta(days=in_month)
        assert covered <= (last - first).days + 1
        assert partial == (covered < in_month)
        assert follower_days <= covered
        if new:
            assert minutes == pytest.approx(follower_days * 1440 / new)
            assert pace == pytest.approx(new / follower_days)
    # The Page's data starts on September 20, 2025: its September is partial for followers, and
    # the month's rate is over the days the follower data covers.
    growth = samples_refresh.query(
        """select count(*), sum(new_followers) from marts.community_growth
           where channel = 'facebook' and account = 'pc_merchandise' and month = date '2025-09-01'
             and new_followers is not null"""
    )
    ((follower_days, new),) = growth
    assert 0 < follower_days < 30
    ((minutes,),) = samples_refresh.query(
        """select minutes_per_new_follower from marts.channel_monthly
           where channel = 'facebook' and account = 'pc_merchandise' and month = date '2025-09-01'"""
    )
    assert minutes == pytest.approx(follower_days * 1440 / new)


@pytest.mark.parametrize("warehouse", ["demo", "samples"])
def test_community_growth_has_a_row_only_for_a_day_an_export_covers(
    request: pytest.FixtureRequest, warehouse: str
):
    settings = _settings(request, warehouse)
    _, _, ((empty_days, days),) = _published(
        settings,
        """select count(*) filter (where new_followers is null and lost_followers is null
                                   and net_change is null and followers is null), count(*)
           from marts.community_growth""",
    )
    assert days > 0
    assert empty_days == 0


# What the README asked all_posts before collaboration_performance held the answer.
COLLABORATION_OVER_EVERY_POST = """
select channel, coalesce(collaboration, 'none') as collaboration, count(*) as posts,
       median(audience) as median_audience,
       round(median(engagement_rate), 4) as median_engagement_rate,
       round(avg(engagement_percentile), 2) as mean_percentile
from marts.all_posts
group by all
order by channel, collaboration
"""


@pytest.mark.parametrize("warehouse", ["demo", "samples"])
def test_the_collaboration_question_read_from_its_mart_gives_the_medians_over_every_post(
    request: pytest.FixtureRequest, warehouse: str
):
    settings = _settings(request, warehouse)
    (question,) = [q.sql for q in readme_questions() if q.title == "Does a collaboration lift reach?"]
    assert "marts.collaboration_performance" in question
    columns, _, from_the_mart = _published(settings, question)
    expected_columns, _, over_every_post = _published(settings, COLLABORATION_OVER_EVERY_POST)
    assert columns == expected_columns
    assert from_the_mart == over_every_post
    if warehouse == "demo":  # the demo's posts mention its collaborators (seeds/collaborators.csv)
        assert {"none"} < {row[1] for row in from_the_mart}, from_the_mart
