"""Readers of the official formats. Bytes in, ListEntities out; a ListFormatError when the file
is not what it claims to be. XML is parsed with defusedxml: these files come from the network,
and an entity-expansion bomb must be refused, not expanded."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from monitor.errors import MonitorError
from monitor.lists.model import ListEntity, ListName

NULL = "-0-"  # OFAC's null marker, often with a trailing space
_AKA = re.compile(r"a\.k\.a\.,?\s+'([^']+)'", re.IGNORECASE)
_OFAC_SCHEMAS = {"individual": "individual", "vessel": "vessel", "aircraft": "aircraft"}


class ListFormatError(MonitorError):
    """The file is not a readable list of this format."""


def _text(raw: bytes) -> str:
    # Some OFAC files end with a DOS end-of-file byte (Ctrl-Z) and use CRLF.
    return raw.decode("utf-8-sig", errors="replace").replace("\x1a", "")


def _value(cell: str | None) -> str:
    cell = (cell or "").strip()
    return "" if cell == NULL else cell


def read_ofac_csv(files: Mapping[str, bytes]) -> list[ListEntity]:
    """The legacy SDN (or consolidated) CSV set: sdn.csv with alt.csv, add.csv and
    sdn_comments.csv from the same folder when present. No header rows."""
    if "sdn.csv" not in files:
        raise ListFormatError("ofac-csv: sdn.csv is missing")
    aliases: dict[str, list[ListName]] = defaultdict(list)
    for row in csv.reader(io.StringIO(_text(files.get("alt.csv", b"")))):
        if len(row) >= 4 and _value(row[3]):
            aliases[row[0].strip()].append(ListName(_value(row[3]), weak=False))
    countries: dict[str, set[str]] = defaultdict(set)
    for row in csv.reader(io.StringIO(_text(files.get("add.csv", b"")))):
        if len(row) >= 5 and _value(row[4]):
            countries[row[0].strip()].add(_value(row[4]))
    comments: dict[str, str] = defaultdict(str)
    for row in csv.reader(io.StringIO(_text(files.get("sdn_comments.csv", b"")))):
        if len(row) >= 2:
            comments[row[0].strip()] += _value(row[1])
    out = []
    for row in csv.reader(io.StringIO(_text(files["sdn.csv"]))):
        if not row or not row[0].strip():
            continue
        if len(row) < 12 or not row[0].strip().isdigit():
            raise ListFormatError(f"ofac-csv: sdn.csv row {row[:2]!r} is not an SDN row")
        ent, name = row[0].strip(), _value(row[1])
        remarks = _value(row[11]) + comments.get(ent, "")
        names = [ListName(name), *aliases.get(ent, [])]
        names += [ListName(a) for a in _AKA.findall(remarks) if a not in {n.name for n in names}]
        programs = tuple(p.strip() for p in _value(row[3]).split("] [") if p.strip())
        out.append(
            ListEntity(
                id=ent,
                schema=_OFAC_SCHEMAS.get(_value(row[2]).lower(), "entity"),
                names=tuple(names),
                programs=programs,
                countries=tuple(sorted(countries.get(ent, ()))),
                link=f"https://sanctionssearch.ofac.treas.gov/Details.aspx?id={ent}",
            )
        )
    return out


def _xml(raw: bytes, fmt: str) -> Any:
    """The root element, parsed without expanding entities: a bomb is refused, not expanded."""
    try:
        return SafeET.fromstring(raw)
    except DefusedXmlException as e:
        raise ListFormatError(f"{fmt}: refused: {type(e).__name__} (entity expansion)") from e
    except SafeET.ParseError as e:
        raise ListFormatError(f"{fmt}: not well-formed XML: {e}") from e


def read_un_xml(raw: bytes) -> list[ListEntity]:
    """The UN Security Council consolidated list."""
    root = _xml(raw, "un-xml")
    if root.tag != "CONSOLIDATED_LIST":
        raise ListFormatError(f"un-xml: root element is <{root.tag}>, not <CONSOLIDATED_LIST>")
    out = []
    for kind, tag in (("individual", "INDIVIDUAL"), ("entity", "ENTITY")):
        for node in root.iter(tag):
            parts = [
                node.findtext(p) or ""
                for p in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
            ]
            name = " ".join(p.strip() for p in parts if p and p.strip())
            names = [ListName(name)] if name else []
            original = (node.findtext("NAME_ORIGINAL_SCRIPT") or "").strip()
            if original:
                names.append(ListName(original))
            for alias in node.iter(f"{tag}_ALIAS"):
                alias_name = (alias.findtext("ALIAS_NAME") or "").strip()
                if alias_name:
                    weak = (alias.findtext("QUALITY") or "").strip().lower() == "low"
                    names.append(ListName(alias_name, weak=weak))
            if not names:
                continue
            out.append(
                ListEntity(
                    id=(node.findtext("DATAID") or "").strip(),
                    schema=kind,
                    names=tuple(names),
                    programs=tuple(filter(None, [(node.findtext("UN_LIST_TYPE") or "").strip()])),
                    countries=tuple(
                        v.text.strip() for v in node.findall("NATIONALITY/VALUE") if v.text
                    ),
                    listed_on=(node.findtext("LISTED_ON") or "").strip() or None,
                    extra={"reference": (node.findtext("REFERENCE_NUMBER") or "").strip()},
                )
            )
    return out


def read_opensanctions_csv(raw: bytes) -> list[ListEntity]:
    """OpenSanctions `targets.simple.csv` (header row; `;`-joined multi-values)."""
    reader = csv.DictReader(io.StringIO(_text(raw)))
    if not reader.fieldnames or not {"id", "schema", "name", "aliases"} <= set(reader.fieldnames):
        raise ListFormatError("opensanctions-csv: no id/schema/name/aliases header")
    schemas = {"Person": "individual", "Vessel": "vessel", "Airplane": "aircraft"}
    out = []
    for row in reader:
        names = [ListName(row["name"])] + [
            ListName(a.strip()) for a in (row.get("aliases") or "").split(";") if a.strip()
        ]
        out.append(
            ListEntity(
                id=row["id"],
                schema=schemas.get(row["schema"], "entity"),
                names=tuple(names),
                programs=tuple(p for p in (row.get("sanctions") or "").split(";") if p),
                countries=tuple(c for c in (row.get("countries") or "").split(";") if c),
                link=f"https://www.opensanctions.org/entities/{row['id']}/",
            )
        )
    return out


def read_ofac_xml(raw: bytes) -> list[ListEntity]:
    """The SDN list as XML (`sdnList`), whatever its namespace; the only OFAC format that says
    which aliases are weak."""
    root = _xml(raw, "ofac-xml")
    ns = root.tag.partition("}")[0] + "}" if root.tag.startswith("{") else ""
    if root.tag != f"{ns}sdnList":
        raise ListFormatError(f"ofac-xml: root element is <{root.tag}>, not <sdnList>")

    def text(node: Any, tag: str) -> str:
        return (node.findtext(f"{ns}{tag}") or "").strip()

    def person(node: Any) -> str:
        last, first = text(node, "lastName"), text(node, "firstName")
        return f"{last}, {first}" if first else last

    out = []
    for node in root.iter(f"{ns}sdnEntry"):
        names = [ListName(person(node))]
        for aka in node.iter(f"{ns}aka"):
            names.append(ListName(person(aka), weak=text(aka, "category").lower() == "weak"))
        uid = text(node, "uid")
        out.append(
            ListEntity(
                id=uid,
                schema=_OFAC_SCHEMAS.get(text(node, "sdnType").lower(), "entity"),
                names=tuple(n for n in names if n.name),
                programs=tuple(p.text.strip() for p in node.iter(f"{ns}program") if p.text),
                countries=tuple(
                    sorted({c.text.strip() for c in node.iter(f"{ns}country") if c.text})
                ),
                link=f"https://sanctionssearch.ofac.treas.gov/Details.aspx?id={uid}",
            )
        )
    return out


def read_opensanctions_ftm(raw: bytes) -> list[ListEntity]:
    """OpenSanctions FollowTheMoney entities, one JSON object per line; `weakAlias` is weak."""
    schemas = {"Person": "individual", "Vessel": "vessel", "Airplane": "aircraft"}
    out = []
    for number, line in enumerate(_text(raw).splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as e:
            raise ListFormatError(f"opensanctions-ftm: line {number} is not JSON: {e.msg}") from e
        props = data.get("properties") or {}
        if data.get("target") is False:
            continue  # adjacent entities (addresses, sanctions) are not targets
        names = [
            ListName(n) for key in ("name", "alias", "previousName") for n in props.get(key, [])
        ]
        names += [ListName(n, weak=True) for n in props.get("weakAlias", [])]
        if not names:
            continue
        out.append(
            ListEntity(
                id=str(data.get("id")),
                schema=schemas.get(str(data.get("schema")), "entity"),
                names=tuple(dict.fromkeys(names)),
                programs=tuple(props.get("program", [])),
                countries=tuple(props.get("country", []) or props.get("jurisdiction", [])),
                link=f"https://www.opensanctions.org/entities/{data.get('id')}/",
            )
        )
    return out


def read_csl_csv(raw: bytes) -> list[ListEntity]:
    """The US Consolidated Screening List (trade.gov), old and current column sets."""
    reader = csv.DictReader(io.StringIO(_text(raw)))
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise ListFormatError("csl-csv: no 'name' column")
    out = []
    for i, row in enumerate(reader):
        name = re.sub(r";?\s*and any successor.*$", "", (row.get("name") or "").strip(), flags=re.I)
        if not name:
            continue
        alt = [a.strip() for a in (row.get("alt_names") or "").split(";") if a.strip()]
        kind = (row.get("type") or "").strip().lower()
        out.append(
            ListEntity(
                id=(row.get("_id") or row.get("entity_number") or str(i)).strip(),
                schema=_OFAC_SCHEMAS.get(kind, "entity"),
                names=tuple(ListName(n) for n in dict.fromkeys([name, *alt])),
                programs=tuple(
                    p.strip() for p in (row.get("programs") or "").split(";") if p.strip()
                ),
                extra={"source": (row.get("source") or "").strip()},
                link=(row.get("source_information_url") or "").strip() or None,
            )
        )
    return out


# format -> (files it reads beside the main one, reader)
FORMATS: dict[str, tuple[tuple[str, ...], Callable[..., list[ListEntity]]]] = {
    "ofac-csv": (("alt.csv", "add.csv", "sdn_comments.csv"), read_ofac_csv),
    "un-xml": ((), read_un_xml),
    "opensanctions-csv": ((), read_opensanctions_csv),
    "ofac-xml": ((), read_ofac_xml),
    "opensanctions-ftm": ((), read_opensanctions_ftm),
    "csl-csv": ((), read_csl_csv),
}
