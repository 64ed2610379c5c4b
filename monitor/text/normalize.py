"""One normalisation for aliases and article text, with a map back to the original offsets.

The fold is per character: NFKC, case folding, diacritics dropped for the scripts where they are
spelling variants (Latin, Cyrillic, Greek, Arabic harakat, Devanagari nukta), Arabic/Persian letter
variants unified, every punctuation, symbol and space character read as one space. Almost every
character folds to exactly one character, so most texts map back to themselves offset for offset;
the few that change length (ß → ss, a soft hyphen → nothing) are handled by a segment map.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import cache

import numpy as np

from monitor import cached
from monitor.text.charmap import CharMap, code_points

# Combining marks that are spelling variants, not letters: dropped after NFKD.
_DROP_MARKS = (
    (0x0300, 0x036F),  # Latin/Greek/Cyrillic diacritics (é, ё, й, ı̇)
    (0x0483, 0x0489),  # Cyrillic
    (0x064B, 0x065F),  # Arabic harakat and hamza above/below (أ → ا, ئ → ي)
    (0x0670, 0x0670),  # Arabic superscript alef
    (0x06D6, 0x06ED),  # Quranic annotation
    (0x093C, 0x093C),  # Devanagari nukta (ज़ → ज): often omitted in news text
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)
_LETTERS = {
    "ي": "ی",
    "ى": "ی",
    "ك": "ک",
    "ة": "ه",
    "ـ": "",  # Arabic/Persian variants, tatweel
    "ı": "i",
    "đ": "d",
    "ł": "l",
    "ø": "o",  # letters NFKD does not decompose
    "\u200c": " ",  # ZWNJ joins Persian plural suffixes (تحریم‌ها): read it as a word break
    # Hebrew final forms are the same letters at a word's end: איראן is איראנ + י in איראני.
    "ך": "כ",
    "ם": "מ",
    "ן": "נ",
    "ף": "פ",
    "ץ": "צ",
}
# Ranges whose characters all fold to themselves: skipped when the table is built.
_IDENTITY = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xD800, 0xF8FF))
_TABLE_END = 0x20000  # beyond: rare ideographs, which fold to themselves anyway


def _is_dropped_mark(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _DROP_MARKS)


def fold_char(c: str) -> str:
    """The normalised form of one character: usually one character, sometimes none or two."""
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", c).casefold())
    out = []
    for ch in s:
        if _is_dropped_mark(ch):
            continue
        ch = _LETTERS.get(ch, ch)
        if ch and unicodedata.category(ch)[0] in "PSZC" and ch != " ":
            # Format characters (soft hyphen, ZWJ, bidi marks) vanish; the rest separate words.
            ch = "" if unicodedata.category(ch) == "Cf" else " "
        out.append(ch)
    folded = unicodedata.normalize("NFC", "".join(out))
    return " " if folded and folded.isspace() else folded  # … is one separator, not three


# Characters that fold to other than one character are first folded to this marker, so that one
# map and one `in` tell whether a text needs the slower, offset-keeping path.
_MARK = "\ue000"


@cache
def _tables() -> tuple[dict[int, str], CharMap]:
    """The fold of every character that changes, and the map of every character to its fold,
    with the irregular ones marked. The first is read from the cache folder while the program
    and its Unicode version are the same: building it takes most of a second."""
    key = f"{cached.code_digest()} {unicodedata.unidata_version}"
    folder = cached.user_folder()
    table = cached.load(folder, "fold.cache", key)
    if not isinstance(table, dict):  # our own file, written below
        table = _build_table()
        cached.save(folder, "fold.cache", key, table)
    return table, CharMap({k: (v if len(v) == 1 else _MARK) for k, v in table.items()})


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    cp = 0
    while cp < _TABLE_END:
        skip = next((hi for lo, hi in _IDENTITY if lo <= cp <= hi), None)
        if skip is not None:
            cp = skip + 1
            continue
        c = chr(cp)
        folded = fold_char(c)
        if folded != c:
            table[cp] = folded
        cp += 1
    table[ord(_MARK)] = " "  # private use: never a letter in news text
    return table


Segments = tuple[tuple[int, int, bool], ...]  # (normalised start, original start, 1:1?)


def _map(segments: Segments, n: int) -> int:
    if not segments:
        return n
    i = bisect_right(segments, (n, _BIG, True)) - 1
    norm_start, orig_start, linear = segments[max(i, 0)]
    return orig_start + (n - norm_start) if linear else orig_start


_BIG = 1 << 62


class Folded:
    """Normalised text and the way back: `original_span` turns a normalised span into the
    original's. The map through collapsed spaces is built only when a span is asked for: most
    articles have no hit."""

    __slots__ = ("_kept", "_spaced", "_spans", "folding", "text")

    def __init__(self, text: str, folding: Segments = (), spaced: str | None = None):
        self.text = text
        self.folding = folding  # folded text -> original
        self._spaced = spaced  # the folded text before runs of spaces were collapsed
        self._kept: np.ndarray | None = None  # offset in `_spaced` of each character kept
        # Spans asked for before: one place is often found by several aliases ("UN" in four
        # languages' watchlists), and most texts map back through both maps.
        self._spans: dict[tuple[int, int], tuple[int, int]] = {}

    def original_start(self, n: int) -> int:
        if self._spaced is not None:
            if self._kept is None:
                self._kept = _kept(self._spaced)
            n = int(self._kept[n])
        return _map(self.folding, n) if self.folding else n

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if not self.folding and self._spaced is None:
            return start, end  # every character folded to one, no run of spaces: the same
        span = self._spans.get((start, end))
        if span is None:
            span = self.original_start(start), self.original_start(max(end - 1, start)) + 1
            self._spans[start, end] = span
        return span


_SPACES = re.compile(r"  +")


def fold(text: str) -> Folded:
    """Normalise `text` for matching: words separated by exactly one space."""
    table, marked = _tables()
    folded = marked(text)
    folding: Segments = ()
    if _MARK in folded:
        folded, folding = _expand_marks(text, folded, table)
    if "  " not in folded:
        return Folded(folded, folding)
    return Folded(_SPACES.sub(" ", folded), folding, spaced=folded)


def _kept(spaced: str) -> np.ndarray:
    """The offset in `spaced` of each character that collapsing runs of spaces keeps: every one
    but a space after a space (one pass in C; a comma folds to a space, so runs are many)."""
    space = code_points(spaced) == _SPACE
    kept = np.ones(len(space), dtype=bool)
    kept[1:] = ~(space[1:] & space[:-1])
    return np.flatnonzero(kept)


_SPACE = ord(" ")


def _expand_marks(text: str, marked: str, table: dict[int, str]) -> tuple[str, Segments]:
    """Replace each marker by the real fold of the character under it, keeping the offsets."""
    parts: list[str] = []
    segments: list[tuple[int, int, bool]] = []
    norm = orig = 0
    at = marked.find(_MARK)
    while at >= 0:
        if at > orig:
            segments.append((norm, orig, True))
            parts.append(marked[orig:at])
            norm += at - orig
        replacement = table[ord(text[at])]
        if replacement:
            segments.append((norm, at, False))
            parts.append(replacement)
            norm += len(replacement)
        orig = at + 1
        at = marked.find(_MARK, orig)
    if orig < len(text):
        segments.append((norm, orig, True))
        parts.append(marked[orig:])
    return "".join(parts), tuple(segments)


def fold_plain(text: str) -> str:
    """The normalised text alone, trimmed: the form aliases are kept in."""
    return fold(text).text.strip()
