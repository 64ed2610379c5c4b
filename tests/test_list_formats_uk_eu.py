"""The UK and EU lists: OFSI's ConList.csv (a real 2018 excerpt in cp1252, and the 2022 layout),
the FCDO UK Sanctions List and OFSI ConList XML, and the EU Financial Sanctions Files XML. Each
read on its sample, refused when hostile or not the format, and imported from 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.lists import snapshots
from monitor.lists.formats import (
    ListFormatError,
    read_eu_xml,
    read_uk_csv,
    read_uk_xml,
)
from monitor.lists.model import ListEntity
from monitor.lists.names import variants
from monitor.models import Article
from monitor.pipeline import Pipeline
from monitor.store import Store
from tests.conftest import FIXTURES
from tests.feedserver import FeedServer, billion_laughs, feed_server
from tests.shared import ofsi_2018_excerpt, shared_bytes
from tests.test_lists import refresh_now, rules

__all__ = ["feed_server"]

LISTS = FIXTURES / "lists"
UK_2022 = LISTS / "uk_ofsi_conlist_2022_sample.csv"
UK_XML = LISTS / "uk_sanctions_list_sample.xml"
CONLIST_XML = LISTS / "uk_ofsi_conlist_sample.xml"
EU_XML = LISTS / "eu_fsf_sample.xml"


def uk_2018() -> bytes:
    """A real file: OFSI's ConList.csv of Nov 2018 (legacy layout) cut to six groups."""
    return ofsi_2018_excerpt(shared_bytes("lists/uk_ofsi_conlist_csv_2018/sanctionsconlist.csv"))


# The header of the legacy layout, as the official file carried it before its first line and
# header were cut from our copy.
LEGACY_HEADER = (
    "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Town of Birth,Country of Birth,"
    "Nationality,Passport Details,NI Number,Position,Address 1,Address 2,Address 3,Address 4,"
    "Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,Regime,"
    "Listed On,Last Updated,Group ID"
)

Reader = Callable[[bytes], list[ListEntity]]


def by_id(entities: list[ListEntity]) -> dict[str, ListEntity]:
    return {e.id: e for e in entities}


def names(entity: ListEntity) -> list[str]:
    return [n.name for n in entity.names]


def weak(entity: ListEntity) -> set[str]:
    return {n.name for n in entity.names if n.weak}


# --- uk-csv ------------------------------------------------------------------------------------


def test_uk_csv_real_2018_excerpt_is_cp1252_grouped_by_group_id() -> None:
    raw = uk_2018()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the quirk under test is really in the bytes
    assert raw.count(b"\r\n") == 45 and b"\x92" in raw
    entities = by_id(read_uk_csv(raw))
    # 45 rows (one per name x date of birth x address), 6 Group IDs.
    assert set(entities) == {"13190", "13349", "13222", "13556", "13561", "8994"}
    hakim = entities["13190"]
    assert hakim.schema == "individual"
    assert hakim.caption == "AL HAKIM, Abdullah Yahya"  # the Prime Alias, padding stripped
    # 18 rows, 6 distinct names: each once, however many dates of birth repeat it.
    assert len(hakim.names) == 6 and len(set(names(hakim))) == 6
    assert "AL-MU\u2019AYYAD, Abdallah" in names(hakim)  # 0x92 read as U+2019
    assert hakim.programs == ("Yemen",) and hakim.countries == ("Yemen",)
    assert hakim.listed_on == "2014-12-19"
    kim = entities["13561"]
    assert kim.caption == "SIK, Kim Jong" and names(kim)[1] == "CHO\u2019NG-SIK, Kim"
    assert kim.countries == ("DPRK",)
    assert not any("\ufffd" in n for e in entities.values() for n in names(e))


