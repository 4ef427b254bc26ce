"""The real YouTube Studio exports in ../shared/samples/youtube (English and German UI), through
the marts: what EXPECTED.md says each file must give."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import SamplesRefresh


def test_the_content_table_gives_442_videos_and_its_total_row_is_not_a_video(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        "select count(*), count(distinct post_id), sum(subscribers_net) "
        "from marts.youtube_videos where account = 'sample_channel'"
    ) == (442, 442, 97)


def test_studio_s_total_counts_views_the_table_does_not_list(samples_refresh: SamplesRefresh):
    total, listed = samples_refresh.one(
        "select sum(views) filter (where is_total_row), sum(views) filter (where not is_total_row) "
        "from staging.stg_youtube__video_rows where account = 'sample_channel'"
    )
    assert (total, listed) == (181588, 153235)


def test_the_chart_export_gives_1825_video_days(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        "select count(*) from raw_youtube.video_daily where _account = 'sample_channel'"
    ) == (1825,)


def test_the_german_content_table_gives_500_videos_without_its_gesamt_and_trailer_rows(
    samples_refresh: SamplesRefresh,
):
    assert samples_refresh.one(
        """
        select count(*), count(distinct post_id), count(*) filter (where post_id <> trim(post_id)),
            count(*) - count(posted_at),
            min(cast(posted_at_local as date)), max(cast(posted_at_local as date))
        from marts.youtube_videos where account = 'weima'
        """
    ) == (500, 500, 0, 17, date(2011, 3, 10), date(2020, 12, 24))
    # EXPECTED.md counts 18 rows with an empty publish time: the `Gesamt` row is the 18th.


def test_the_german_content_table_totals_equal_studio_s(samples_refresh: SamplesRefresh):
    views, hours, subscribers, negative, impressions = samples_refresh.one(
        """
        select sum(views), sum(watch_time_hours), sum(subscribers_net),
            count(*) filter (where subscribers_net < 0), sum(impressions)
        from marts.youtube_videos where account = 'weima'
        """
    )
    assert (views, subscribers, negative, impressions) == (401812, 747, 12, 3616943)
    assert hours == pytest.approx(7713.3874, abs=1e-6)
    assert samples_refresh.one(
        "select sum(views), sum(subscribers_net) from staging.stg_youtube__video_rows "
        "where account = 'weima' and is_total_row"
    ) == (405712, 730)


def test_the_german_totals_give_366_days_that_add_up_to_the_gesamt_row(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        "select count(*), min(date), max(date), sum(views) from marts.youtube_channel_daily "
        "where account = 'weima'"
    ) == (366, date(2020, 1, 1), date(2020, 12, 31), 405712)
