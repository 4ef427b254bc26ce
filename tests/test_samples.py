"""The real X exports in ../shared/samples load, and the marts agree with the exports' own numbers."""

from __future__ import annotations

import duckdb
import pytest

from socialkpi.settings import Settings, load_settings
from tests.conftest import copy_samples, run_cli

PER_TWEET = "twitter/lisadebruine/tweet_activity_metrics_LisaDeBruine_20211201_20220101_en.csv"
OVERVIEW = "twitter/kaiadevintern/kaiadevintern_account_overview_analytics.csv"


@pytest.fixture(scope="module")
def samples_refreshed(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("samples")
    copy_samples([PER_TWEET], root / "exports")
    # The account overview export does not name its account: its folder does.
    copy_samples([OVERVIEW], root / "exports" / "kaiadevintern")
    settings = load_settings(str(root / "exports"), root / "warehouse" / "socialkpi.duckdb")
    run_cli("refresh", settings=settings, check=True)
    return settings


def query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_per_tweet_sample_gives_119_tweets(samples_refreshed):
    assert query(samples_refreshed, "select count(*) from marts.twitter_posts") == [(119,)]
    assert query(samples_refreshed, "select distinct account from marts.twitter_posts") == [("lisadebruine",)]


def test_the_account_overview_sample_gives_271_days(samples_refreshed):
    rows = query(samples_refreshed, "select count(*), count(distinct date) from marts.twitter_account_daily")
    assert rows == [(271, 271)]


def test_every_engagement_rate_equals_the_rate_x_wrote_in_the_export(samples_refreshed):
    pairs = query(
        samples_refreshed,
        """
        select posts.post_id, posts.engagement_rate, cast(raw."engagement rate" as double)
        from marts.twitter_posts as posts
        inner join read_csv(?, all_varchar = true) as raw on raw."Tweet id" = posts.post_id
        """.replace("?", f"'{samples_path(PER_TWEET)}'"),
    )
    assert len(pairs) == 119
    for post_id, ours, theirs in pairs:
        assert ours == pytest.approx(theirs, abs=1e-9), post_id


def test_tweet_ids_stay_exact_19_digit_strings(samples_refreshed):
    assert query(
        samples_refreshed, "select count(*) from marts.twitter_posts where length(post_id) <> 19"
    ) == [(0,)]
    assert query(
        samples_refreshed, "select count(*) from marts.twitter_posts where post_id = '1476946213748543488'"
    ) == [(1,)]


def test_sample_totals_reconcile_with_the_export_files(samples_refreshed):
    ours = query(
        samples_refreshed, "select sum(impressions), sum(engagements) from marts.twitter_account_daily"
    )
    theirs = query(
        samples_refreshed,
        f"select sum(Impressions), sum(Engagements) from read_csv('{samples_path(OVERVIEW)}')",
    )
    assert ours == theirs


def test_promoted_metrics_written_as_dash_are_null_not_zero(samples_refreshed):
    assert query(samples_refreshed, "select count(promoted_impressions) from marts.twitter_posts") == [(0,)]


def samples_path(name: str) -> str:
    from tests.conftest import require_samples

    return str(require_samples() / name)


FACEBOOK_POSTS = "facebook/pc_merchandise/Sep-01-2025_Sep-30-2025_2855862537940540.csv"
FOLLOWS = "facebook/pc_merchandise/Follows.csv"
YOUTUBE_TABLE = "youtube/sample_channel/Table data.csv"
YOUTUBE_CHART = "youtube/sample_channel/Chart data.csv"


@pytest.fixture(scope="module")
def other_samples_refreshed(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("samples_other")
    # The Meta daily series and YouTube's CSVs do not name their account: their folder does.
    copy_samples([FACEBOOK_POSTS, FOLLOWS], root / "exports" / "pc merchandise")
    copy_samples([YOUTUBE_TABLE, YOUTUBE_CHART], root / "exports" / "some channel")
    settings = load_settings(str(root / "exports"), root / "warehouse" / "socialkpi.duckdb")
    run_cli("refresh", settings=settings, check=True)
    return settings


def test_the_facebook_posts_sample_gives_81_posts_with_meta_s_own_numbers(other_samples_refreshed):
    assert query(
        other_samples_refreshed, "select count(*), count(distinct account) from marts.facebook_posts"
    ) == [(81, 1)]
    ours = query(
        other_samples_refreshed,
        "select sum(reach), sum(reactions), sum(comments), sum(shares) from marts.facebook_posts",
    )
    theirs = query(
        other_samples_refreshed,
        "select sum(Reach), sum(Reactions), sum(Comments), sum(Shares) "
        f"from read_csv('{samples_path(FACEBOOK_POSTS)}')",
    )
    assert ours == theirs


def test_the_utf16_follows_sample_gives_28_days_of_new_followers(other_samples_refreshed):
    rows = query(
        other_samples_refreshed,
        "select count(*), sum(new_followers), min(date), max(date) from marts.facebook_page_daily",
    )
    assert rows[0][0] == 28
    assert str(rows[0][2]) == "2025-09-20"


def test_the_youtube_table_sample_gives_442_videos_and_its_total_row_covers_them(other_samples_refreshed):
    assert query(other_samples_refreshed, "select count(*) from marts.youtube_videos") == [(442,)]
    total, listed = query(
        other_samples_refreshed,
        "select sum(views) filter (where is_total_row), sum(views) filter (where not is_total_row) "
        "from staging.stg_youtube__video_rows",
    )[0]
    # Studio's Total counts views of content the table does not list: never less than the rows.
    assert (total, listed) == (181588, 153235)
    assert query(
        other_samples_refreshed,
        "select count(*) from marts.youtube_videos where post_id like ' %' or post_id like '-%'",
    ) == [(5,)]


def test_the_youtube_chart_sample_lands_1825_day_rows(other_samples_refreshed):
    assert query(other_samples_refreshed, "select count(*) from raw_youtube.video_daily") == [(1825,)]
