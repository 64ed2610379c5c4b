"""The names news text really contains, built from list names: given name first, middle names and
the second surname optional, legal forms optional, the distinctive word of a company, Cyrillic and
Greek names in Latin letters. Names too weak to stand alone are marked weak: the matcher keeps
them only with more evidence nearby."""

from __future__ import annotations

import re

from anyascii import anyascii
from rigour.names import remove_org_types

from monitor.lists.model import ListEntity
from monitor.text.lang import function_words
from monitor.text.normalize import fold_plain
from monitor.text.scripts import latinizable

# Legal forms in the lists' spellings, compared after normalisation ("S.A." -> "s a"); rigour's
# table catches the long ones ("Limited Liability Company", "S.A. de C.V.") first.
LEGAL_FORMS = frozenset(
    "llc ooo oao zao pao ao pjsc ojsc cjsc jsc plc ltd limited inc corp corporation co company "
    "gmbh ag sa s a sarl srl spa bv nv llp lp fze fzco fzc pte tov pp sdn bhd "
    "ооо оао зао пао ао тов".split()
)
# Words that describe what a company is rather than which one: "ROSNEFT OIL COMPANY" is written
# "Rosneft", "PRIVATE MILITARY COMPANY 'WAGNER'" is "Wagner".
DESCRIPTORS = frozenset(
    "company group holding holdings bank air airlines airline airways aviation shipping lines line "
    "trading trade industries industry industrial international pmc private military oil gas "
    "petroleum energy investment investments services management general of and the for "
    "organization organisation foundation enterprise enterprises".split()
)
PARTICLES = frozenset("abu abou bin ben ibn bint della van von der den des del".split())
_PAREN = re.compile(r"\([^)]*\)")
_QUOTES = re.compile(r"[\"'«»“”„]")
Variant = tuple[str, bool]  # (name as an article may write it, weak: never on its own)


def variants(name: str, schema: str) -> list[Variant]:
    """Forms of one list name that an article may use, the name itself first."""
    return [(variant, weak) for _, variant, weak in _keyed_variants(name, schema)]


def _keyed_variants(name: str, schema: str) -> list[tuple[str, str, bool]]:
    """(normalised form, variant, weak) of each variant of a name."""
    name = " ".join(_PAREN.sub(" ", name).split())
    out: list[Variant] = [(name, False)]
    if schema == "individual":
        out += _person(name)
    elif schema == "entity":
        out += _organisation(name)
    if latinizable(name):  # Роснефть is written Rosneft in Latin text
        out += [(" ".join(anyascii(v).replace("'", "").split()), weak) for v, weak in out]
    seen: dict[str, tuple[str, str, bool]] = {}
    for variant, weak in out:
        key = fold_plain(variant)
        weak = weak or _weak_norm(key)
        if key and (key not in seen or seen[key][2] > weak):
            seen[key] = (key, variant, weak)
    return list(seen.values())


def _person(name: str) -> list[Variant]:
    """ "MADURO MOROS, Nicolas" -> "Nicolas MADURO MOROS", "Nicolas MADURO"; "LAVROV, Sergey
    Viktorovich" -> "Sergey Viktorovich LAVROV", "Sergey LAVROV"."""
    if "," not in name:
        return []
    surnames, given = (p.strip() for p in name.split(",", 1))
    if not given or not surnames:
        return []
    first = given.split()[0]
    out = [f"{given} {surnames}", f"{first} {surnames}"]
    parts = surnames.split()
    # Hispanic double surname: the second is usually dropped. Not a particle's word: "AL HAKIM"
    # is one surname.
    if len(parts) == 2 and len(parts[0]) > 3 and fold_plain(parts[0]) not in PARTICLES:
        out += [f"{given} {parts[0]}", f"{first} {parts[0]}"]
    return [(v, False) for v in out]


def _organisation(name: str) -> list[Variant]:
    words = fold_plain(_QUOTES.sub(" ", remove_org_types(name))).split()
    core = [w for w in words if w not in LEGAL_FORMS]
    out: list[Variant] = []
    if any(w not in DESCRIPTORS for w in core) and core != fold_plain(name).split():
        out.append((" ".join(core), False))
    distinctive = [w for w in core if w not in DESCRIPTORS]
    if len(distinctive) == 1 and len(core) > 1 and len(distinctive[0]) >= 5:
        out.append((distinctive[0], True))
    return out


# Words that tell nothing in a listed name: the function words of the languages the lists and
# their transliterations are written in. Not every language's: Croatian "ali" (but) and Swahili
# "na" are Ali and Na in names.
FUNCTION_WORDS = function_words(("en", "fr", "es", "pt", "de", "it", "id", "ms", "tr", "vi"))


def _weak_norm(norm: str) -> bool:
    """A name (normalised) that alone proves nothing: fewer than two words of three letters or
    more that are not function words ("china s", "el pais", "dan"), or four letters or fewer."""
    words = [
        w for w in norm.split() if len(w) >= 3 and w not in FUNCTION_WORDS and w not in ("el", "al")
    ]
    return len(words) < 2 or len(norm.replace(" ", "")) <= 4


def entity_aliases(entity: ListEntity) -> tuple[dict[str, str], dict[str, str]]:
    """(strong aliases, weak aliases) of an entity, each normalised form -> the form written.
    Weak names that would prove nothing even beside a sanctions term are left out: a first name
    alone ("Samir", "Said"), a code of four characters, a word that only says what a company is
    ("Group")."""
    strong: dict[str, str] = {}
    weak: dict[str, str] = {}
    for name in entity.names:
        for key, variant, is_weak_form in _keyed_variants(name.name, entity.schema):
            (weak if name.weak or is_weak_form else strong).setdefault(key, variant)
    return strong, {k: w for k, w in weak.items() if k not in strong and _telling(k, entity.schema)}


_UNINFORMATIVE = FUNCTION_WORDS | DESCRIPTORS | LEGAL_FORMS


def _telling(norm: str, schema: str) -> bool:
    words = norm.split()
    if schema == "individual" and len(words) < 2:
        return False
    return len(norm.replace(" ", "")) > 4 and not all(w in _UNINFORMATIVE for w in words)
