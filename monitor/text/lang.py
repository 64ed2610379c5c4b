"""A language guess for articles that do not say their language.

Each built-in language file (monitor/languages/<code>.yaml) opens with what the guess needs:
the scripts its letters are written in (`script`), its most frequent function words (`words`)
and the letters that tell it from the other languages of its script (`letters`). The guess is
the script most letters are in; then the one language written in it, or among several the one
whose words and letters occur most. Returns None when unsure, and aliases limited to some
languages (`langs: [id, ms]`) then apply.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path

import ahocorasick_rs
import numpy as np
import regex
import yaml

from monitor import cached
from monitor.text.charmap import CharMap, code_points

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
    modal: frozenset[str] = frozenset()  # words that make a measure a proposal: could, plans
    negation: frozenset[str] = frozenset()  # words that deny it: not, never
    # The ordinal words of the numbers that name a decision ("the twelfth package"), each to
    # its number; a form ending in * is a stem (двенадцат* for every case of двенадцатый).
    ordinals: tuple[tuple[str, int], ...] = ()


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
                _words(data.get("words")),
                frozenset(str(data.get("letters") or "").lower()) - {" "},
                _words(data.get("modal")),
                _words(data.get("negation")),
                _ordinals(data.get("ordinals")),
            )
        )
    return tuple(out)


def _ordinals(value: object) -> tuple[tuple[str, int], ...]:
    """Number to words; a malformed one is skipped here and reported by the built-in check
    (monitor/config/builtin.py) with its file and line."""
    if not isinstance(value, dict):
        return ()
    return tuple(
        (form, n)
        for n, forms in value.items()
        if isinstance(n, int) and isinstance(forms, str)
        for form in forms.split()
    )


def _words(value: object) -> frozenset[str]:
    return frozenset(str(value or "").lower().split())


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


@lru_cache(maxsize=64)  # asked twice for one article: by the matcher, by the events stage
def detect(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None. The opening 400 characters tell most
    texts' language clearly; the guess reads on to 1,500 only where they do not."""
    code, clear = _guess(text[:400])
    if clear or len(text) <= 400:
        return code
    return _guess(text[:1500])[0]


def _guess(sample: str) -> tuple[str | None, bool]:
    """The language of `sample`, and whether it stands out (a quarter above the runner-up: on
    1,327 texts of 78 languages, reading on to 1,500 characters then never changed the guess).
    Every count is made in C (translate, sets, the automaton): this runs on most articles."""
    tables = _tables()
    lowered = sample.lower()
    # The script of most letters: 500 tell. Beyond the Basic Multilingual Plane, none counts.
    points = np.minimum(code_points(lowered[:500]), 0xFFFF)
    counts = np.bincount(tables.scripts[points], minlength=len(tables.names))
    present = np.flatnonzero(counts[1:]) + 1
    scripts = {
        tables.names[i]: n for i, n in zip(present.tolist(), counts[present].tolist(), strict=True)
    }
    if not scripts:
        return None, False
    script = max(scripts, key=scripts.__getitem__)
    if scripts[script] < 3:
        return None, False
    candidates = _written_in(script)
    if len(candidates) <= 1:
        return (candidates[0].code if candidates else None), True
    # Plain dicts, filled in the order the texts give: a tie goes to the first language seen.
    said: dict[str, int] = {}
    found = _SPEAKERS.find(f" {tables.spaces(lowered)} ")
    codes = _SPEAKERS.codes  # filled by the first `find`
    for index, _, _ in found:
        for code in codes[index]:
            said[code] = said.get(code, 0) + 1
    # Letters that mark a language are a hint, not a proof: at most 10 points each.
    marked: dict[str, int] = {}
    pattern, writers = _marked_letters(script)
    for letter, n in Counter(pattern.findall(lowered)).items():
        for code in writers[letter]:
            marked[code] = marked.get(code, 0) + n
    writing = _codes_written_in(script)
    score = {c: n + min(10, marked.get(c, 0)) for c, n in said.items() if c in writing}
    score.update({c: min(10, n) for c, n in marked.items() if c not in said})
    if len(scripts) > 1:
        for p in candidates:  # letters of its other scripts (kana among Han) are nearly proof
            others = [n for s, n in scripts.items() if s != script and s in p.scripts]
            if others:
                score[p.code] = score.get(p.code, 0) + sum(others)
    top = sorted(score.items(), key=itemgetter(1), reverse=True)[:2]
    ranked = [(n, code) for code, n in top if n > 0]
    if not ranked:
        # Nothing tells them apart: the language written in this script alone (Chinese among
        # Chinese and Japanese), if there is exactly one.
        alone = [p for p in candidates if p.scripts == (script,)]
        return (alone[0].code if len(alone) == 1 else None), False
    best, first = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else 0
    return (first if best >= 2 and best > second else None), best >= 3 and 4 * best >= 5 * second


