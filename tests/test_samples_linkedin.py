"""The real LinkedIn export in ../shared/samples/linkedin (a renamed BIFF8 `.xls`), through the
marts: what EXPECTED.md says it must give, negative daily values (net removals) included."""

from __future__ import annotations

from datetime import date

from tests.conftest import SamplesRefresh

RENAMED_XLS = "linkedin/ethioware/Linkedin 1 year stat.xls"


def test_the_renamed_content_export_loads_on_its_folder_s_account(samples_refresh: SamplesRefresh):
    status, _reason, account = samples_refresh.ledger(RENAMED_XLS)
    assert (status, account) == ("loaded", "ethioware")


def test_the_metrics_sheet_gives_365_days_with_linkedin_s_own_totals(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        """
        select count(*), min(date), max(date), sum(impressions), sum(clicks), sum(reactions),
            sum(comments), sum(reposts)
        from marts.linkedin_page_daily where account = 'ethioware' and impressions is not null
        """
    ) == (365, date(2024, 7, 30), date(2025, 7, 29), 50998, 6908, 723, 183, 30)


def test_negative_daily_values_linkedin_writes_are_kept_as_net_removals(samples_refresh: SamplesRefresh):
    daily = "from marts.linkedin_page_daily where account = 'ethioware'"
    assert samples_refresh.one(
        f"select count(*) filter (where reactions < 0), count(*) filter (where comments < 0), "
        f"count(*) filter (where reposts < 0) {daily}"
    ) == (6, 6, 2)
    assert samples_refresh.one(f"select date, reactions {daily} and reactions < 0 order by date limit 1") == (
        date(2024, 8, 7),
        -7,
    )


def test_linkedin_s_own_engagement_rate_above_1_is_flagged_not_refused(samples_refresh: SamplesRefresh):
    (flagged_days,) = samples_refresh.one(
        "select count(distinct date) from marts.data_quality "
        "where channel = 'linkedin' and account = 'ethioware' and post_id is null and value > 1"
    )
    assert flagged_days == 2


def test_the_all_posts_sheet_gives_53_organic_posts_with_linkedin_s_totals(samples_refresh: SamplesRefresh):
    assert samples_refresh.one(
        """
        select count(*), count(distinct post_id), min(cast(posted_at as date)), max(cast(posted_at as date)),
            sum(impressions), sum(clicks), sum(likes), sum(comments), sum(shares)
        from marts.linkedin_posts where account = 'ethioware'
        """
    ) == (53, 53, date(2024, 8, 7), date(2025, 7, 28), 48922, 6772, 677, 172, 89)
