"""Readers of the official formats. Bytes in, ListEntities out; a ListFormatError when the file
is not what it claims to be. XML is parsed with defusedxml: these files come from the network,
and an entity-expansion bomb must be refused, not expanded."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
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


def _elements(raw: bytes, fmt: str, roots: tuple[str, ...], items: set[str]) -> Iterator[Any]:
    """The elements named `items` (local names, any namespace), each whole, as the parser meets
    them, then cleared: a 25 MB EU file is never a 150 MB tree in memory. The root must be one
    of `roots`. Entities are never expanded: a bomb is refused."""
    try:
        events = SafeET.iterparse(io.BytesIO(raw), events=("start", "end"))
        _, root = next(events)
        if _local(root.tag) not in roots:
            wanted = " or ".join(f"<{r}>" for r in roots)
            raise ListFormatError(f"{fmt}: root element is <{_local(root.tag)}>, not {wanted}")
        for event, element in events:
            if event == "end" and _local(element.tag) in items:
                yield element
                element.clear()
    except DefusedXmlException as e:
        raise ListFormatError(f"{fmt}: refused: {type(e).__name__} (entity expansion)") from e
    except SafeET.ParseError as e:
        raise ListFormatError(f"{fmt}: not well-formed XML: {e}") from e
    except LookupError as e:  # an XML declaration naming an encoding Python does not know
        raise ListFormatError(f"{fmt}: not readable XML: {e}") from e


def _root(raw: bytes) -> str:
    """The local name of the document's root element ("" when there is none to read)."""
    try:
        return _local(next(SafeET.iterparse(io.BytesIO(raw), events=("start",)))[1].tag)
    except (DefusedXmlException, SafeET.ParseError, LookupError, StopIteration):
        return ""


def read_un_xml(raw: bytes) -> list[ListEntity]:
    """The UN Security Council consolidated list."""
    out = []
    for node in _elements(raw, "un-xml", ("CONSOLIDATED_LIST",), {"INDIVIDUAL", "ENTITY"}):
        tag = _local(node.tag)
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
                schema="individual" if tag == "INDIVIDUAL" else "entity",
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
    ns = ""

    def text(node: Any, tag: str) -> str:
        return (node.findtext(f"{ns}{tag}") or "").strip()

    def person(node: Any) -> str:
        last, first = text(node, "lastName"), text(node, "firstName")
        return f"{last}, {first}" if first else last

    out = []
    for node in _elements(raw, "ofac-xml", ("sdnList",), {"sdnEntry"}):
        ns = node.tag.partition("}")[0] + "}" if node.tag.startswith("{") else ""
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


# --- The UK: OFSI's Consolidated List (ConList.csv, ConList.xml) and the FCDO's UK Sanctions
# List (XML). One person is one Group ID (or UniqueID) however many rows name them.

# The legacy ConList.csv columns, in order; copies in the wild often lack the header row.
_UK_LEGACY_COLUMNS = (
    *(f"Name {i}" for i in (6, 1, 2, 3, 4, 5)),
    "Title",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Details",
    "NI Number",
    "Position",
    *(f"Address {i}" for i in range(1, 7)),
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Last Updated",
    "Group ID",
)
_UK_SCHEMAS = {"individual": "individual", "entity": "entity", "ship": "vessel"}
# Before OFSI had a "Ship" group type (2022), ships were entities whose Other Information opens
# with their IMO number ("IMO: 8937675.", "(IMO number: 7303803)"); shipping companies give
# theirs later in the text ("... UN Ref KPe.022. IMO Number: 5342883").
_UK_SHIP_IMO = re.compile(r"\(?IMO(?: number)?:\s*\d{7}", re.IGNORECASE)
# Several values in one cell: "1) Saudi Arabia 2) Qatar", "(a) Jordanian (b) American".
_UK_ENUMERATION = re.compile(r"(?:^|[\s,;])\(?(?:\d{1,2}|[a-h])\)\s*")
_UK_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# ConList.xml names its elements after the CSV's columns, but spells `name1`..`name5` in lower
# case beside `Name6`: matched case-insensitively.
_CONLIST_XML_FIELDS = {
    **{f"name{i}": f"Name {i}" for i in range(1, 7)},
    "grouptypedescription": "Group Type",
    "aliastype": "Alias Type",
    "aliasquality": "Alias Quality",
    "regimename": "Regime",
    "datelisted": "Listed On",
    "groupid": "Group ID",
    "country": "Country",
    "nationality": "Nationality",
    "individual_nationality": "Nationality",
    "namenonlatinscript": "Name Non-Latin Script",
    "otherinformation": "Other Information",
}


