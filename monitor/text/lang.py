"""A language guess for articles that do not say their language.

Each built-in language file (monitor/languages/<code>.yaml) opens with what the guess needs:
the scripts its letters are written in (`script`), its most frequent function words (`words`)
and the letters that tell it from the other languages of its script (`letters`). The guess is
the script most letters are in; then the one language written in it, or among several the one
whose words and letters occur most. Returns None when unsure, and aliases limited to some
languages (`langs: [id, ms]`) then apply.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex
import yaml

LANGUAGES = Path(__file__).resolve().parents[1] / "languages"  # the built-in language files
# A word with its vowel signs and other marks (आहे, not आह + े): `re`'s \w stops at them.
_WORD = regex.compile(r"[\w\p{M}]+")


@dataclass(frozen=True)
class Profile:
    code: str
    name: str  # in English: Polish
    scripts: tuple[str, ...]
    words: frozenset[str]
    letters: frozenset[str]


@cache
def profiles() -> tuple[Profile, ...]:
    """The head of every language file, the part before its `watchlists:` (read alone: the
    aliases below it are the configuration's business, and much longer)."""
    out = []
    for path in sorted(LANGUAGES.glob("*.yaml")):
        with path.open(encoding="utf-8") as f:
            head = "".join(iter(f.readline, "watchlists:\n"))
        data = yaml.safe_load(head) or {}
        scripts = data.get("script") or ()
        out.append(
            Profile(
                path.stem,
                str(data.get("name") or path.stem),
                tuple([scripts] if isinstance(scripts, str) else scripts),
                frozenset(str(data.get("words") or "").lower().split()),
                frozenset(str(data.get("letters") or "").lower()) - {" "},
            )
        )
    return tuple(out)


@cache
def _speakers() -> dict[str, tuple[str, ...]]:
    """Function word -> the languages that have it."""
    out: dict[str, tuple[str, ...]] = {}
    for p in profiles():
        for word in p.words:
            out[word] = (*out.get(word, ()), p.code)
    return out


@cache
def function_words(codes: tuple[str, ...] | None = None) -> frozenset[str]:
    """Words that are never names, in these languages (None: all): the matcher does not look
    for typos of names in them."""
    return frozenset().union(*(p.words for p in profiles() if codes is None or p.code in codes))


def detect(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None."""
    sample = text[:1500]
    scripts = Counter(map(script_of, filter(str.isalpha, sample)))
    if not scripts:
        return None
    script, count = scripts.most_common(1)[0]
    if count < 3:
        return None
    candidates = [p for p in profiles() if script in p.scripts]
    if len(candidates) <= 1:
        return candidates[0].code if candidates else None
    lowered = sample.lower()
    chars = Counter(lowered)
    said: Counter[str] = Counter()
    speakers = _speakers()
    for word, n in Counter(_WORD.findall(lowered)).items():
        for code in speakers.get(word, ()):
            said[code] += n

    def score(p: Profile) -> int:
        marked = min(10, sum(chars[ch] for ch in p.letters))  # a hint, not a proof
        # Letters of its other scripts (Japanese kana among Han) are nearly proof.
        other = sum(n for s, n in scripts.items() if s != script and s in p.scripts)
        return said[p.code] + marked + other

    ranked = sorted(((score(p), p) for p in candidates), key=lambda sp: -sp[0])
    (best, first), (second, _) = ranked[0], ranked[1]
    if best == 0:
        # Nothing tells them apart: the language written in this script alone (Chinese among
        # Chinese and Japanese), if there is exactly one.
        alone = [p for p in candidates if p.scripts == (script,)]
        return alone[0].code if len(alone) == 1 else None
    return first.code if best >= 2 and best > second else None


@cache
def script_of(ch: str) -> str:
    """The Unicode script of a letter as the language files name it: latin, cyrillic, han..."""
    word = unicodedata.name(ch, "").split(" ", 1)[0].lower()
    return {"cjk": "han"}.get(word, word)


def same_language(code: str, wanted: frozenset[str]) -> bool:
    """`zh-Hant` counts as `zh`, `pt-BR` as `pt`."""
    return code.split("-")[0].split("_")[0].lower() in wanted


FUNCTION_WORDS = function_words()
