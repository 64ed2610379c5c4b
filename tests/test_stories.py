"""Same article, same story: canonical URLs, fingerprints and near-duplicate headlines."""

from __future__ import annotations

import pytest

from monitor.models import Article
from monitor.sources.canonical import canonical_url
from monitor.stories import same_story, story_key


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.example.com/world/russia-sanctions",
        "http://example.com/world/russia-sanctions/",
        "https://example.com/world/russia-sanctions?utm_source=rss&utm_medium=feed",
        "https://example.com/world/russia-sanctions?fbclid=abc&gclid=def#comments",
        "https://m.example.com/world/russia-sanctions",
        "https://amp.example.com/world/russia-sanctions/amp/",
        "https://example.com/amp/world/russia-sanctions",
    ],
)
def test_url_variants_fold_to_one(variant: str) -> None:
    assert canonical_url(variant) == "example.com/world/russia-sanctions"


def test_meaningful_query_parameters_stay() -> None:
    assert canonical_url("https://example.com/a?id=7&utm_campaign=x") == "example.com/a?id=7"
    assert canonical_url("https://example.com/a?id=7") != canonical_url(
        "https://example.com/a?id=8"
    )


BASE = story_key(
    Article(
        "1",
        "Russia and Iran agree to jointly fight US sanctions",
        "MOSCOW - Russia and Iran signed a declaration on Tuesday on ways to counter the "
        "negative effects of unilateral US sanctions, the foreign ministers said.",
    )
)


@pytest.mark.parametrize(
    "title",
    [
        "Russia, Iran agree to fight U.S. sanctions together",
        "Russia and Iran agree to jointly fight US sanctions - Republika",
        "RUSSIA AND IRAN AGREE TO JOINTLY FIGHT US SANCTIONS",
    ],
)
def test_another_outlets_copy_is_the_same_story(title: str) -> None:
    assert same_story(story_key(Article("2", title, "")), [(7, BASE)]) == 7


def test_wire_copy_under_another_headline_is_the_same_story() -> None:
    copy = Article(
        "3",
        "Moscow, Tehran sign declaration",
        "MOSCOW - Russia and Iran signed a declaration on Tuesday on ways to counter the "
        "negative effects of unilateral US sanctions, the foreign ministers said.",
    )
    assert same_story(story_key(copy), [(7, BASE)]) == 7


@pytest.mark.parametrize(
    "title",
    ["EU extends sanctions on Belarus", "US sanctions Venezuelan oil officials", "Iran wins 2-1"],
)
def test_other_news_is_a_new_story(title: str) -> None:
    assert same_story(story_key(Article("4", title, "Other text entirely.")), [(7, BASE)]) is None


def test_fingerprint_ignores_case_and_punctuation_only() -> None:
    a = story_key(Article("1", "Russia: new sanctions", "Text."))
    b = story_key(Article("2", "RUSSIA - New Sanctions!", "text"))
    c = story_key(Article("3", "Russia: new sanctions", "Other text."))
    assert a.fingerprint == b.fingerprint != c.fingerprint
