"""Which writing system a piece of text is in, as far as matching cares."""

from __future__ import annotations

import re
import sys
import unicodedata
from enum import Enum


class Script(Enum):
    SPACED = "spaced"  # words separated by spaces: Latin, Cyrillic, Greek, Devanagari...
    DENSE = "dense"  # no spaces between words: Han, Kana, Thai, Lao, Khmer, Burmese
    HANGUL = "hangul"  # spaced, but particles glue onto nouns (러시아에)
    ARABIC = "arabic"  # spaced, but clitics glue onto words (وروسيا)


_DENSE_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FFFF),
)


def char_script(ch: str) -> Script | None:
    """The script of one letter, or None for digits, spaces and punctuation."""
    if ch.isascii():
        return Script.SPACED if ch.isalpha() else None
    cp = ord(ch)
    if any(lo <= cp <= hi for lo, hi in _DENSE_RANGES):
        return Script.DENSE
    if 0xAC00 <= cp <= 0xD7A3 or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        return Script.HANGUL
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFEFF:
        return Script.ARABIC
    if unicodedata.category(ch)[0] in "LM":
        return Script.SPACED
    return None


def text_script(text: str) -> Script:
    """The script of an alias: that of its first letter."""
    for ch in text:
        script = char_script(ch)
        if script is not None:
            return script
    return Script.SPACED


def fuzzy_friendly(text: str) -> bool:
    """Typo tolerance makes sense for alphabetic scripts whose words are long enough to spell:
    Latin, Cyrillic, Greek. Not for Han, Hangul, Arabic (no edit distance on 3-4 letter roots)."""
    return text.isascii() or all(
        not ch.isalpha() or unicodedata.name(ch, "").startswith(("LATIN", "CYRILLIC", "GREEK"))
        for ch in text
    )


_LATINIZABLE = re.compile("[\u0370-\u03ff\u0400-\u04ff\u1f00-\u1fff]")


def latinizable(text: str) -> bool:
    """Whether `text` has Cyrillic or Greek letters, the scripts whose names transliterate to
    Latin letter for letter well enough to match (Роснефть -> Rosneft, Лавров -> Lavrov)."""
    return _LATINIZABLE.search(text) is not None


def script_name(text: str) -> str:
    """The writing system of the first letter, as Unicode names it: "latin", "cyrillic",
    "arabic", "han", "hangul"...; "" when there is no letter."""
    for ch in text:
        if ch.isalpha():
            word = unicodedata.name(ch, "").split(" ")[0].lower()
            return sys.intern("han" if word == "cjk" else word)  # one string per script
    return ""
