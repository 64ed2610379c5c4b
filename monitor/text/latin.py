"""Normalised Cyrillic and Greek text in Latin letters, with the way back to the offsets of the
normalised text: lists write most names only in Latin letters, Russian news only in Cyrillic."""

from __future__ import annotations

from functools import cache

import numpy as np
from anyascii import anyascii

from monitor.text.charmap import code_points, text_of
from monitor.text.normalize import fold_plain
from monitor.text.scripts import latinizable

_RANGES = ((0x0370, 0x0400), (0x0400, 0x0500), (0x1F00, 0x2000))  # Greek, Cyrillic, Greek ext.
_END = 0x2000  # the table covers the code points below this; the rest stay as they are


def _latin(ch: str) -> str:
    # The soft and hard signs come out as apostrophes: Роснефть is "rosneft", not "rosneft '".
    return fold_plain(anyascii(ch).replace("'", "")) or ("" if ch.isalpha() else " ")


@cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """Row `cp` of the first: the letters `cp` turns into, padded; of the second, how many."""
    latin = {cp: _latin(chr(cp)) for lo, hi in _RANGES for cp in range(lo, hi)}
    letters = np.zeros((_END, max(map(len, latin.values()))), dtype=np.uint32)
    letters[:, 0] = np.arange(_END, dtype=np.uint32)
    widths = np.ones(_END, dtype=np.intp)
    for cp, word in latin.items():
        letters[cp] = 0
        letters[cp, : len(word)] = [ord(c) for c in word]
        widths[cp] = len(word)
    return letters, widths


class Latinized:
    """`text` is the normalised text with Cyrillic and Greek letters in Latin ones; `origin`
    maps an offset of it back to the normalised text (the map is built when first asked for:
    most texts have no hit through their transliteration)."""

    __slots__ = ("_back", "_widths", "text")

    def __init__(self, norm: str):
        # One array look-up for the whole text: each character becomes its row of letters, and
        # the mask keeps as many of them as the character turns into (none for a soft sign).
        letters, widths = _tables()
        points = code_points(norm)
        inside = np.minimum(points, _END - 1)
        beyond = points >= _END
        rows = letters[inside]
        rows[beyond, 0] = points[beyond]
        self._widths = np.where(beyond, 1, widths[inside])
        self.text = text_of(rows[np.arange(letters.shape[1]) < self._widths[:, None]])
        self._back: np.ndarray | None = None

    def origin(self, n: int) -> int:
        if self._back is None:
            self._back = np.repeat(np.arange(len(self._widths)), self._widths)
        return int(self._back[n])


def latinize(norm: str) -> Latinized | None:
    """The Latin reading of `norm`, when it has Cyrillic or Greek letters."""
    return Latinized(norm) if latinizable(norm) else None
