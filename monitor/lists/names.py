"""The names news text really contains, built from list names: given name first, second
surname optional, legal forms optional. Names too weak to stand alone are marked weak."""

from __future__ import annotations

import re

from monitor.lists.model import ListEntity
from monitor.text.lang import FUNCTION_WORDS
from monitor.text.normalize import fold_plain

# Legal forms in the lists' spellings, compared after normalisation ("S.A." -> "s a").
LEGAL_FORMS = frozenset(
    "llc ooo oao zao pao ao pjsc ojsc cjsc jsc plc ltd limited inc corp corporation co company "
    "gmbh ag sa s a sarl srl spa bv nv llp lp fze fzco fzc pte tov pp".split()
)
_PAREN = re.compile(r"\([^)]*\)")


def variants(name: str, schema: str) -> list[str]:
    """Forms of one list name that an article may use, the name itself first."""
    name = " ".join(_PAREN.sub(" ", name).split())
    out = [name]
    if schema == "individual" and "," in name:
        surnames, given = (p.strip() for p in name.split(",", 1))
        if given:
            out.append(f"{given} {surnames}")
            parts = surnames.split()
            if len(parts) == 2:  # Hispanic double surname: the second is usually dropped
                out.append(f"{given} {parts[0]}")
    elif schema == "entity":
        words = fold_plain(name).split()
        core = [w for w in words if w not in LEGAL_FORMS]
        while core and core[-1] in ("s", "a"):
            core.pop()
        if core and len(core) < len(words):
            out.append(" ".join(core))
    return list(dict.fromkeys(out))


def is_weak(text: str) -> bool:
    """A name that alone proves nothing: fewer than two words of three letters or more that are
    not function words ("CHINA'S", "EL PAIS", "DAN"), or four letters or fewer in all."""
    norm = fold_plain(text)
    words = [
        w for w in norm.split() if len(w) >= 3 and w not in FUNCTION_WORDS and w not in ("el", "al")
    ]
    return len(words) < 2 or len(norm.replace(" ", "")) <= 4


def entity_aliases(entity: ListEntity) -> tuple[list[str], list[str]]:
    """(strong aliases, weak aliases) of an entity."""
    strong: list[str] = []
    weak: list[str] = []
    for name in entity.names:
        for variant in variants(name.name, entity.schema):
            (weak if name.weak or is_weak(variant) else strong).append(variant)
    strong = list(dict.fromkeys(strong))
    return strong, [w for w in dict.fromkeys(weak) if w not in strong]
