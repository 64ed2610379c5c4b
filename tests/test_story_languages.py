"""One alert per story across languages and outlets: copies join the story by its event."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.models import Article, Event
from monitor.stories import StoryEvent, headline_numbers, story_event
from tests.conftest import run_cli
from tests.feedserver import FeedServer, feed_server
from tests.test_daemon import rules_file
from tests.test_polling import rss

__all__ = ["feed_server"]

# One decision, told by five outlets in five languages (written by us).
STORY = [
    (
        "en",
        "EU adopts 14th package of sanctions against Russia",
        "The European Union on Monday adopted its fourteenth package of sanctions against "
        "Russia over the war, aimed at gas shipments and the shadow fleet.",
    ),
    (
        "fr",
        "L'UE adopte un 14e paquet de sanctions contre la Russie",
        "Les Vingt-Sept ont adopté lundi un quatorzième paquet de sanctions contre la Russie, "
        "qui vise le gaz naturel liquéfié et la flotte fantôme.",
    ),
    (
        "de",
        "EU beschließt 14. Sanktionspaket gegen Russland",
        "Die Europäische Union hat am Montag ihr vierzehntes Sanktionspaket gegen Russland "
        "beschlossen, das sich gegen Flüssiggas und die Schattenflotte richtet.",
    ),
    (
        "es",
        "La UE aprueba el 14º paquete de sanciones contra Rusia",
        "La Unión Europea aprobó el lunes su decimocuarto paquete de sanciones contra Rusia, "
        "dirigido al gas natural licuado y a la flota fantasma.",
    ),
    (
        "id",
        "Uni Eropa Adopsi Paket Sanksi ke-14 terhadap Rusia",
        "Uni Eropa pada Senin mengadopsi paket sanksi ke-14 terhadap Rusia yang menyasar gas "
        "alam cair dan armada bayangan.",
    ),
]
# The same week, other stories: the next package proposed, and another imposer.
DISTRACTORS = [
    (
        "en",
        "EU proposes 15th sanctions package against Russia",
        "The European Commission proposed a fifteenth package of sanctions against Russia on "
        "Friday; member states will discuss it next month.",
    ),
    (
        "en",
        "UK imposes new sanctions on Russia over shadow fleet",
        "Britain on Tuesday imposed sanctions on Russia's shadow fleet of oil tankers.",
    ),
]


def test_one_story_in_five_languages_is_one_alert_with_five_copies(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    sources = ""
    for i, (lang, title, body) in enumerate(STORY + DISTRACTORS):
        url = feed_server.route(
            f"/f{i}.xml", rss((f"g{i}", title, f"http://127.0.0.1/a/{i}", body), lang=lang)
        )
        sources += f"  - {{name: outlet-{i}, url: '{url}', fetch_body: false}}\n"
    rules = tmp_path / "rules.yaml"
    rules_file(rules, sources)
    state = tmp_path / "state"
    once = run_cli("once", "--rules", str(rules), "--state", str(state))
    assert once.returncode == 0, once.stderr
    shown = run_cli("alerts", "--json", "--rules", str(rules), "--state", str(state))
    records = [json.loads(line) for line in shown.stdout.splitlines()]
    assert len(records) == 3, [r["story"]["copies"] for r in records]
    by_size = sorted(records, key=lambda r: len(r["story"]["copies"]))
    story = by_size[-1]
    assert {c["lang"] for c in story["story"]["copies"]} == {"en", "fr", "de", "es", "id"}
    assert {c["source"] for c in story["story"]["copies"]} == {f"outlet-{i}" for i in range(5)}
    assert (story["event"]["type"], story["event"]["imposers"]) == ("imposed", ["European Union"])
    alone = {r["story"]["copies"][0]["title"] for r in by_size[:-1]}
    assert alone == {title for _, title, _ in DISTRACTORS}
    person = run_cli("alerts", "--rules", str(rules), "--state", str(state))
    assert "5 copies (outlet-0, outlet-1, outlet-2, outlet-3, outlet-4)" in person.stdout
    assert "also reported by 4 outlets in 5 languages" in person.stdout
    # A later poll, or another outlet's copy tomorrow, raises nothing more.
    again = run_cli("once", "--rules", str(rules), "--state", str(state))
    assert again.returncode == 0, again.stderr
    shown = run_cli("alerts", "--json", "--rules", str(rules), "--state", str(state))
    assert len(shown.stdout.splitlines()) == 3


def event(kind: str, imposers: tuple[str, ...], targets: tuple[str, ...]) -> Event:
    return Event(kind, imposers, targets, "", "", "title", 0, 0)


def test_copies_join_by_type_parties_and_numbers() -> None:
    eu = event("imposed", ("European Union",), ("Russia",))
    base = story_event(Article("a", "EU adopts 14th package against Russia"), [eu])
    assert base is not None
    same = story_event(Article("b", "Paquete 14 de sanciones contra Rusia"), [eu])
    unnumbered = story_event(Article("c", "Sanctions against Russia adopted"), [eu])
    later = story_event(Article("d", "EU adopts 15th package against Russia"), [eu])
    uk = story_event(
        Article("e", "UK: 14 new sanctions on Russia"),
        [event("imposed", ("United Kingdom",), ("Russia",))],
    )
    answer = story_event(
        Article("f", "Russia answers the 14th package"),
        [event("countered", ("Russia",), ("European Union",))],
    )
    assert same is not None and base.same(same)
    assert unnumbered is not None and base.same(unnumbered)  # no number to tell them apart
    assert later is not None and not base.same(later)
    assert uk is not None and not base.same(uk)
    assert answer is not None and not base.same(answer)
    # Who acts and on whom, both named, or no language-independent identity at all.
    assert story_event(Article("g", "Sanctions"), [event("imposed", (), ("Russia",))]) is None
    assert StoryEvent.from_json(base.to_json()) == base
    # A year is no identifying number.
    dated = story_event(Article("h", "EU adopts 14th package against Russia in 2024"), [eu])
    assert dated is not None and dated.numbers == frozenset({"14"})


def test_an_agreement_joins_its_decision_only_by_a_number_in_both_headlines() -> None:
    agreed = event("proposal", ("European Union",), ("Russia",))
    adopted = event("imposed", ("European Union",), ("Russia",))
    told_agreed = story_event(Article("a", "EU ambassadors agree on 16th package"), [agreed])
    told_adopted = story_event(Article("b", "ЕС утвердил 16-й пакет санкций"), [adopted])
    assert told_agreed is not None and told_adopted is not None
    assert told_agreed.same(told_adopted)
    # The next package's proposal, or a threat with no number: another story.
    next_one = story_event(Article("c", "Commission proposes 17th package"), [agreed])
    threat = story_event(Article("d", "EU threatens new sanctions on Russia"), [agreed])
    unnumbered = story_event(Article("e", "EU adopts new sanctions on Russia"), [adopted])
    assert next_one is not None and not next_one.same(told_adopted)
    assert threat is not None and unnumbered is not None and not threat.same(unnumbered)
    # An answer is no decision of the one answered.
    answer = event("countered", ("Russia",), ("European Union",))
    told_answer = story_event(Article("f", "Russia answers the 16th package"), [answer])
    assert told_answer is not None and not told_agreed.same(told_answer)


@pytest.mark.parametrize(
    ("headline", "numbers"),
    [
        ("EU adopts 12th package against Russia", {"12"}),
        ("Ue adotta il dodicesimo pacchetto di sanzioni", {"12"}),
        ("ЕС утвердил двенадцатый пакет санкций", {"12"}),  # a stem, any case
        ("Brüssel einigt sich auf zwölftes Sanktionspaket", {"12"}),
        ("La UE aprueba el décimo segundo paquete", {"12"}),  # two words: 12, not 10 and 2
        ("La UE aprueba el decimotercer paquete", {"13"}),
        ("UE przyjęła dwunasty pakiet sankcji", {"12"}),
        ("Sanctions on third countries that help Russia", set()),  # not a decision's number
        ("EUA impõem sanções nesta quinta-feira", set()),  # a weekday, not a fifth
        ("Sanctions of 2024 on 140 names", {"140"}),  # a year is none
    ],
)
def test_a_headline_numbers_a_decision_in_digits_or_words(headline: str, numbers: set[str]) -> None:
    assert headline_numbers(headline) == numbers


def test_a_package_in_words_is_told_apart_from_the_next_in_digits() -> None:
    agreed = event("proposal", ("European Union",), ("Russia",))
    adopted = event("imposed", ("European Union",), ("Russia",))
    in_words = story_event(Article("a", "Ue, accordo sul dodicesimo pacchetto"), [agreed])
    in_digits = story_event(Article("b", "EU adopts 12th sanctions package"), [adopted])
    next_one = story_event(Article("c", "EU adopts 13th sanctions package"), [adopted])
    assert in_words is not None and in_digits is not None and next_one is not None
    assert in_words.same(in_digits)  # the agreement joins its decision by the number
    assert not in_words.same(next_one)


def test_b_cubed_of_the_story_measure() -> None:
    from bench.eval_stories import b_cubed

    assert b_cubed([("a", 1), ("a", 1), ("b", 2)]) == (1.0, 1.0)
    assert b_cubed([("a", 1), ("b", 1)]) == (0.5, 1.0)  # a wrong merge costs precision
    assert b_cubed([("a", 1), ("a", 2)]) == (1.0, 0.5)  # a split costs recall
