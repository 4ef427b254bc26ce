"""The real X exports in ../shared/samples/twitter, through the marts: what EXPECTED.md says each
file must give."""

from __future__ import annotations

import pytest

from tests.conftest import SamplesRefresh, require_samples

PER_TWEET = "twitter/lisadebruine/tweet_activity_metrics_LisaDeBruine_20211201_20220101_en.csv"


def test_the_2021_per_tweet_export_gives_119_tweets_of_lisadebruine(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        "select count(*), count(distinct post_id) from marts.twitter_posts where account = 'lisadebruine'"
    ) == (119, 119)


def test_tweet_ids_stay_exact_19_digit_strings(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        "select count(*) from marts.twitter_posts "
        "where account = 'lisadebruine' and not regexp_full_match(post_id, '[0-9]{19}')"
    ) == (0,)
    assert samples_refresh.one(
        "select count(*) from marts.twitter_posts where post_id = '1476946213748543488'"
    ) == (1,)


def test_every_engagement_rate_equals_the_rate_x_wrote_in_the_export(samples_refresh: SamplesRefresh):
    pairs = samples_refresh.query(
        """
        select posts.post_id, posts.engagement_rate, cast(raw."engagement rate" as double)
        from marts.twitter_posts as posts
        inner join read_csv(?, all_varchar = true) as raw on raw."Tweet id" = posts.post_id
        """,
        [str(require_samples() / PER_TWEET)],
    )
    assert len(pairs) == 119
    for post_id, ours, theirs in pairs:
        assert ours == pytest.approx(theirs, abs=1e-9), post_id


def test_promoted_metrics_written_as_dash_are_null_not_zero(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        "select count(promoted_impressions) from marts.twitter_posts where account = 'lisadebruine'"
    ) == (0,)


def test_the_account_overview_named_with_its_owner_s_prefix_gives_271_days_of_kaiadevintern(
    samples_refresh: SamplesRefresh,
):
    assert samples_refresh.one(
        "select count(*), count(distinct date) from marts.twitter_account_daily "
        "where account = 'kaiadevintern'"
    ) == (271, 271)


def test_the_2026_content_export_gives_201_posts_on_23_days_with_x_s_own_totals(
    samples_refresh: SamplesRefresh,
):
    assert samples_refresh.one(
        """
        select count(*), count(distinct cast(posted_at_local as date)),
            min(cast(posted_at_local as date)), max(cast(posted_at_local as date))
        from marts.twitter_posts where account = 'solgab'
        """
    ) == (201, 23, *_days("2026-04-20", "2026-05-15"))
    assert samples_refresh.one(
        """
        select sum(impressions), sum(likes), sum(engagements), sum(replies), sum(retweets),
            sum(bookmarks), sum(shares), sum(follows), sum(profile_clicks), sum(detail_expands)
        from marts.twitter_posts where account = 'solgab'
        """
    ) == (38480, 1115, 2274, 227, 30, 5, 1, 29, 223, 356)


def test_the_2026_account_overview_gives_28_days_with_x_s_own_totals(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        "select count(*), min(date), max(date) from marts.twitter_account_daily where account = 'solgab'"
    ) == (28, *_days("2026-04-19", "2026-05-16"))
    assert samples_refresh.one(
        """
        select sum(impressions), sum(likes), sum(engagements), sum(new_followers), sum(unfollows),
            sum(replies), sum(retweets), sum(profile_clicks), sum(bookmarks), sum(shares),
            sum(posts_published)
        from marts.twitter_account_daily where account = 'solgab'
        """
    ) == (47027, 1302, 1797, 143, 28, 252, 41, 192, 5, 5, 17)


def _days(*iso: str) -> tuple:
    from datetime import date

    return tuple(date.fromisoformat(day) for day in iso)
