"""Recognising export shapes from their headers, as declared in pipelines/formats."""

from __future__ import annotations

import pytest
import yaml

from pipelines.errors import QUARANTINED, UNRECOGNISED, UnreadableExport
from pipelines.formats import ALL_FORMATS, normalize_header
from pipelines.recognise import recognise
from socialkpi.demo.twitter import (
    GEN_B_DAILY_HEADER,
    GEN_B_TWEET_HEADER,
    X_CONTENT_HEADER_2025,
    X_OVERVIEW_HEADER,
)
from tests.conftest import REPO

X_CONTENT_2026 = (
    "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,"
    "Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks"
).split(",")


def test_header_normalisation_ignores_case_soft_hyphens_math_bold_and_curly_apostrophes():
    assert normalize_header("  Tweet\u00ad id ") == "tweet id"
    assert normalize_header("𝐋𝐢𝐤𝐞𝐬") == "likes"
    assert normalize_header("J’aime") == normalize_header("j'aime")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (GEN_B_TWEET_HEADER, "twitter.tweet_activity.gen_b"),
        ([h.replace("likes", "favorites") for h in GEN_B_TWEET_HEADER], "twitter.tweet_activity.gen_a"),
        (GEN_B_DAILY_HEADER, "twitter.daily_activity.gen_b"),
        ([h.replace("likes", "favorites") for h in GEN_B_DAILY_HEADER], "twitter.daily_activity.gen_a"),
        (X_CONTENT_HEADER_2025, "twitter.x_content"),
        (X_CONTENT_2026, "twitter.x_content"),
        (X_OVERVIEW_HEADER, "twitter.x_account_overview"),
    ],
)
def test_every_x_shape_is_recognised_from_its_header_alone(header, expected):
    assert recognise(tuple(header)).format.name == expected


def test_a_french_per_tweet_header_maps_to_the_same_canonical_columns_and_says_french():
    english = recognise(tuple(GEN_B_TWEET_HEADER))
    french = recognise(
        (
            "Identifiant du Tweet",
            "Permalien du Tweet",
            "Texte du Tweet",
            "heure",
            "impressions",
            "engagements",
            "taux d'engagement",
            "Retweets",
            "réponses",
            "J'aime",
        )
    )
    assert french.format.name == english.format.name
    assert french.column_names == english.column_names[:10]
    assert french.language == "fr"
    assert english.language == "en"


def test_reordered_columns_map_by_name_not_position():
    header = tuple(reversed(X_OVERVIEW_HEADER))
    recognition = recognise(header)
    assert recognition.column_names[header.index("Unfollows")] == "unfollows"
    assert recognition.column_names[header.index("Date")] == "date"


def test_unknown_extra_columns_are_kept_under_their_own_name():
    recognition = recognise((*X_OVERVIEW_HEADER, "Community notes"))
    assert recognition.column_names[-1] == "extra_community_notes"
    assert recognition.unknown_headers == ("Community notes",)


def test_a_known_shape_missing_a_required_column_is_quarantined_naming_the_column():
    header = tuple(h for h in GEN_B_TWEET_HEADER if h != "impressions")
    with pytest.raises(UnreadableExport) as refusal:
        recognise(header)
    assert refusal.value.status == QUARANTINED
    assert "impressions" in refusal.value.reason


def test_a_header_no_declaration_knows_is_unrecognised_and_shown_to_the_user():
    with pytest.raises(UnreadableExport) as refusal:
        recognise(("Name", "Email", "Signup date"))
    assert refusal.value.status == UNRECOGNISED
    assert "Name, Email, Signup date" in refusal.value.reason


def test_every_date_style_a_reader_accepts_is_one_dbt_staging_can_parse():
    dbt_vars = yaml.safe_load((REPO / "dbt_project" / "dbt_project.yml").read_text())["vars"]
    dbt_styles = set(dbt_vars["timestamp_styles_with_zone"]) | set(dbt_vars["timestamp_styles_local"])
    # Styles without a year ("August 19") get their year in their own staging model.
    declared = {style for fmt in ALL_FORMATS for style in fmt.timestamp_styles if "%Y" in style}
    assert declared <= dbt_styles


def test_every_null_token_a_reader_accepts_is_one_dbt_staging_turns_into_null():
    dbt_vars = yaml.safe_load((REPO / "dbt_project" / "dbt_project.yml").read_text())["vars"]
    declared = {token for fmt in ALL_FORMATS for token in fmt.null_tokens}
    assert declared <= set(dbt_vars["null_tokens"])
