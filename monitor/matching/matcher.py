"""Find every watchlist alias in an article: exact and fuzzy candidates, verified and filtered."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from itertools import filterfalse

from rapidfuzz import fuzz

from monitor.config.model import Watchlist
from monitor.matching.aliases import Alias, compile_aliases
from monitor.matching.index import AliasIndex, Anchor, is_typo, other_ending
from monitor.models import FIELDS, Article, Field, Hit
from monitor.text.lang import FUNCTION_WORDS, detect, same_language
from monitor.text.latin import latinize
from monitor.text.normalize import fold
from monitor.text.scripts import Script, latinizable
from monitor.text.segments import Segments

log = logging.getLogger("monitor")

# (alias, start, end, score) in normalised-text offsets
Candidate = tuple[Alias, int, int, float]


REGEX_BUDGET = 0.25  # seconds one regex alias may spend on one field


class Matcher:
    """Compiled watchlists. Build once (it indexes every alias), then call `find` per article."""

    def __init__(self, watchlists: Mapping[str, Watchlist]):
        self.aliases = compile_aliases(watchlists.values())
        self.index = AliasIndex(self.aliases)
        self.latin_lists = any(a.ref is not None and not latinizable(a.norm) for a in self.aliases)
        # For each imported list: the watchlists that confirm its weak names.
        own = frozenset(n for n, wl in watchlists.items() if wl.imports is None)
        self.weak_needs = {
            n: wl.imports.weak_needs or own for n, wl in watchlists.items() if wl.imports
        }

    def find(self, article: Article) -> list[Hit]:
        lang: list[str | None] = []

        def article_lang() -> str | None:  # detected only when an alias is limited to languages
            if not lang:
                lang.append(article.lang or detect(f"{article.title}\n{article.body[:2000]}"))
            return lang[0]

        hits: list[Hit] = []
        for field in FIELDS:
            text = article.text(field)
            if text:
                hits.extend(self._field_hits(text, field, article_lang))
        return hits

    def _field_hits(self, text: str, field: Field, lang: Callable[[], str | None]) -> list[Hit]:
        folded = fold(text)
        found = self._candidates(folded.text)
        latin = latinize(folded.text) if self.latin_lists else None
        if latin is not None:
            # Names the lists give only in Latin letters, written in Cyrillic or Greek.
            found.extend(
                (a, latin.origin(s), latin.origin(e - 1) + 1, score)
                for a, s, e, score in self._candidates(latin.text)
                # A weak name is too little to go on through a transliteration (Россия: "rossiya",
                # the distinctive word of BANK ROSSIYA).
                if a.ref is not None and not a.weak and not latinizable(a.norm) and e > s
            )
        # An exclude written as a stem ("irány*") covers the whole word, as an alias hit does.
        vetoes = [
            (a.watchlist, a.entry, *_whole_words(folded.text, a, s, e))
            for a, s, e, _ in found
            if a.exclude
        ]
        hits = []
        # The best score each entry has been found with on a span: another alias of the entry on
        # that span (Росси* and Россия) adds nothing and is not checked again.
        found_on: dict[tuple[str, str, int, int], float] = {}
        # Aliases for any language first: where one has found its entry, the same form written
        # for a few languages (Putin* in five Slavic files) needs no language guess.
        found.sort(key=_limited)
        for alias, start, end, score in found:
            if alias.exclude:
                continue
            # Most case-sensitive aliases are abbreviations spelt like a common word ("UN" and
            # French "un"): letters missing from the whole text need no closer look.
            if alias.case and alias.letters not in text and " " not in alias.norm:
                continue
            start, end = _whole_words(folded.text, alias, start, end)
            place = (alias.watchlist, alias.entry, start, end)
            if found_on.get(place, -1.0) >= score:
                continue
            if vetoes and any(
                v[:2] == (alias.watchlist, alias.entry) and v[2] <= start and end <= v[3]
                for v in vetoes
            ):
                continue
            o_start, o_end = folded.original_span(start, end)
            if alias.case and not _same_letters(text[o_start:o_end], alias):
                continue
            if alias.weak and " " not in alias.norm and text[o_start].islower():
                continue  # one weak word must at least be written as a name: "Wagner", not "first"
            if alias.langs and (code := lang()) and not same_language(code, alias.langs):
                continue
            hits.append(_hit(alias, text, field, o_start, o_end, score))
            found_on[place] = score
        hits.extend(self._regex_hits(text, field, lang))
        return self._confirmed(text, _without_overlaps(hits))

    def _confirmed(self, text: str, hits: list[Hit]) -> list[Hit]:
        """Weak hits ("Wagner", a nickname, a one-word alias) kept only where their sentence has
        other evidence: a hit of a watchlist its list names in `weak_needs` (a sanctions term)
        or a stronger name of the same entity; and a weak word is not part of another name."""
        if not any(h.weak for h in hits):
            return hits
        segments = Segments.of(text)
        strong = [(segments.sentence(h.start), h) for h in hits if not h.weak]

        def confirmed(weak: Hit) -> bool:
            needs = self.weak_needs.get(weak.watchlist, frozenset())
            where = segments.sentence(weak.start)
            return any(
                at == where and (h.watchlist in needs or h.entry == weak.entry) for at, h in strong
            ) and not (
                " " not in weak.text.strip() and _in_another_name(text, weak, hits, segments)
            )

        return [h for h in hits if not h.weak or confirmed(h)]

    def _candidates(self, norm: str) -> list[Candidate]:
        padded = f" {norm} "
        found = [(a, s - 1, e - 1, 100.0) for a, s, e in self.index.exact(padded)]
        found.extend(self._fuzzy(norm))
        return found

    def _fuzzy(self, norm: str) -> Iterable[Candidate]:
        index = self.index
        if not index.has_fuzzy:
            return
        tokens = norm.split(" ")
        # The words never seen before or with candidates: most are dropped by one C-level pass.
        words = set(filterfalse(index.no_candidates.__contains__, tokens))
        wanted = {w: c for w in words if (c := index.fuzzy_candidates(w))}
        if not wanted:
            return
        padded = f" {norm} "
        last = len(tokens) - 1
        for word, candidates in wanted.items():  # found by `find` in C, not by a loop over words
            at = padded.find(f" {word} ")
            while at >= 0:
                place = norm.count(" ", 0, at)  # the word's place among the tokens
                for anchor in candidates:
                    step, letter = anchor.neighbour
                    if step and not (
                        0 <= place + step <= last and tokens[place + step][:1] == letter
                    ):
                        continue  # the word beside it is no typo of the alias's: not this one
                    found = _verify_window(tokens, at, place, anchor)
                    if found is not None:
                        yield found
                at = padded.find(f" {word} ", at + len(word) + 1)

    def _regex_hits(self, text: str, field: Field, lang: Callable[[], str | None]) -> list[Hit]:
        hits = []
        for alias in self.index.regex_aliases:
            assert alias.regex is not None
            if alias.langs and (code := lang()) and not same_language(code, alias.langs):
                continue
            try:
                for m in alias.regex.finditer(text, timeout=REGEX_BUDGET):
                    if m.end() > m.start():
                        hits.append(_hit(alias, text, field, m.start(), m.end(), 100.0))
            except TimeoutError:
                # A pattern `check` let through that still backtracks without end on this
                # text: this field goes without it, the poll goes on.
                log.warning("regex alias %r of %s gave up on a text", alias.written, alias.entry)
        return hits


def _limited(candidate: Candidate) -> bool:
    return bool(candidate[0].langs)


def _verify_window(tokens: list[str], offset: int, at: int, anchor: Anchor) -> Candidate | None:
    """Check the words around the anchor word, token `at` (at `offset` in the text), against
    the whole alias."""
    wanted = anchor.words
    first = at - anchor.position
    last = first + len(wanted)
    if first < 0 or last > len(tokens):
        return None
    window = tokens[first:last]
    misspelt = False
    for i, (seen, word) in enumerate(zip(window, wanted, strict=True)):
        if seen == word:
            continue
        if not is_typo(seen, word) or (i == 0 < len(wanted) - 1 and other_ending(seen, word)):
            return None
        misspelt = True
    if not misspelt:
        return None  # found as it is written: the exact layer has it
    seen = " ".join(window)
    start = offset - sum(len(t) + 1 for t in tokens[first:at])
    return anchor.alias, start, start + len(seen), round(fuzz.ratio(seen, anchor.alias.norm), 1)


_WORD_BEFORE = re.compile(r"(\w+)[^\S\n]+$")
_WORD_AFTER = re.compile(r"[^\S\n]+(\w+)")
_WORD = re.compile(r"\w{4,}")


def _in_another_name(text: str, hit: Hit, hits: list[Hit], segments: Segments) -> bool:
    """A one-word name with a capitalised word right beside it that no watchlist knows is part of
    another name: "Anna Jennifer Wagner", "Amber Benson", "Kimberly Christina Garrett". Not in a
    sentence written in Title Case, where every word is capitalised."""
    start, end = segments.sentence_span(segments.sentence(hit.start))
    long_words = _WORD.findall(text, start, end)
    if long_words and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words):
        return False
    before = _WORD_BEFORE.search(text, max(start, hit.start - 60), hit.start)
    after = _WORD_AFTER.match(text, hit.end, min(end, hit.end + 60))
    for m in (before, after):
        if m is None or not m.group(1)[0].isupper() or m.group(1).casefold() in FUNCTION_WORDS:
            continue
        if not any(h.start <= m.start(1) < h.end for h in hits if h is not hit):
            return True
    return False


def _whole_words(norm: str, alias: Alias, start: int, end: int) -> tuple[int, int]:
    """Widen a hit on an open-ended alias (`Росси*`) to the whole word seen (Россией)."""
    if alias.script is Script.DENSE:
        return start, end
    if alias.open_end:
        space = norm.find(" ", end)
        end = len(norm) if space < 0 else space
    if alias.open_start:
        start = norm.rfind(" ", 0, start) + 1
    return start, end


def _same_letters(seen: str, alias: Alias) -> bool:
    """Whether the letters seen are the alias's, in its case and accents; for a stem, whether
    the word seen begins (or ends) with them: `{text: "Ağ Ev*", case: true}` and "Ağ Evin"."""
    written = seen if seen.isalnum() else "".join(ch for ch in seen if ch.isalnum())
    letters = alias.letters
    if alias.open_end and alias.open_start:
        return letters in written
    if alias.open_end:
        return written.startswith(letters)
    if alias.open_start:
        return written.endswith(letters)
    return written == letters


def _hit(alias: Alias, text: str, field: Field, start: int, end: int, score: float) -> Hit:
    return Hit(
        alias.watchlist,
        alias.entry,
        alias.written,
        text[start:end],
        field,
        start,
        end,
        score,
        alias.ref,
        alias.weak,
        alias.origin,
    )


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    """A hit inside a longer one of the same watchlist, or overlapping one of the same entry,
    adds nothing: "Amerika Serikat" wins over "Serikat", "Nicolas Maduro Moros" is one hit. The
    same words as two entries are both kept: the later stages choose between them."""
    hits.sort(key=lambda h: (h.start, -(h.end - h.start), -h.score))
    kept: list[Hit] = []
    for hit in hits:
        for k in kept[-8:]:
            if k.watchlist != hit.watchlist:
                continue
            if k.entry != hit.entry and (k.start, k.end) == (hit.start, hit.end):
                continue  # one word, two entries ("ipapataw": imposed, and proposed): both
            if hit.end <= k.end or (k.entry == hit.entry and hit.start < k.end):
                break
        else:
            kept.append(hit)
    return kept