def _clean(text: str | None) -> str:
    # The UK files pad names inside and out (" TONG SAN 2", "Abdullah ", "WINE MAKING  MAGARACH").
    return " ".join((text or "").split())


def _ranked_names(found: Iterable[tuple[str, bool, bool]]) -> tuple[ListName, ...]:
    """(name, primary, weak) as read, as ListNames: primary names first and weak ones last, so
    that the caption is the listed name; each name once, weak only if it is weak everywhere."""
    weak: dict[str, bool] = {}
    primary: set[str] = set()
    for name, is_primary, is_weak in found:
        if name:
            weak[name] = weak.get(name, True) and is_weak and not is_primary
            if is_primary:
                primary.add(name)
    order = sorted(weak, key=lambda n: (n not in primary, weak[n]))  # stable: file order within
    return tuple(ListName(n, weak=weak[n]) for n in order)


def _uk_name(name6: str, given: Iterable[str], schema: str) -> str:
    """Name 6 is an individual's surname (an entity's or ship's whole name), Name 1-5 the given
    names. Written "SURNAME, Given Names" as OFAC writes them, so that `variants` also indexes
    "Given Names SURNAME"."""
    surname = _clean(name6)
    forenames = " ".join(p for p in map(_clean, given) if p)
    if schema == "individual" and surname and forenames:
        return f"{surname}, {forenames}"
    return " ".join(p for p in (forenames, surname) if p)


def _uk_schema(kind: str, other_information: str = "") -> str:
    schema = _UK_SCHEMAS.get(_clean(kind).lower(), "entity")
    if schema == "entity" and _UK_SHIP_IMO.match(other_information.strip()):
        return "vessel"
    return schema


def _uk_primary(name_type: str) -> bool:
    # "Prime Alias" (legacy CSV), "Primary name" or "Primary Name" (2022 on). A "Primary name
    # variation" is another spelling of it: an alias.
    return _clean(name_type).lower() in ("prime alias", "primary name")


def _uk_weak(quality: str) -> bool:
    # "Low quality a.k.a" (UK Sanctions List AliasStrength) and OFSI's Alias Quality.
    return _clean(quality).lower().startswith("low")


def _uk_date(text: str) -> str | None:
    """DD/MM/YYYY, or ConList.xml's ISO date-time, as YYYY-MM-DD."""
    text = _clean(text)
    if m := _UK_DATE.fullmatch(text):
        return f"{m[3]}-{m[2]}-{m[1]}"
    return text[:10] if _ISO_DATE.match(text) else None


def _uk_countries(values: Iterable[str]) -> tuple[str, ...]:
    parts = (_clean(p).strip(" ,;.") for v in values for p in _UK_ENUMERATION.split(v))
    return tuple(dict.fromkeys(p for p in parts if p))


def _uk_grouped(rows: Iterable[Mapping[str, str]], fmt: str) -> list[ListEntity]:
    """OFSI rows, one per name x date of birth x address, as one entity per Group ID."""
    groups: dict[str, list[Mapping[str, str]]] = defaultdict(list)
    for row in rows:
        group = _clean(row.get("Group ID"))
        if not group:
            raise ListFormatError(f"{fmt}: a row has no Group ID ({_clean(row.get('Name 6'))!r})")
        groups[group].append(row)
    out = []
    for group, members in groups.items():
        first = members[0]
        schema = _uk_schema(first.get("Group Type", ""), first.get("Other Information", ""))
        found = []
        for row in members:
            given = (row.get(f"Name {i}", "") for i in range(1, 6))
            name = _uk_name(row.get("Name 6", ""), given, schema)
            found.append(
                (
                    name,
                    _uk_primary(row.get("Alias Type", "")),
                    _uk_weak(row.get("Alias Quality", "")),
                )
            )
            found.append((_clean(row.get("Name Non-Latin Script")), False, False))
        names = _ranked_names(found)
        if not names:
            continue
        listed = sorted(filter(None, (_uk_date(r.get("Listed On", "")) for r in members)))
        out.append(
            ListEntity(
                id=group,
                schema=schema,
                names=names,
                programs=tuple(
                    dict.fromkeys(filter(None, (_clean(r.get("Regime")) for r in members)))
                ),
                countries=_uk_countries(
                    r.get(key, "") for r in members for key in ("Nationality", "Country")
                ),
                listed_on=listed[0] if listed else None,
            )
        )
    return out


