"""The default rules.yaml on real and written news in every supported language."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from bench.official_lists import official_lists
from monitor.config import load_config
from monitor.config.builtin import language_codes
from monitor.events import ACTS_FOR
from monitor.models import Article
from monitor.pipeline import Pipeline
from tests.conftest import ROOT, seed_article
from tests.devset import devset
from tests.shared import shared_path
from tests.written import written_cases

CASES = written_cases()
COUNTRIES = {"Russia", "Iran", "North Korea", "Syria", "Venezuela", "Cuba", "Belarus", "Myanmar"}
LANGUAGES = language_codes()  # every built-in language has its written cases


def test_the_founding_article_raises_one_alert(default_pipeline: Pipeline) -> None:
    """Republika's "Rusia dan Iran Sepakat Lawan Sanksi AS": one rule fires, and its hits name
    Russia, Iran and the United States and a sanctions term."""
    result = default_pipeline.match(seed_article())
    assert result.fired == ("sanctions-country",)
    found = {(h.watchlist, h.entry) for h in result.hits}
    assert {("countries", "Russia"), ("countries", "Iran")} <= found
    assert ("sanctioning_actors", "United States") in found
    assert any(w == "sanctions_terms" for w, _ in found)
    title_hits = {h.text for h in result.hits if h.field == "title"}
    assert {"Rusia", "Iran", "Sanksi", "AS"} <= title_hits
    # What happened: Russia and Iran agree to answer the United States' sanctions together.
    event = result.events[0]
    assert (event.type, event.imposers, event.targets) == (
        "countered",
        ("Russia", "Iran"),
        ("United States",),
    )
    assert event.field == "title" and event.text == "Lawan Sanksi"


def test_the_founding_article_without_its_language_still_alerts(default_pipeline: Pipeline) -> None:
    seed = seed_article()
    result = default_pipeline.match(Article("seed", seed.title, seed.body))
    assert result.fired == ("sanctions-country",)
    assert "United States" in {h.entry for h in result.hits}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_positives_and_hard_negatives(lang: str) -> None:
    own = [c for c in CASES if c["lang"] == lang]
    assert sum(1 for c in own if c["alert"]) >= 3, f"{lang}: fewer than 3 positives"
    assert sum(1 for c in own if not c["alert"]) >= 2, f"{lang}: fewer than 2 hard negatives"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_language_case(default_pipeline: Pipeline, case: dict[str, object]) -> None:
    """Positives alert and name the countries and actors they mention; hard negatives do not."""
    article = Article(
        str(case["id"]), str(case["title"]), str(case.get("body") or ""), lang=str(case["lang"])
    )
    result = default_pipeline.match(article)
    found = {h.entry for h in result.hits}
    if case["alert"]:
        assert result.fired, f"no alert; hits: {sorted(found)}; {[r.reason for r in result.rules]}"
        expected = set(case.get("entries") or [])  # type: ignore[call-overload]
        named = expected & (
            COUNTRIES | {"United States", "European Union", "United Kingdom", "United Nations"}
        )
        # The Commission, OFAC, the Treasury: named as the body they act for.
        assert named <= found | {ACTS_FOR.get(e, e) for e in found}
    else:
        assert not result.fired, (
            f"alert on a negative ({case.get('why')}): {result.rules[0].reason}"
        )


@cache
def with_lists() -> Pipeline:
    """The default rules with real official lists in their imported watchlists: the OFAC SDN
    list of January 2019 and the UN list of February 2026 (the EU and UK ones stay empty)."""
    return Pipeline(load_config(ROOT / "rules.yaml"), official_lists(shared_path("lists")))


def test_the_founding_article_raises_one_alert_with_the_official_lists_imported() -> None:
    result = with_lists().match(seed_article())
    assert result.fired == ("sanctions-country",)
    assert len(with_lists().matcher.aliases) > 30_000  # the lists are really there


@pytest.mark.parametrize("lists", [False, True], ids=["rules", "rules+lists"])
def test_precision_and_recall_on_real_articles(
    default_pipeline: Pipeline, lists: bool, shared_file: Callable[[str], Path]
) -> None:
    """Real multilingual news (the dev set: our labels, the texts of ../shared), labelled by hand: the default rules'
    recall and precision stay at the level measured when the rules were written, with the
    official lists imported too. Digest rules (a listed name in a headline) are not alerts."""
    pipeline = with_lists() if lists else default_pipeline
    digests = {rule.name for rule in pipeline.config.rules if rule.digest}
    tp = fp = fn = 0
    for record in devset(shared_file("feeds")):
        article = Article(
            str(record["id"]), str(record["title"]), str(record["body"]), lang=str(record["lang"])
        )
        alert = any(r.fired for r in pipeline.match(article).rules if r.rule not in digests)
        tp += alert and bool(record["label"])
        fp += alert and not record["label"]
        fn += not alert and bool(record["label"])
    recall, precision = tp / (tp + fn), tp / (tp + fp)
    assert recall >= RECALL_FLOOR and precision >= PRECISION_FLOOR, (recall, precision)


# Measured when the rules were written: 5 of the 6 real positives (the sixth only implies
# sanctions: "measures it refrained from before"), no alert on the 363 real negatives.
RECALL_FLOOR = 0.8
PRECISION_FLOOR = 1.0


@pytest.mark.parametrize(
    ("title", "body", "rule"),
    [
        ("OFAC designates Mahan Air and two of its agents", "", "sanctioned-name"),
        ("OFAC designates Mahan Air over flights to Caracas", "", "sanctions-country"),
        ("The EU sanctioned the Wagner group again on Monday", "", "sanctioned-name"),
        ("Kim Jong Un inspects a new missile plant", "", "sanctioned-name-in-headline"),
        (
            "Weekly roundup",
            "On Tuesday Alexander Lukashenko received the governor in Minsk.",
            "sanctioned-name-with-country",
        ),
        ("New US sanctions on Russia name Kim Jong Un's suppliers", "", "sanctions-country"),
    ],
)
def test_the_default_list_rules(title: str, body: str, rule: str) -> None:
    """With the official lists imported: a listed name beside a sanctions term is an alert of its
    own; a listed name in a headline, or beside a watchlist country, goes to an hourly digest; a
    story that is already a country alert is not told twice."""
    result = with_lists().match(Article("a", title, body, lang="en"))
    assert result.fired == (rule,), [r.reason for r in result.rules]
