"""The real Facebook exports in ../shared/samples/facebook, through the marts: what EXPECTED.md
says each file must give."""

from __future__ import annotations

from datetime import date

from tests.conftest import SamplesRefresh

MH4U_POSTS = "facebook/MH4U/Dec-12-2023_Mar-06-2024_1032418178499222.csv"


def test_the_views_generation_posts_export_gives_81_posts_of_one_page(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        "select count(*), count(distinct post_id) from marts.facebook_posts where account = 'pc_merchandise'"
    ) == (81, 81)


def test_ids_written_with_a_leading_space_are_the_same_ids_without_it(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        "select count(*) from marts.facebook_posts where post_id <> trim(post_id)"
    ) == (0,)


def test_the_page_s_posts_and_its_daily_series_are_one_account(samples_refresh: SamplesRefresh):
    # The posts file names the Page `PC Merchandise`, the daily series names none: one account.
    assert samples_refresh.query(
        "select distinct account from marts.facebook_page_daily where account like 'pc%'"
    ) == [("pc_merchandise",)]
    assert samples_refresh.one(
        "select count(*) from marts.facebook_page_daily "
        "where account = 'pc_merchandise' and new_followers is not null"
    ) == (28,)


def test_the_impressions_generation_gives_41_posts_and_not_meta_s_3_error_rows(
    samples_refresh: SamplesRefresh,
):
    assert samples_refresh.one(
        """
        select count(*), count(distinct post_id), count(posted_at),
            strftime(min(posted_at_local), '%m/%d/%Y %H:%M'), strftime(max(posted_at_local), '%m/%d/%Y %H:%M')
        from marts.facebook_posts where account = 'mh4u'
        """
    ) == (41, 41, 41, "12/12/2023 01:12", "03/04/2024 08:03")
    assert sorted(
        samples_refresh.query(
            "select post_type, count(*) from marts.facebook_posts where account = 'mh4u' group by 1"
        )
    ) == [("Photo", 40), ("Text", 1)]


def test_meta_s_error_rows_are_noted_in_the_ledger_with_their_content_ids(samples_refresh: SamplesRefresh):
    status, reason, account = samples_refresh.ledger(MH4U_POSTS)
    assert (status, account) == ("loaded", "mh4u")
    assert "3" in reason and "error" in reason.lower()
    assert reason.count("ID") + reason.count("id") >= 1


def test_the_impressions_generation_totals_equal_the_export_s(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        """
        select sum(impressions), sum(reach), sum(reactions), sum(comments), sum(shares),
            sum(total_clicks), sum(link_clicks), count(link_clicks)
        from marts.facebook_posts where account = 'mh4u'
        """
    ) == (1237195, 958872, 22548, 992, 4648, 39560, 2974, 17)


def test_a_series_file_with_a_facebook_and_an_instagram_block_feeds_both_channels(
    samples_refresh: SamplesRefresh,
):
    assert samples_refresh.one(
        "select count(visits), sum(visits), min(date), max(date) from marts.facebook_page_daily "
        "where account = 'mh4u'"
    ) == (242, 81434, date(2023, 7, 8), date(2024, 3, 5))
    assert samples_refresh.one(
        "select count(profile_visits), sum(profile_visits), min(date), max(date) "
        "from marts.instagram_account_daily where account = 'mh4u'"
    ) == (242, 7101, date(2023, 7, 8), date(2024, 3, 5))
