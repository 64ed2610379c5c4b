"""The matcher finds aliases as words in any script, tolerates inflection and typos where that is
safe, and keeps short and ambiguous aliases precise."""

from __future__ import annotations

import pytest

from monitor.models import Article
from tests.conftest import entries, pipeline_from

CONFIG = """
watchlists:
  countries:
    entries:
      - name: Russia
        aliases: [Rusia, Russian, "Росси*", "Росі*", روسيا, 俄罗斯, 러시아, "Rusya*",
                  {text: Nga, case: true, langs: [vi]}]
        exclude: [Russian salad, Russian dressing]
      - name: Iran
        aliases: [ایران, إيران, 伊朗, 이란, Iranian]
      - name: Venezuela
      - name: North Korea
        aliases: [북한, 北朝鮮, DPRK]
      - name: Cuba
        exclude: ["Cuba, Missouri"]
  actors:
    entries:
      - name: United States
        aliases: [Amerika Serikat, {text: AS, case: true, langs: [id, ms]}, {text: US, case: true},
                  {text: U.S., case: true}]
      - name: Nicolas Maduro
        aliases: [Maduro Moros]
  terms:
    fuzzy: false
    entries:
      - name: sanctions
        aliases: ["sanksi*", "*sanksi", "санкци*", "sanction*", 制裁, 제재, عقوبات, العقوبات, تحریم,
                  "yaptırım*", "Sanktion*"]
  codes:
    entries:
      - name: vessel
        aliases: [{regex: "IMO ?\\\\d{7}"}]
rules:
  - name: r
    all: [{watchlist: countries}]
"""