def _uk_text(raw: bytes) -> str:
    # ConList.csv was cp1252 for years (0x92 curly apostrophes: "AL-MU'AYYAD"); the 2022 format,
    # which carries non-Latin names, can only be UTF-8.
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return text.replace("\x1a", "")


def read_uk_csv(raw: bytes) -> list[ListEntity]:
    """OFSI's Consolidated List CSV: the 2022 format read by its header's column names, and the
    legacy 29-column layout with or without its `Last Updated,DD/MM/YYYY` line and header."""
    try:
        rows = [r for r in csv.reader(io.StringIO(_uk_text(raw))) if any(c.strip() for c in r)]
    except csv.Error as e:
        raise ListFormatError(f"uk-csv: not CSV: {e}") from e
    if rows and _clean(rows[0][0]).lower() == "last updated":
        rows = rows[1:]
    if not rows:
        return []
    header = [_clean(c) for c in rows[0]]
    if {"Name 6", "Group Type", "Group ID"} <= set(header):
        columns, body = header, rows[1:]
    elif len(rows[0]) == len(_UK_LEGACY_COLUMNS):
        columns, body = list(_UK_LEGACY_COLUMNS), rows
        # Without a header, only rows that look like ConList rows are trusted.
        kinds = {
            _clean(r[columns.index("Group Type")]).lower() for r in body if len(r) == len(columns)
        }
        if not kinds <= set(_UK_SCHEMAS):
            raise ListFormatError(f"uk-csv: unknown group types {sorted(kinds - set(_UK_SCHEMAS))}")
    else:
        raise ListFormatError("uk-csv: neither a ConList header nor the legacy 29-column rows")
    for number, row in enumerate(body, 1):
        if len(row) != len(columns):
            raise ListFormatError(f"uk-csv: row {number} has {len(row)} fields, not {len(columns)}")
    return _uk_grouped((dict(zip(columns, row, strict=True)) for row in body), "uk-csv")


def _local(tag: object) -> str:
    """An element's name without its namespace (comments have no string tag)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(node: Any, name: str) -> list[Any]:
    return [child for child in node if _local(child.tag) == name]


def _descendants(node: Any, name: str) -> list[Any]:
    return [child for child in node.iter() if _local(child.tag) == name]


def _child_text(node: Any, name: str) -> str:
    return next((_clean(child.text) for child in _children(node, name)), "")


def _uk_designation(node: Any) -> ListEntity | None:
    """One `Designation` of the FCDO's UK Sanctions List: one per UniqueID, its names nested."""
    uid = _child_text(node, "UniqueID") or _child_text(node, "OFSIGroupID")
    schema = _uk_schema(_child_text(node, "IndividualEntityShip"))
    found = []
    for names in _children(node, "Names"):
        for name in _children(names, "Name"):
            parts = [_child_text(name, f"Name{i}") for i in range(1, 7)]
            found.append(
                (
                    _uk_name(parts[5], parts[:5], schema),
                    _uk_primary(_child_text(name, "NameType")),
                    _uk_weak(_child_text(name, "AliasStrength")),
                )
            )
    found += [(_clean(n.text), False, False) for n in _descendants(node, "NameNonLatinScript")]
    names_read = _ranked_names(found)
    if not uid or not names_read:
        return None
    countries = (
        n.text or "" for tag in ("Nationality", "AddressCountry") for n in _descendants(node, tag)
    )
    extra = {
        key: value
        for key, value in (
            ("ofsi_group_id", _child_text(node, "OFSIGroupID")),
            ("un_reference", _child_text(node, "UNReferenceNumber")),
        )
        if value
    }
    return ListEntity(
        id=uid,
        schema=schema,
        names=names_read,
        programs=tuple(filter(None, [_child_text(node, "RegimeName")])),
        countries=_uk_countries(countries),
        listed_on=_uk_date(_child_text(node, "DateDesignated")),
        extra=extra,
    )


