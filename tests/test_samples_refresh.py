"""The whole real samples folder (../shared/samples), refreshed at once as a user would drop it:
every export lands, on the account its folder names, and the night publishes."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SamplesRefresh, require_samples

ACCOUNTS = {
    "twitter": {"lisadebruine", "kaiadevintern", "solgab"},
    "facebook": {"pc_merchandise", "mh4u"},
    "instagram": {"elitravelguy", "mh4u"},
    "linkedin": {"ethioware"},
    "youtube": {"sample_channel", "weima"},
}


def test_a_refresh_of_the_whole_samples_folder_exits_0_and_publishes(samples_refresh: SamplesRefresh):
    result = samples_refresh.result
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert samples_refresh.settings.published_marts.is_file()


def test_every_real_export_loads_and_the_notes_file_is_not_a_refused_export(samples_refresh: SamplesRefresh):
    exports = sorted(
        str(path.relative_to(require_samples()))
        for path in require_samples().rglob("*")
        if path.is_file() and path.name != "EXPECTED.md"
    )
    statuses = dict(samples_refresh.query("select relative_path, status from raw_ledger.export_files"))
    assert {path: statuses.get(path) for path in exports} == dict.fromkeys(exports, "loaded")
    assert statuses.get("EXPECTED.md") is None


def test_every_file_belongs_to_the_account_its_folder_names(samples_refresh: SamplesRefresh):
    ledgered = samples_refresh.query(
        "select relative_path, account from raw_ledger.export_files where status = 'loaded'"
    )
    for path, account in ledgered:
        assert account == Path(path).parent.name.lower(), path


def test_the_marts_hold_exactly_the_accounts_of_the_sample_folders(samples_refresh: SamplesRefresh):
    marts = {
        "twitter": ("twitter_posts", "twitter_account_daily"),
        "facebook": ("facebook_posts", "facebook_page_daily"),
        "instagram": ("instagram_posts", "instagram_account_daily"),
        "linkedin": ("linkedin_posts", "linkedin_page_daily"),
        "youtube": ("youtube_videos", "youtube_channel_daily"),
    }
    for channel, names in marts.items():
        union = " union ".join(f"select distinct channel, account from marts.{name}" for name in names)
        found = samples_refresh.query(f"select distinct channel, account from ({union})")
        assert {channel for channel, _ in found} == {channel}
        assert {account for _, account in found} == ACCOUNTS[channel], channel
