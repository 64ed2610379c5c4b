"""Rules combine hits: all / any / none, fields, scores, distinct entries and proximity."""

from __future__ import annotations

from monitor.models import Article
from tests.conftest import pipeline_from

WATCHLISTS = """
watchlists:
  countries:
    entries:
      - name: Russia
        aliases: [Russian, Moscow]
      - name: Iran
      - name: Venezuela
  terms:
    fuzzy: false
    entries:
      - name: sanctions
        aliases: ["sanction*"]
      - name: embargo
  sport:
    entries:
      - name: FIFA
"""


def fired(rules: str, title: str = "", body: str = "") -> dict[str, str]:
    pipeline = pipeline_from(WATCHLISTS + "rules:\n" + rules)
    result = pipeline.match(Article("a", title, body))
    return {r.rule: r.reason for r in result.rules if r.fired}


def test_all_needs_every_condition() -> None:
    rule = "  - name: r\n    all: [{watchlist: countries}, {watchlist: terms}]\n"
    assert "r" in fired(rule, "EU sanctions on Russia")
    assert "r" not in fired(rule, "Russia wins the cup")


def test_any_needs_one_condition() -> None:
    rule = "  - name: r\n    any: [{watchlist: terms}, {watchlist: sport}]\n"
    assert "r" in fired(rule, "FIFA meets")
    assert "r" not in fired(rule, "Russia wins the cup")


def test_none_vetoes_and_says_why() -> None:
    pipeline = pipeline_from(
        WATCHLISTS + "rules:\n  - name: r\n    all: [{watchlist: countries}, {watchlist: terms}]\n"
        "    none: [{watchlist: sport}]\n"
    )
    result = pipeline.match(Article("a", "FIFA sanctions Iran federation"))
    [rule] = result.rules
    assert not rule.fired
    assert rule.reason == "vetoed by sport (FIFA)"


def test_fields_limit_where_a_condition_looks() -> None:
    rule = "  - name: r\n    all: [{watchlist: countries, fields: [title]}, {watchlist: terms}]\n"
    assert "r" in fired(rule, "Russia", "New sanctions announced.")
    assert "r" not in fired(rule, "Markets", "New sanctions on Russia announced.")


def test_min_count_counts_distinct_entries() -> None:
    rule = "  - name: r\n    all: [{watchlist: countries, min_count: 2}]\n"
    assert "r" in fired(rule, "Russia and Iran")
    assert "r" not in fired(rule, "Russia, Moscow and the Russian people")


def test_entries_limit_a_condition_to_some_entries() -> None:
    rule = (
        "  - name: r\n    all: [{watchlist: countries, entries: [Venezuela]}, {watchlist: terms}]\n"
    )
    assert "r" in fired(rule, "Venezuela sanctions")
    assert "r" not in fired(rule, "Iran sanctions")


def test_min_score_drops_fuzzy_hits() -> None:
    strict = "  - name: r\n    all: [{watchlist: countries}]\n    min_score: 95\n"
    loose = "  - name: r\n    all: [{watchlist: countries}]\n    min_score: 80\n"
    assert "r" not in fired(strict, "Venezuala")  # one typo in nine letters scores 88.9
    assert "r" in fired(loose, "Venezuala")


def test_within_sentence() -> None:
    """The `all` hits must share a sentence; an abbreviation's period does not end one."""
    rule = (
        "  - name: r\n    all: [{watchlist: countries}, {watchlist: terms}]\n    within: sentence\n"
    )
    assert "r" in fired(rule, "", "Russia faces U.S. Treasury sanctions. Markets fell.")
    assert "r" in fired(rule, "", "Russia: the 15. sanctions package is out.")
    assert "r" not in fired(
        rule, "", "Russia held a parade. Elsewhere, a judge sanctioned a lawyer."
    )
    assert "r" not in fired(rule, "Russia held a parade", "A judge sanctioned a lawyer.")


def test_within_words() -> None:
    rule = "  - name: r\n    all: [{watchlist: terms}, {watchlist: countries}]\n    within: 5\n"
    assert "r" in fired(rule, "", "New sanctions were imposed on Iran")
    far = "The sanctions " + "word " * 10 + "Iran"
    assert "r" not in fired(rule, "", far)


def test_reason_names_what_was_found() -> None:
    rule = "  - name: r\n    all: [{watchlist: countries}, {watchlist: terms}]\n"
    assert fired(rule, "Russian embargo") == {"r": "countries: Russia (Russian); terms: embargo"}
