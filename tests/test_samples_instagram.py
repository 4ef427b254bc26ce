"""The real Instagram exports in ../shared/samples/instagram, through the marts: what EXPECTED.md
says each file must give."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import SamplesRefresh

COLLABORATION_POST = "17956430532130456"


def test_the_posts_export_gives_20_posts_of_the_account_and_one_collaboration_kept_once(
    samples_refresh: SamplesRefresh,
):
    assert samples_refresh.one(
        "select count(*), count(distinct post_id) from marts.instagram_posts where account = 'elitravelguy'"
    ) == (21, 21)
    assert samples_refresh.query(
        "select post_id, author_account from marts.instagram_posts "
        "where account = 'elitravelguy' and is_collaboration"
    ) == [(COLLABORATION_POST, "caryjack")]
    assert samples_refresh.one("select count(*) from marts.instagram_posts where account = 'caryjack'") == (
        0,
    )


def test_the_account_s_own_20_posts_carry_meta_s_totals(samples_refresh: SamplesRefresh):
    own = "from marts.instagram_posts where account = 'elitravelguy' and not is_collaboration"
    assert samples_refresh.one(
        "select count(*), strftime(min(posted_at_local), '%m/%d/%Y %H:%M'), "
        f"strftime(max(posted_at_local), '%m/%d/%Y %H:%M') {own}"
    ) == (20, "05/26/2026 10:23", "06/21/2026 09:49")
    assert sorted(samples_refresh.query(f"select lower(post_type), count(*) {own} group by 1")) == [
        ("ig carousel", 5),
        ("ig image", 5),
        ("ig reel", 10),
    ]
    assert samples_refresh.one(
        "select sum(views), sum(reach), sum(likes), sum(comments), sum(shares), sum(saves), "
        f"sum(follows) {own}"
    ) == (537836, 408151, 30903, 1079, 4743, 3255, 525)


@pytest.mark.parametrize(
    ("column", "days", "first", "last", "total"),
    [
        ("new_followers", 20, date(2026, 5, 25), date(2026, 6, 13), 2736),
        ("reach", 28, date(2026, 5, 25), date(2026, 6, 21), 808076),
        ("views", 28, date(2026, 5, 25), date(2026, 6, 21), 1117725),
        ("profile_visits", 28, date(2026, 5, 25), date(2026, 6, 21), 7724),
        ("interactions", 28, date(2026, 5, 25), date(2026, 6, 21), 53288),
        ("link_clicks", 28, date(2026, 5, 25), date(2026, 6, 21), 9838),
    ],
)
def test_each_daily_series_lands_on_instagram_whatever_its_title_says(
    samples_refresh: SamplesRefresh, column: str, days: int, first: date, last: date, total: int
):
    where = f"where account = 'elitravelguy' and {column} is not null"
    assert samples_refresh.one(
        f"select count(*), min(date), max(date), sum({column}) from marts.instagram_account_daily {where}"
    ) == (days, first, last, total)


def test_bare_titled_instagram_series_put_nothing_on_facebook(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        "select count(*) from marts.facebook_page_daily where account = 'elitravelguy'"
    ) == (0,)
