"""Normalised Cyrillic and Greek text in Latin letters, with the way back to the offsets of the
normalised text: lists write most names only in Latin letters, Russian news only in Cyrillic."""

from __future__ import annotations

from functools import cache

from anyascii import anyascii

from monitor.text.normalize import fold_plain
from monitor.text.scripts import latinizable


@cache
def _latin(ch: str) -> str:
    if not latinizable(ch):
        return ch
    # The soft and hard signs come out as apostrophes: Роснефть is "rosneft", not "rosneft '".
    return fold_plain(anyascii(ch).replace("'", "")) or ("" if ch.isalpha() else " ")


def latinize(norm: str) -> tuple[str, list[int]]:
    """`norm` (folded text) with Cyrillic and Greek letters in Latin ones, and for each character
    of the result the offset in `norm` it came from."""
    parts: list[str] = []
    back: list[int] = []
    for i, ch in enumerate(norm):
        latin = _latin(ch)
        parts.append(latin)
        back.extend([i] * len(latin))
    return "".join(parts), back
