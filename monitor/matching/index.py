"""The alias index: an exact layer and a typo-tolerant layer, both independent of list size.

Exact: one Aho-Corasick automaton (the Rust `aho-corasick` crate, through ahocorasick_rs) over
every normalised alias pattern; a scan costs the length of the text, not the number of aliases.
Fuzzy: each eligible alias is anchored on its rarest word; the anchors' one-deletion
neighbourhoods (SymSpell) map an article word to the anchors within an edit or two in a few
dictionary look-ups, and rapidfuzz verifies the candidates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import cast

import ahocorasick_rs
from rapidfuzz.distance import OSA

from monitor.matching.aliases import MIN_FUZZY_LEN, Alias, patterns
from monitor.text.lang import FUNCTION_WORDS

_CACHE_LIMIT = 200_000  # article words remembered with their fuzzy candidates


@dataclass(frozen=True, slots=True)
class Anchor:
    """An alias anchored on one of its words: `position` is that word's index in `words`, the
    alias's words (split once here, not at each article word that wakes the anchor).
    `neighbour`: where the word next to the anchor word is (+1 after, -1 before, 0 none) and its
    first letter, which a typo keeps: most article words that wake an anchor fail there."""

    alias: Alias
    position: int
    words: tuple[str, ...]
    neighbour: tuple[int, str] = (0, "")


def max_edits(word: str) -> int:
    return 1 if len(word) <= 8 else 2


def is_typo(seen: str, wanted: str) -> bool:
    """Whether `seen` can be `wanted` misspelt: long enough to misspell, the same first letter,
    within the edit budget, two letters swapped counting as one edit ("Abudl" is "Abdul")."""
    if len(wanted) < MIN_FUZZY_LEN or not seen or seen[0] != wanted[0]:
        return False
    budget = max_edits(wanted)
    return OSA.distance(seen, wanted, score_cutoff=budget) <= budget


_ENDINGS = frozenset("aeioun")


def other_ending(seen: str, wanted: str) -> bool:
    """The same stem with another vowel or n at its end: as the first word of a name, another
    name (Emilia is not Emilio, Julia not Julian, Diane not Diana), while Sergei is Sergey. Not
    said of later words, where endings are spelling or grammar (Lukashenka, Лаврова)."""
    pairs = enumerate(zip(seen, wanted, strict=False))
    stem = next((i for i, (a, b) in pairs if a != b), min(len(seen), len(wanted)))
    return all(len(e) <= 1 and set(e) <= _ENDINGS for e in (seen[stem:], wanted[stem:]))


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


class AliasIndex:
    def __init__(self, aliases: list[Alias]):
        self.aliases = aliases
        self.regex_aliases = [a for a in aliases if a.regex is not None]
        patterns, self._values = self._patterns_of(aliases)
        # The patterns live on in the automaton only: a 100,000-alias index is 7 MB smaller.
        self.automaton = ahocorasick_rs.AhoCorasick(patterns) if patterns else None
        self.known_words = {w for a in aliases if a.regex is None for w in a.norm.split()}
        self._anchors: dict[str, list[Anchor]] = defaultdict(list)
        # deletion variant -> the anchor words it comes from: one word (most) or a tuple of them,
        # which keeps a 100,000-alias index tens of megabytes smaller than a list per variant
        self._neighbours: dict[str, str | tuple[str, ...]] = {}
        fuzzy = [a for a in aliases if a.fuzzy]
        frequency = Counter(w for a in fuzzy for w in set(a.norm.split()))
        for alias in fuzzy:
            self._add_fuzzy(alias, frequency)
        lengths = [len(w) for w in self._anchors] or [0]
        self._word_lengths = (min(lengths) - 2, max(lengths) + 2)
        # Article words seen before: the few with fuzzy candidates, and the many without (a set,
        # so that one C-level set difference drops them from an article's words).
        self.cache: dict[str, tuple[Anchor, ...]] = {}
        self.no_candidates: set[str] = set()
        self.has_fuzzy = bool(self._anchors)

    def __getstate__(self) -> dict[str, object]:
        # The Rust automaton cannot be pickled; its patterns (made again, in the same order as
        # `_values`) can, and rebuild it in a blink.
        state = {k: getattr(self, k) for k in self.__dict__ if k != "automaton"}
        state["patterns"] = self._patterns_of(self.aliases)[0]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        patterns = cast(list[str], state.pop("patterns"))
        self.__dict__.update(state)
        self.automaton = ahocorasick_rs.AhoCorasick(patterns) if patterns else None

    @staticmethod
    def _patterns_of(
        aliases: list[Alias],
    ) -> tuple[list[str], list[tuple[Alias | int, ...]]]:
        """The automaton's patterns, and for each what it finds: alias, start, tail, then the
        next alias's three if several share the pattern. One flat tuple per pattern, not a tuple
        of triples: a 100,000-alias index is megabytes smaller."""
        found: dict[str, list[Alias | int]] = defaultdict(list)
        for alias in aliases:
            if alias.regex is None:
                for pattern, start, tail in patterns(alias):
                    found[pattern] += (alias, start, tail)
        return list(found), [tuple(v) for v in found.values()]

    def _add_fuzzy(self, alias: Alias, frequency: Counter[str]) -> None:
        # Anchor on the rarest word: "Rosneft", not "Company", so that a common word in an
        # article wakes few candidates; never on a short or function word while the alias has
        # another ("s" of "S.A.", "about"): those are in every article. A short anchor is only
        # ever found exactly.
        words = alias.norm.split()

        def rank(i: int) -> tuple[bool, int, int]:
            word = words[i]
            return len(word) < 4 or word in FUNCTION_WORDS, frequency[word], -len(word)

        position = min(range(len(words)), key=rank)
        anchor = words[position]
        if anchor not in self._anchors:
            fuzzy = len(anchor) >= MIN_FUZZY_LEN
            for variant in _deletions(anchor) if fuzzy else (anchor,):
                known = self._neighbours.get(variant)
                if known is None:
                    self._neighbours[variant] = anchor
                else:
                    self._neighbours[variant] = (
                        (known, anchor) if isinstance(known, str) else (*known, anchor)
                    )
        step = 1 if position + 1 < len(words) else -1 if position else 0
        neighbour = (step, words[position + step][:1]) if step else (0, "")
        self._anchors[anchor].append(Anchor(alias, position, tuple(words), neighbour))

    def exact(self, padded: str) -> list[tuple[Alias, int, int]]:
        """(alias, start, end) of each exact occurrence in `padded`, text with a space each side."""
        if self.automaton is None:
            return []
        out = []
        values = self._values
        for index, first, last in self.automaton.find_matches_as_indexes(padded, True):
            found = values[index]
            if len(found) == 3:  # most patterns are one alias's: no loop, no casts
                alias, start, tail = found
                out.append((alias, first + start, last - tail))  # type: ignore[operator]
                continue
            for k in range(0, len(found), 3):
                alias, start, tail = found[k : k + 3]
                out.append((alias, first + start, last - tail))  # type: ignore[operator]
        return out  # type: ignore[return-value]

    def fuzzy_candidates(self, word: str) -> tuple[Anchor, ...]:
        """Anchors within the edit budget of `word`, other than `word` itself."""
        cached = self.cache.get(word)
        if cached is not None:
            return cached
        found: tuple[Anchor, ...] = ()
        lo, hi = self._word_lengths
        if lo <= len(word) <= hi and word not in FUNCTION_WORDS:
            found = tuple(self._verified(word))
        remember = self.cache if found else self.no_candidates
        if len(remember) >= _CACHE_LIMIT:
            remember.clear()
        if found:
            self.cache[word] = found
        else:
            self.no_candidates.add(word)
        return found

    def _verified(self, word: str) -> list[Anchor]:
        anchors: set[str] = set()
        for variant in _deletions(word):
            found = self._neighbours.get(variant)
            if found is not None:
                anchors.update((found,) if isinstance(found, str) else found)
        out = []
        for anchor in anchors:
            if anchor != word and not is_typo(word, anchor):
                continue  # short words only exactly; another first letter, another name
            renamed = anchor != word and other_ending(word, anchor)
            for a in self._anchors[anchor]:
                if renamed and a.position == 0 and " " in a.alias.norm:
                    continue
                single = " " not in a.alias.norm
                # A single word found exactly is the exact layer's; a word that is itself a known
                # alias word means something else (Russian is not a typo of Russia).
                if single and (anchor == word or word in self.known_words):
                    continue
                out.append(a)
        return out
