"""Normalised Cyrillic and Greek text in Latin letters, with the way back to the offsets of the
normalised text: lists write most names only in Latin letters, Russian news only in Cyrillic."""

from __future__ import annotations

import re
from functools import cache

from anyascii import anyascii

from monitor.text.normalize import fold_plain
from monitor.text.scripts import latinizable

_RANGES = ((0x0370, 0x0400), (0x0400, 0x0500), (0x1F00, 0x2000))  # Greek, Cyrillic, Greek ext.


def _latin(ch: str) -> str:
    # The soft and hard signs come out as apostrophes: Роснефть is "rosneft", not "rosneft '".
    return fold_plain(anyascii(ch).replace("'", "")) or ("" if ch.isalpha() else " ")


@cache
def _table() -> dict[int, str]:
    return {cp: _latin(chr(cp)) for lo, hi in _RANGES for cp in range(lo, hi)}


class Latinized:
    """`text` is the normalised text with Cyrillic and Greek letters in Latin ones; `origin`
    maps an offset of it back to the normalised text (the map is built when first asked for:
    most texts have no hit through their transliteration)."""

    __slots__ = ("_back", "_norm", "text")

    def __init__(self, norm: str):
        self._norm = norm
        self.text = norm.translate(_table())
        self._back: list[int] | None = None

    def origin(self, n: int) -> int:
        if self._back is None:
            self._back = _back_map(self._norm)
        return self._back[n]


def _back_map(norm: str) -> list[int]:
    """For each offset of the Latin text, the offset of the letter it comes from. Built from the
    letters that do not turn into exactly one (ж → zh, ь → nothing), found by one regex: the
    rest maps one to one."""
    table = _table()
    back: list[int] = []
    done = 0  # offsets of norm mapped so far
    for m in _irregular().finditer(norm):
        i = m.start()
        back.extend(range(done, i))
        back.extend([i] * len(table[ord(norm[i])]))
        done = i + 1
    back.extend(range(done, len(norm)))
    return back


@cache
def _irregular() -> re.Pattern[str]:
    letters = "".join(chr(cp) for cp, latin in _table().items() if len(latin) != 1)
    return re.compile(f"[{re.escape(letters)}]")


def latinize(norm: str) -> Latinized | None:
    """The Latin reading of `norm`, when it has Cyrillic or Greek letters."""
    return Latinized(norm) if latinizable(norm) else None