def test_uk_csv_2018_quirks_padding_ships_fka_and_enumerated_nationalities() -> None:
    entities = by_id(read_uk_csv(uk_2018()))
    ship = entities["13556"]  # " TONG SAN 2": leading space; an "Entity" whose text opens "IMO:"
    assert ship.schema == "vessel" and names(ship) == ["TONG SAN 2"]
    prizrak = entities["13222"]  # its AKA row comes first in the file; the Prime Alias leads
    assert prizrak.schema == "entity"
    assert names(prizrak) == ["PRIZRAK BRIGADE", "14TH MOTORIZED RIFLE BATTALION"]
    fajr = entities["8994"]  # FKA: kept as a name
    assert names(fajr) == ["FAJR INDUSTRIAL GROUP", "INSTRUMENTATION FACTORY PLANT"]
    hababi = entities["13349"]  # " AL-QAHTANI" rows come first, but are AKA
    assert hababi.caption == "AL-HABABI, Nayef Salam Muhammad Ujaym"
    assert "AL-QAHTANI, Sheikh Farooq" in names(hababi)
    assert {"Saudi Arabia", "Qatar"} <= set(hababi.countries)  # "1) Saudi Arabia 2) Qatar"
    assert hababi.programs == ("The ISIL (Da'esh) and Al-Qaida organisations",)
    assert not any(n != n.strip() or "  " in n for e in entities.values() for n in names(e))


def test_uk_csv_with_the_official_first_line_and_header_reads_the_same() -> None:
    raw = uk_2018()
    headed = b"Last Updated,29/11/2018\r\n" + LEGACY_HEADER.encode("cp1252") + b"\r\n" + raw
    assert read_uk_csv(headed) == read_uk_csv(raw)
    # The header alone (no Last Updated line), re-encoded as UTF-8 with a BOM, reads the same too.
    utf8 = (LEGACY_HEADER + "\r\n" + raw.decode("cp1252")).encode("utf-8-sig")
    assert read_uk_csv(utf8) == read_uk_csv(raw)


def test_uk_csv_2022_layout_is_read_by_column_name() -> None:
    entities = by_id(read_uk_csv(UK_2022.read_bytes()))
    assert set(entities) == {"90001", "90002", "90003"}
    volkova = entities["90001"]
    assert volkova.schema == "individual" and volkova.caption == "VOLKOVA, Marina Petrovna"
    assert "Марина Петровна ВОЛКОВА" in names(volkova)  # Name Non-Latin Script
    assert "VOLKOVA, Maryna" in names(volkova)  # a primary name variation is an alias
    assert weak(volkova) == {"MASHA"}  # Alias Quality: Low quality
    assert volkova.countries == ("Russia", "Cyprus") and volkova.listed_on == "2022-03-15"
    assert len(names(volkova)) == len(set(names(volkova)))  # two address rows, names once
    assert entities["90002"].schema == "entity"
    assert "ООО СЕВЕРНАЯ ЗВЕЗДА" in names(entities["90002"])
    assert entities["90003"].schema == "vessel"  # Group Type: Ship
    # By name, not position: the same file with its columns reversed reads the same.
    import csv
    import io

    rows = list(csv.reader(io.StringIO(UK_2022.read_text(encoding="utf-8"))))
    flipped = io.StringIO()
    csv.writer(flipped).writerows([rows[0], *(r[::-1] for r in rows[1:])])
    assert read_uk_csv(flipped.getvalue().encode()) == read_uk_csv(UK_2022.read_bytes())


def test_uk_csv_refuses_what_is_not_a_conlist() -> None:
    html = b"<!DOCTYPE html>\n<html><body><h1>Service unavailable</h1></body></html>\n"
    assert "neither a ConList header" in str(error(read_uk_csv, html))
    ofac_row = (LISTS / "ofac_sdn_sample" / "sdn.csv").read_bytes()
    assert isinstance(error(read_uk_csv, ofac_row), ListFormatError)
    # A row cut short (a truncated download) and a row without its Group ID.
    raw = uk_2018()
    assert "fields" in str(error(read_uk_csv, raw + b"SOMEONE,Cut,Short\r\n"))
    no_id = raw.replace(b",13556\r\n", b",\r\n")
    assert "Group ID" in str(error(read_uk_csv, no_id))
    # 29 fields of something else, without a header, are not trusted.
    other = b",".join([b"x"] * 29) + b"\r\n"
    assert "group types" in str(error(read_uk_csv, other))


