"""Names of the official lists found as news writes them, in any order and script, and weak
names kept quiet unless the sentence gives more evidence. The lists are the real OFAC SDN list
of January 2019 and the UN list of February 2026 (../shared/fixtures/lists)."""

from __future__ import annotations

from functools import cache

import pytest

from bench.eval_names import rates
from bench.official_lists import official_lists
from monitor.config.load import parse_config
from monitor.lists.names import entity_aliases, variants
from monitor.models import AlertPayload, Article, Hit
from monitor.notify.message import alert_message
from monitor.pipeline import Pipeline
from monitor.rules.explain import explain
from tests.shared import shared_path

TERMS = """
builtin: false  # only the watchlists below
watchlists:
  ofac_sdn:
    import: {format: ofac-csv, url: lists/sdn.csv}
    weak_needs: [sanctions_terms]
  un_sc:
    import: {format: un-xml, url: lists/un.xml}
    weak_needs: [sanctions_terms]
  sanctions_terms:
    fuzzy: false
    entries:
      - {name: sanctions, aliases: ["sanction*", "санкци*"]}
  countries:
    entries:
      - {name: Russia, aliases: [Russia, Россия]}
rules:
  - name: listed
    all: [{watchlist: [ofac_sdn, un_sc]}, {watchlist: sanctions_terms}]
"""


@cache
def pipeline() -> Pipeline:
    config = parse_config(TERMS, "rules.yaml", {})
    return Pipeline(config, official_lists(shared_path("lists")))


def listed(text: str) -> list[Hit]:
    return [h for h in pipeline().matcher.find(Article("a", text)) if h.ref is not None]


def entries(text: str) -> set[str]:
    return {h.entry for h in listed(text)}


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # given name first, second surname dropped, accents
        ("Nicolás Maduro addressed the assembly", "MADURO MOROS, Nicolas [22790]"),
        ("Diosdado Cabello spoke on TV", "CABELLO RONDON, Diosdado [24424]"),
        # given name first, patronymic dropped
        ("Alexander Lukashenko met his ministers", "LUKASHENKA, Alyaksandr Hryhoryavich [9760]"),
        # another script: the list writes the name only in Latin letters
        ("Николас Мадуро выступил в Каракасе", "MADURO MOROS, Nicolas [22790]"),
        # legal form left out: "GAZPROM BURENIE, OOO"; and in Cyrillic, with its legal form
        ("Gazprom Burenie drilled new wells", "GAZPROM BURENIE, OOO [24185]"),
        ("ООО «Газпром бурение» пробурило скважину", "GAZPROM BURENIE, OOO [24185]"),
        ("Mahan Air flights to Caracas resumed", "MAHAN AIR [12927]"),
    ],
)
def test_real_name_forms_are_found(text: str, entry: str) -> None:
    assert entry in entries(text)


def test_a_native_script_name_of_the_un_list_is_found_in_latin_text_and_in_its_own() -> None:
    un = official_lists(shared_path("lists"))["un_sc"]
    cyrillic = [(e, n.name) for e in un for n in e.names if "\u0400" <= n.name[:1] <= "\u04ff"]
    assert cyrillic, "the UN list has names in Cyrillic"
    entity, name = cyrillic[0]
    assert any(h.ref and h.ref.id == entity.id for h in listed(f"Сообщается, что {name} прибыл"))


def test_a_company_is_found_by_its_distinctive_word_only_beside_a_sanctions_term() -> None:
    wagner = "PRIVATE MILITARY COMPANY 'WAGNER' [22543]"
    hits = listed("The US sanctioned the Wagner group again.")
    assert [(h.entry, h.weak) for h in hits] == [(wagner, True)]
    assert entries("Wagner's Ring cycle opens in Bayreuth.") == set()
    # a country is not enough evidence when weak_needs names the sanctions terms
    assert entries("Wagner fighters left Russia.") == set()


def test_weak_names_never_fire_alone_and_common_words_of_the_list_never_fire() -> None:
    # first names, short codes and descriptor words are not aliases at all
    sdn = {e.id: e for e in official_lists(shared_path("lists"))["ofac_sdn"]}
    strong, weak = entity_aliases(sdn["7837"])  # JENDOUBI, a.k.a. SAID, SAMIR
    names = {*strong.values(), *weak.values()}
    assert "SAID" not in names and "SAMIR" not in names
    assert entries("He said sanctions would follow, Samir added.") == set()
    # "FIRST", "FOREIGN", "LEADER" are the distinctive word of listed companies, and common words
    assert entries("For the first time the leader spoke of foreign sanctions.") == set()