@pytest.fixture(scope="module")
def pipeline():  # type: ignore[no-untyped-def]
    return pipeline_from(CONFIG)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Санкции против России", {"Russia", "sanctions"}),  # Russian cases
        ("Санкции против Россией и Российской Федерации", {"Russia", "sanctions"}),
        ("العقوبات الأمريكية على إيران وروسيا", {"Iran", "Russia", "sanctions"}),  # clitic و
        ("بروسيا وللعقوبات", {"Russia", "sanctions"}),  # clitics ب and ول + ال
        ("تحریم‌های آمریکا علیه ایران", {"Iran", "sanctions"}),  # ZWNJ plural
        ("美国宣布对伊朗实施新制裁", {"Iran", "sanctions"}),  # no spaces
        ("북한에 대한 제재를 러시아는", {"North Korea", "sanctions", "Russia"}),  # particles
        ("ABD Rusya'ya yaptırımları genişletti", {"Russia", "sanctions"}),  # Turkish suffixes
        ("Rusia disanksi, sanksinya berat", {"Russia", "sanctions"}),  # Indonesian affixes
    ],
)
def test_inflected_and_unspaced_forms(pipeline, text: str, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    assert entries(pipeline, text) == expected


def test_whole_words_only(pipeline) -> None:  # type: ignore[no-untyped-def]
    """An alias inside another word is not a hit: Cuba in Cubatão, Iran in Iranuk."""
    assert entries(pipeline, "Cubatão and Iranuk and sanctionsless") == {"sanctions"}


def test_iran_is_not_iraq(pipeline) -> None:  # type: ignore[no-untyped-def]
    """Short names are matched exactly, never within an edit."""
    assert entries(pipeline, "Iraq and Irán") == set() or entries(pipeline, "Iraq") == set()
    assert entries(pipeline, "Iraq") == set()


def test_typos_in_long_names_are_tolerated_with_a_lower_score(pipeline) -> None:  # type: ignore[no-untyped-def]
    hits = pipeline.matcher.find(Article("t", "Venezuala and Nicolas Madura"))
    by_entry = {h.entry: h for h in hits}
    assert by_entry["Venezuela"].text == "Venezuala"
    assert 80 <= by_entry["Venezuela"].score < 100
    assert by_entry["Nicolas Maduro"].text == "Nicolas Madura"
    assert entries(pipeline, "Zenezuela") == set()  # a different first letter is another word


def test_case_sensitive_acronyms(pipeline) -> None:  # type: ignore[no-untyped-def]
    """US, U.S. and AS are the United States only in capitals; "us" is a pronoun."""
    assert entries(pipeline, "Tell us what you think") == set()
    assert entries(pipeline, "US and EU officials") == {"United States"}
    assert entries(pipeline, "U.S. officials") == {"United States"}
    assert entries(pipeline, "Sanksi AS terhadap Rusia", lang="id") == {
        "United States",
        "sanctions",
        "Russia",
    }


def test_language_limited_alias(pipeline) -> None:  # type: ignore[no-untyped-def]
    """Indonesian AS counts in Indonesian, not in English; Vietnamese Nga only in Vietnamese."""
    assert "United States" not in entries(pipeline, "AS Roma beat Lazio", lang="en")
    assert "Russia" in entries(pipeline, "Mỹ trừng phạt Nga", lang="vi")
    assert "Russia" not in entries(pipeline, "Nga Ting wins gold", lang="en")
    # Without a language given, it is detected from the text.
    assert "United States" in entries(
        pipeline,
        "Rusia dan Iran sepakat lawan sanksi AS",
        "Hingga kini AS memberlakukan sanksi yang berat dan itu untuk kami",
    )


def test_exclusion_phrases_veto_their_entry_only(pipeline) -> None:  # type: ignore[no-untyped-def]
    assert entries(pipeline, "How to make Russian salad at home") == set()
    assert entries(pipeline, "Russian salad served as Russian troops advance") == {"Russia"}
    assert entries(pipeline, "Police in Cuba, Missouri, said") == set()


def test_regex_alias(pipeline) -> None:  # type: ignore[no-untyped-def]
    assert entries(pipeline, "the tanker (IMO 9123456) was seized") == {"vessel"}


def test_hit_reports_original_span_and_alias(pipeline) -> None:  # type: ignore[no-untyped-def]
    """Each hit carries watchlist, entry, alias, the text seen, field, span and score."""
    body = "Die Straße führt nach Россией. Sanktionen folgen."
    hits = pipeline.matcher.find(Article("t", "", body))
    russia = next(h for h in hits if h.entry == "Russia")
    assert (russia.watchlist, russia.alias, russia.field) == ("countries", "Росси*", "body")
    assert body[russia.start : russia.end] == russia.text == "Россией"
    assert russia.score == 100


def test_longer_alias_wins_overlap(pipeline) -> None:  # type: ignore[no-untyped-def]
    """ "Maduro Moros" inside a name is one hit, not two overlapping ones of the same watchlist."""
    hits = [
        h
        for h in pipeline.matcher.find(Article("t", "Nicolas Maduro Moros"))
        if h.watchlist == "actors"
    ]
    assert len(hits) == 1


def test_a_regex_alias_that_backtracks_without_end_gives_up_and_the_rest_is_found(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`(a|aa)*$` passes `check` (no repetition inside a repetition) but takes exponential time
    on a run of a's: its search gives up after a quarter of a second, is logged, and the
    article's other hits are still found (unbounded, this text would take hours)."""
    import time

    pipeline = pipeline_from(
        """
        watchlists:
          w:
            entries:
              - {name: slow, aliases: [{regex: '(a|aa)*$'}]}
              - {name: Iran, aliases: [Iran]}
        rules:
          - {name: r, all: [{watchlist: w}]}
        """
    )
    started = time.monotonic()
    found = entries(pipeline, "Iran " + "a" * 60 + "x")
    assert time.monotonic() - started < 10
    assert found == {"Iran"}
    assert "regex alias '(a|aa)*$' of slow gave up on a text" in caplog.text


def test_an_exclude_written_as_a_stem_covers_the_whole_word_it_begins() -> None:
    """`exclude: ["irány*"]` vetoes the hits of `Iran*` in irányelv and irányítás, as a stem
    alias's hit covers its whole word; Irán itself is still found."""
    pipeline = pipeline_from(
        """
        watchlists:
          countries:
            entries:
              - name: Iran
                aliases: [{text: "Iran*", exact: true}]
                exclude: ["irány*"]
        rules: [{name: r, all: [{watchlist: countries}]}]
        """
    )
    hits = pipeline.match(Article("a", "Az irányelv és az irányítás", "Irán és Irániak")).hits
    assert [h.text for h in hits] == ["Irán", "Irániak"]


def test_a_case_sensitive_stem_keeps_its_case_on_the_letters_it_has() -> None:
    """`{text: "Ağ Ev*", case: true}` finds "Ağ Evin" (the White House's), not "ağ evin" (a
    net's house): a case-sensitive alias may be a stem."""
    pipeline = pipeline_from(
        """
        watchlists:
          actors:
            entries:
              - name: United States
                aliases: [{text: "Ağ Ev*", case: true}]
        rules: [{name: r, all: [{watchlist: actors}]}]
        """
    )
    found = pipeline.match(Article("a", "Ağ Evin açıklaması", "bir ağ evin içinde")).hits
    assert [(h.field, h.text) for h in found] == [("title", "Ağ Evin")]