_UK_ROOTS = ("Designations", "ArrayOfFinancialSanctionsTarget")


def read_uk_xml(raw: bytes) -> list[ListEntity]:
    """The FCDO's UK Sanctions List (`Designations`) or OFSI's ConList.xml
    (`ArrayOfFinancialSanctionsTarget`, the CSV's rows as elements), whatever their namespace."""
    if _root(raw) == "ArrayOfFinancialSanctionsTarget":
        rows = (
            {
                field: _clean(child.text)
                for child in target
                if (field := _CONLIST_XML_FIELDS.get(_local(child.tag).lower()))
            }
            for target in _elements(raw, "uk-xml", _UK_ROOTS, {"FinancialSanctionsTarget"})
        )
        return _uk_grouped(rows, "uk-xml")
    designations = _elements(raw, "uk-xml", _UK_ROOTS, {"Designation"})
    return [e for e in map(_uk_designation, designations) if e is not None]


_EU_SCHEMAS = {"person": "individual", "enterprise": "entity"}


def _eu_country(node: Any) -> str:
    # "00" / "UNKNOWN" is the EU's way of saying no country.
    description = _clean(node.get("countryDescription"))
    if description and description.upper() != "UNKNOWN":
        return description
    code = _clean(node.get("countryIso2Code"))
    return code if code not in ("", "00") else ""


def read_eu_xml(raw: bytes) -> list[ListEntity]:
    """The EU Financial Sanctions Files XML (v1.1: an `export` of `sanctionEntity` elements whose
    data are attributes), whatever its namespace. EU names put the given name first: kept as
    written. `strong="false"` marks a weak alias."""
    entities = _elements(raw, "eu-xml", ("export",), {"sanctionEntity"})
    return [e for e in map(_eu_entity, entities) if e is not None]


def _eu_entity(node: Any) -> ListEntity | None:
    codes = [_clean(s.get("code")).lower() for s in _children(node, "subjectType")]
    schema = _EU_SCHEMAS.get(codes[0] if codes else "", "entity")
    found = []
    for alias in _children(node, "nameAlias"):
        first, middle, last = (
            _clean(alias.get(k)) for k in ("firstName", "middleName", "lastName")
        )
        weak = _clean(alias.get("strong")).lower() == "false"
        given = " ".join(p for p in (first, middle) if p)
        found.append((_clean(alias.get("wholeName")) or f"{given} {last}".strip(), False, weak))
        if schema == "individual" and given and last:
            # Also as "SURNAME, Given Names", so that `variants` indexes "Given SURNAME"
            # without the middle name or patronymic ("Sergey Lavrov").
            found.append((f"{last}, {given}", False, weak))
    names = _ranked_names(found)
    uid = _clean(node.get("logicalId")) or _clean(node.get("euReferenceNumber"))
    if not uid or not names:
        return None
    countries = (_eu_country(c) for tag in ("citizenship", "address") for c in _children(node, tag))
    programs = (_clean(r.get("programme")) for r in _children(node, "regulation"))
    designated = _clean(node.get("designationDate"))
    extra = {
        key: value
        for key, value in (
            ("eu_reference", _clean(node.get("euReferenceNumber"))),
            ("un_reference", _clean(node.get("unitedNationId"))),
        )
        if value
    }
    return ListEntity(
        id=uid,
        schema=schema,
        names=names,
        programs=tuple(dict.fromkeys(filter(None, programs))),
        countries=tuple(dict.fromkeys(filter(None, countries))),
        listed_on=designated[:10] if _ISO_DATE.match(designated) else None,
        extra=extra,
    )


# format -> (files it reads beside the main one, reader)
FORMATS: dict[str, tuple[tuple[str, ...], Callable[..., list[ListEntity]]]] = {
    "ofac-csv": (("alt.csv", "add.csv", "sdn_comments.csv"), read_ofac_csv),
    "un-xml": ((), read_un_xml),
    "opensanctions-csv": ((), read_opensanctions_csv),
    "ofac-xml": ((), read_ofac_xml),
    "opensanctions-ftm": ((), read_opensanctions_ftm),
    "csl-csv": ((), read_csl_csv),
    "uk-csv": ((), read_uk_csv),
    "uk-xml": ((), read_uk_xml),
    "eu-xml": ((), read_eu_xml),
}