def test_a_mention_of_one_person_does_not_hit_another_entity_sharing_a_word() -> None:
    found = entries("Nicolás Maduro faces new sanctions")
    assert "MADURO MOROS, Nicolas [22790]" in found
    assert not any(e.startswith("FELIX B. MADURO") for e in found)


def test_company_names_get_no_typo_tolerance() -> None:
    # GREEN ISLAND S.A. is listed; a Greek island is not it
    assert entries("Sanctions talk on the Greek island of Lesbos") == set()


def test_transliterated_text_never_fires_a_weak_name() -> None:
    # Россия in Latin letters is "rossiya", the distinctive word of BANK ROSSIYA
    assert entries("Россия ответила на санкции") == set()


def test_variants_of_people_and_companies() -> None:
    people = dict(variants("LAVROV, Sergey Viktorovich", "individual"))
    assert {"Sergey Viktorovich LAVROV", "Sergey LAVROV"} <= set(people)
    companies = dict(variants("OJSC ROSNEFT OIL COMPANY", "entity"))
    assert companies.get("rosneft") is True  # weak
    assert companies.get("rosneft oil") is False
    cyrillic = dict(variants("Роснефть", "entity"))
    assert "Rosneft" in cyrillic


def test_a_listed_name_rides_along_with_the_rule_that_fired_and_unless_fired_silences() -> None:
    config = parse_config(
        TERMS
        + """
  - name: country
    all: [{watchlist: countries}, {watchlist: sanctions_terms}]
  - name: entity-only
    all: [{watchlist: [ofac_sdn, un_sc]}, {watchlist: sanctions_terms}]
    unless_fired: [country]
""",
        "rules.yaml",
        {},
    )
    pipe = Pipeline(config, official_lists(shared_path("lists")))
    result = pipe.match(Article("a", "Russia: new sanctions on Nicolás Maduro"))
    verdicts = {r.rule: r for r in result.rules}
    assert verdicts["country"].fired
    assert "MADURO MOROS, Nicolas [22790]" in {h.entry for h in verdicts["country"].evidence}
    assert not verdicts["entity-only"].fired
    assert verdicts["entity-only"].reason == "silent: country fired"
    alone = {
        r.rule: r.fired
        for r in pipe.match(Article("b", "New sanctions on Maduro's Mahan Air")).rules
    }
    assert alone == {"listed": True, "country": False, "entity-only": True}


def test_explain_says_when_a_weak_name_was_confirmed() -> None:
    result = pipeline().match(Article("a", "The US sanctioned the Wagner group again."))
    assert result.fired == ("listed",)
    text = explain(result, "en")
    assert "'Wagner' (wagner, 100, a weak name confirmed in its sentence)" in text


def test_listed_people_are_found_and_other_people_are_not() -> None:
    """OpenSanctions' evaluation names (../shared/fixtures/lists/eval_yente_*) in a sentence about sanctions:
    the UN list's people as listed and misspelt, and 2,000 names of no listed person. Floors at
    the level measured (bench/eval_names.py): 0.990, 0.883, 0.002 and 0.001."""
    measured = rates(shared_path("lists"))
    assert measured["recall, UN names as listed"] >= 0.98
    assert measured["recall, UN names treated"] >= 0.86
    assert measured["false matches, negatives_global.csv"] <= 0.004
    assert measured["false matches, negatives_us.csv"] <= 0.004


def test_a_weak_word_inside_another_name_and_a_first_name_with_another_ending() -> None:
    # the vessels AMBER and CHRISTINA (ARGO I), the group WAGNER: here parts of people's names
    assert entries("The court said Anna Jennifer Wagner faces no sanctions.") == set()
    assert entries("Sanctions lawyer Allison Amber Benson spoke.") == set()
    assert "ARGO I [15038]" not in entries("Christina Hoffman studies sanctions.")
    # a Title Case headline is not a run of names
    assert "PRIVATE MILITARY COMPANY 'WAGNER' [22543]" in entries(
        "Treasury Sanctions Wagner Group Leaders In Africa"
    )
    # Antonia is not Antonio, Emilia not Emilio: another person
    assert entries("New sanctions: Antonia Rodriguez was not named.") == set()


def test_the_alert_names_the_listed_entry_with_its_programs_and_its_link() -> None:
    article = Article("a", "New sanctions on Mahan Air", url="https://news.example/m")
    result = pipeline().match(article)
    [rule] = [r for r in result.rules if r.fired]
    payload = AlertPayload(article, hits=rule.evidence)
    message = alert_message(rule.rule, "high", payload, [])
    link = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=12927"
    assert f"Listed: MAHAN AIR <{link}> (ofac_sdn: SDGT, IFSR)" in message.plain()
    assert f'Listed: <a href="{link}">MAHAN AIR</a> (ofac_sdn: SDGT, IFSR)' in message.html()
