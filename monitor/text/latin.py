"""Normalised Cyrillic and Greek text in Latin letters, with the way back to the offsets of the
normalised text: lists write most names only in Latin letters, Russian news only in Cyrillic."""

from __future__ import annotations

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
            table = _table()
            self._back = []
            for i, ch in enumerate(self._norm):
                self._back.extend([i] * len(table.get(ord(ch), ch)))
        return self._back[n]


def latinize(norm: str) -> Latinized | None:
    """The Latin reading of `norm`, when it has Cyrillic or Greek letters."""
    return Latinized(norm) if latinizable(norm) else None
