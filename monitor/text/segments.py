"""Sentences and words of an original text: which sentence or word an offset is in."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

# A sentence ends at . ! ? and the full stops of other scripts (CJK 。, Arabic ؟, Urdu ۔, Devanagari
# । ॥, Armenian ։, Ethiopic ። and its two-dot form ፡፡, Burmese ။, Khmer ។ ៕, Tibetan ། ༎), or at
# a line break. A period after a single letter or a common abbreviation (U.S., Mr.) does not.
# The stop comes first, as one class, so that the search skips in C to where one is: an alternation
# of classes is tried at every character (five times slower).
_END = re.compile(
    r"[.!?。！？؟۔।॥։።။។៕།༎፡\n]"
    r"(?:(?<=[.!?])[.!?]*[\"'”’»)]*\s+|(?<=[。！？؟۔।॥։።။។៕།༎])[。！？؟۔।॥։።။។៕།༎]*|(?<=፡)፡|(?<=\n)\s*)"
)
_LAST_WORD = re.compile(r"\w*$")
_ABBREVIATIONS = frozenset(
    "mr ms mrs dr st jr sr no vs jan feb mar apr jun jul aug sep sept oct nov dec gen col gov "
    "sen rep inc co corp ltd dept".split()
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Segments:
    text: str

    @staticmethod
    @lru_cache(maxsize=8)
    def of(text: str) -> Segments:
        """The segments of a text, made once for the matcher and the rules of one article."""
        return Segments(text)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        text = self.text
        return [0, *(m.end() for m in _END.finditer(text) if _ends_sentence(m, text))]

    @cached_property
    def _word_starts(self) -> list[int]:
        return [m.start() for m in _WORD.finditer(self.text)]

    def sentence(self, offset: int) -> int:
        return bisect_right(self._sentence_starts, offset) - 1

    def sentence_span(self, index: int) -> tuple[int, int]:
        starts = self._sentence_starts
        return starts[index], starts[index + 1] if index + 1 < len(starts) else len(self.text)

    def word(self, offset: int) -> int:
        return bisect_right(self._word_starts, offset) - 1


def _ends_sentence(m: re.Match[str], text: str) -> bool:
    if not m.group().startswith("."):
        return True  # ! ? and line breaks always end a sentence
    if m.end() < len(text) and text[m.end()].islower():
        return False  # "15. yaptırım paketi", "e.g. sanctions": a sentence starts with a capital
    before = _LAST_WORD.search(text, max(0, m.start() - 12), m.start())
    word = before.group() if before else ""
    if word.isdigit() and len(word) <= 3:
        return False  # an ordinal ("14. Sanktionspaket", "24. února"), not the end of a count
    return not (len(word) == 1 and word.isalpha()) and word.lower() not in _ABBREVIATIONS