# --- uk-xml ------------------------------------------------------------------------------------


def test_uk_xml_reads_the_fcdo_uk_sanctions_list() -> None:
    entities = by_id(read_uk_xml(UK_XML.read_bytes()))
    assert list(entities) == ["RUS9001", "RUS9002", "DPR9003", "SYR9004"]
    volkova = entities["RUS9001"]
    assert volkova.schema == "individual" and volkova.caption == "VOLKOVA, Marina Petrovna"
    assert weak(volkova) == {"MASHA"}  # AliasStrength: Low quality a.k.a
    assert "VOLKOVA-SEVERNAYA, Marina" in names(volkova)  # NameType "ALias", as published
    assert "Марина Петровна ВОЛКОВА" in names(volkova)
    assert volkova.programs == ("Russia",) and volkova.countries == ("Russia", "Cyprus")
    assert volkova.listed_on == "2022-03-15" and volkova.extra["ofsi_group_id"] == "90001"
    assert entities["RUS9002"].schema == "entity"
    assert entities["DPR9003"].schema == "vessel"
    haddad = entities["SYR9004"]
    assert names(haddad) == ["HADDAD, Karim", "كريم حداد", "Abu Karim"]
    assert weak(haddad) == {"Abu Karim"}


def test_uk_xml_reads_ofsi_conlist_xml_in_its_namespace() -> None:
    raw = CONLIST_XML.read_bytes()
    assert b'xmlns="http://schemas.hmtreasury.gov.uk/ofsi/consolidatedlist"' in raw
    entities = by_id(read_uk_xml(raw))
    assert set(entities) == {"90001", "90002", "90003"}  # 4 targets, grouped by GroupID
    volkova = entities["90001"]
    # name1/name2 (lower case in ConList.xml) beside Name6.
    assert volkova.caption == "VOLKOVA, Marina Petrovna" and weak(volkova) == {"MASHA"}
    assert "Марина Петровна ВОЛКОВА" in names(volkova)
    assert volkova.listed_on == "2022-03-15"  # from 2022-03-15T00:00:00
    assert entities["90003"].schema == "vessel"


def test_uk_xml_a_default_namespace_changes_nothing() -> None:
    raw = UK_XML.read_bytes()
    namespaced = raw.replace(b"<Designations ", b'<Designations xmlns="urn:example:uk" ', 1)
    assert namespaced != raw
    assert read_uk_xml(namespaced) == read_uk_xml(raw)


# --- eu-xml ------------------------------------------------------------------------------------


def test_eu_xml_reads_the_financial_sanctions_files() -> None:
    raw = EU_XML.read_bytes()
    assert b'xmlns="http://eu.europa.ec/fpi/fsd/export"' in raw
    entities = by_id(read_eu_xml(raw))
    assert list(entities) == ["9001", "9002", "9003", "9004"]
    volkova = entities["9001"]
    assert volkova.schema == "individual"
    assert volkova.caption == "Marina Petrovna VOLKOVA"  # wholeName, given name first
    assert weak(volkova) == {"Masha"}  # strong="false"
    assert "Марина Петровна Волкова" in names(volkova)
    # also surname first, so that the news' "Marina Volkova" is indexed without the patronymic
    assert "Volkova, Marina Petrovna" in names(volkova)
    assert ("Marina Volkova", False) in variants("Volkova, Marina Petrovna", "individual")
    assert volkova.programs == ("RUS",)
    assert volkova.countries == ("RUSSIAN FEDERATION", "CYPRUS")
    assert volkova.listed_on == "2022-03-15" and volkova.extra["eu_reference"] == "EU.9001.01"
    assert entities["9002"].schema == "entity"
    assert entities["9003"].countries == ()  # "00" / UNKNOWN is no country
    assert entities["9003"].extra["un_reference"] == "KPe.999"
    assert weak(entities["9004"]) == {"Abu Karim"} and "كريم حداد" in names(entities["9004"])