@dataclass(frozen=True)
class _Tables:
    """For each character of the Basic Multilingual Plane the number of its script (0: not a
    letter), counted in one pass; and every separator (punctuation, symbols, spaces, controls)
    to a space."""

    scripts: np.ndarray
    names: tuple[str, ...]  # the script of each number; names[0] is for the non-letters
    spaces: CharMap


@cache
def _tables() -> _Tables:
    key = f"{cached.code_digest()} {unicodedata.unidata_version}"
    found = cached.load(cached.user_folder(), "scripts.cache", key)
    if not (isinstance(found, tuple) and len(found) == 3):  # our own file, written below
        scripts = np.zeros(0x10000, dtype=np.uint8)
        numbers: dict[str, int] = {"": 0}
        separators: dict[int, str] = {}
        for cp in range(0x10000):
            ch = chr(cp)
            if ch.isalpha():
                scripts[cp] = numbers.setdefault(script_of(ch), len(numbers))
            elif unicodedata.category(ch)[0] in "PSZC":
                separators[cp] = " "
        found = scripts, tuple(numbers), separators
        cached.save(cached.user_folder(), "scripts.cache", key, found)
    scripts, names, separators = found
    return _Tables(scripts, names, CharMap(separators))


class _Speakers:
    """One automaton over every language's function words, each between spaces: a text's words
    are counted in one scan."""

    def __init__(self) -> None:
        self._automaton: ahocorasick_rs.AhoCorasick | None = None
        self.codes: list[tuple[str, ...]] = []

    def find(self, spaced: str) -> list[tuple[int, int, int]]:
        if self._automaton is None:
            speakers = _speakers()
            self.codes = list(speakers.values())
            self._automaton = ahocorasick_rs.AhoCorasick([f" {w} " for w in speakers])
        return self._automaton.find_matches_as_indexes(spaced, True)


_SPEAKERS = _Speakers()


@cache
def _marked_letters(script: str) -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """Any of the letters that tell the languages of this script apart, and who writes each."""
    writers: dict[str, tuple[str, ...]] = {}
    for p in _written_in(script):
        for letter in p.letters:
            writers[letter] = (*writers.get(letter, ()), p.code)
    # `re`, not `regex`: a class of single letters is ten times faster there.
    letters = "".join(map(re.escape, sorted(writers))) or "\uffff"
    return re.compile(f"[{letters}]"), writers


@cache
def _written_in(script: str) -> tuple[Profile, ...]:
    return tuple(p for p in profiles() if script in p.scripts)


@cache
def _codes_written_in(script: str) -> frozenset[str]:
    return frozenset(p.code for p in _written_in(script))


@cache
def script_of(ch: str) -> str:
    """The Unicode script of a letter as the language files name it: latin, cyrillic, han..."""
    word = unicodedata.name(ch, "").split(" ", 1)[0].lower()
    return {"cjk": "han"}.get(word, word)


def same_language(code: str, wanted: frozenset[str]) -> bool:
    """`zh-Hant` counts as `zh`, `pt-BR` as `pt`."""
    return code.split("-")[0].split("_")[0].lower() in wanted


FUNCTION_WORDS = function_words()