# --- refusals ------------------------------------------------------------------------------------


def error(read: Reader, raw: bytes) -> ListFormatError:
    try:
        read(raw)
    except ListFormatError as e:
        return e
    raise AssertionError("no ListFormatError")


@pytest.mark.parametrize("read", [read_uk_xml, read_eu_xml])
def test_xml_readers_refuse_bombs_wrong_roots_and_pages(read: Reader) -> None:
    assert "entity expansion" in str(error(read, billion_laughs()))
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title></channel></rss>'
    assert "root element is <rss>" in str(error(read, rss))
    other = EU_XML if read is read_uk_xml else UK_XML  # the other reader's file
    assert "root element" in str(error(read, other.read_bytes()))
    html = b"<!DOCTYPE html>\n<html><body><p>Moved & gone<br></p></body></html>"
    assert "root element is <html>" in str(error(read, html))  # the first problem met
    own = UK_XML if read is read_uk_xml else EU_XML
    assert "not well-formed" in str(error(read, own.read_bytes()[:-40]))  # cut short
    assert "root element is <html>" in str(error(read, b"<html><body/></html>"))
    assert "encoding" in str(error(read, b'<?xml version="1.0" encoding="x-none"?><export/>'))
    assert isinstance(error(read, b""), ListFormatError)


# --- end to end: served from 127.0.0.1, through the same refresh as every format ---------------


@pytest.mark.parametrize(
    ("fmt", "fixture", "count", "entity_id", "caption"),
    [
        ("uk-csv", uk_2018, 6, "13190", "AL HAKIM, Abdullah Yahya"),
        ("uk-xml", UK_XML.read_bytes, 4, "RUS9001", "VOLKOVA, Marina Petrovna"),
        ("eu-xml", EU_XML.read_bytes, 4, "9001", "Marina Petrovna VOLKOVA"),
    ],
)
def test_import_from_loopback(
    feed_server: FeedServer,
    tmp_path: Path,
    fmt: str,
    fixture: Callable[[], bytes],
    count: int,
    entity_id: str,
    caption: str,
) -> None:
    url = feed_server.route(f"/lists/{fmt}", fixture(), content_type="text/plain")
    path = rules(tmp_path, url, fmt=fmt, name="official")
    state = tmp_path / "state"
    assert refresh_now(path, state, "official") == f"version 1: {count} entries"
    assert refresh_now(path, state, "official") == "unchanged"
    store = Store(state)
    try:
        stored = by_id(snapshots.entities(store, "official"))
    finally:
        store.close()
    assert stored == by_id(
        {"uk-csv": read_uk_csv, "uk-xml": read_uk_xml, "eu-xml": read_eu_xml}[fmt](fixture())
    )
    assert stored[entity_id].caption == caption
    # A bomb or a page in its place is refused, and the good version stays.
    feed_server.route(f"/lists/{fmt}", billion_laughs())
    assert refresh_now(path, state, "official").startswith("refresh failed: ")
    store = Store(state)
    try:
        assert snapshots.latest_version(store, "official")["entities"] == count  # type: ignore[index]
    finally:
        store.close()


def test_a_uk_csv_individual_is_found_as_news_writes_the_name(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """ "SURNAME, Given Names" lets the matcher find the given-name-first form news uses."""
    url = feed_server.route("/lists/ConList.csv", uk_2018(), content_type="text/csv")
    path = rules(tmp_path, url, fmt="uk-csv", name="ofsi")
    assert refresh_now(path, tmp_path / "state", "ofsi").startswith("version 1")
    pipeline = Pipeline.from_file(path, tmp_path / "state")
    hits = {
        h.entry
        for h in pipeline.matcher.find(
            Article("a", "UK sanctions Abdullah Yahya al-Hakim, Houthi commander")
        )
        if h.watchlist == "ofsi"
    }
    assert "AL HAKIM, Abdullah Yahya [13190]" in hits
