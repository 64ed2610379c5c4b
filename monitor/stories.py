"""Which articles are the same article, and which tell the same story. Pure decisions, no I/O.

Same article: the same GUID in a source, the same canonical URL, or the same fingerprint (the
normalised headline and opening text). Same story: another outlet's copy (syndicated wire text,
a lightly edited headline) within the story window, found by rapidfuzz similarity of the
normalised headlines and opening texts; or, in any language, an event of the same family (new
measures, relief, response, violation, proposal) by one of the same imposers on one of the same
targets, reported within EVENT_WINDOW of the story's first copy, with no number in the
headlines that tells them apart (the 14th package is not the 15th); an agreement and the
decision, which outlets of one day tell either way, join where both headlines number it.
Headlines alike in words but told apart by their events are two stories. When unsure, two
stories.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from rapidfuzz import fuzz, process

from monitor.models import FAMILY_OF, Article, Event
from monitor.text.lang import profiles
from monitor.text.normalize import fold_plain

_LEAD_CHARS = 300
# Headlines are compared by the mean of token_set_ratio (a copy that adds " - Outlet" or a
# clause) and token_sort_ratio (a copy that rewords): reworded copies of one story score 80-95,
# different stories on the same subject 45-75.
HEADLINE_SAME = 80
LEAD_SAME = 85  # ratio of opening texts: wire copy with a different headline
EVENT_WINDOW = 36 * 3600.0  # seconds: the outlets of the world report one decision within it
# Numbers that identify a decision: a package's ordinal, a count, a resolution; not a year.
_NUMBER = re.compile(r"(?<!\d)\d{1,4}(?!\d)")
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class StoryEvent:
    """A story's event as copies in any language tell it alike: outlets differ on the finer
    type (designation or new measures) and on who else they name, rarely on the family."""

    type: str
    imposers: frozenset[str]
    targets: frozenset[str]
    numbers: frozenset[str]  # in the headline

    def to_json(self) -> str:
        return json.dumps(
            [self.type, sorted(self.imposers), sorted(self.targets), sorted(self.numbers)],
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> StoryEvent | None:
        if not text:
            return None
        kind, imposers, targets, numbers = json.loads(text)
        return cls(kind, frozenset(imposers), frozenset(targets), frozenset(numbers))

    def same(self, other: StoryEvent) -> bool:
        return (
            self._alike(other)
            and not self.imposers.isdisjoint(other.imposers)
            and not self.targets.isdisjoint(other.targets)
            and not (self.numbers and other.numbers and self.numbers.isdisjoint(other.numbers))
        )

    def _alike(self, other: StoryEvent) -> bool:
        """The same family; or a decision and its agreement, which outlets of the same day tell
        one as adopted and the other as agreed, when a number in both headlines names it ("16th
        package")."""
        families = {FAMILY_OF[self.type], FAMILY_OF[other.type]}
        return len(families) == 1 or (
            "proposal" in families
            and bool(families & _DECIDED)
            and not self.numbers.isdisjoint(other.numbers)
        )


_DECIDED = frozenset({"new_measures", "relief"})


def story_event(article: Article, events: Sequence[Event]) -> StoryEvent | None:
    """The first event, when it names who acts and on whom: a bare "sanctions" says too little
    to join stories across languages."""
    if not events or not events[0].imposers or not events[0].targets:
        return None
    first = events[0]
    return StoryEvent(
        first.type,
        frozenset(first.imposers),
        frozenset(first.targets),
        headline_numbers(article.title),
    )


def headline_numbers(title: str) -> frozenset[str]:
    """The numbers of a headline, in digits or as ordinal words of any language ("12th",
    "dodicesimo", "двенадцатого", "décimo segundo"): not a year, and not first, second or third
    alone ("third countries")."""
    numbers = {n for n in _NUMBER.findall(title) if not _YEAR.match(n)}
    words = fold_plain(title).split()
    # Portuguese weekdays are ordinals too: quarta-feira is Wednesday, not a fourth.
    said = [None if words[i + 1 : i + 2] == ["feira"] else _ordinal(w) for i, w in enumerate(words)]
    for i, n in enumerate(said):
        if n in _TENS and i + 1 < len(said) and (unit := said[i + 1]) and unit < 10:
            numbers.add(str(n + unit))  # décimo segundo: 12, not 10 and 2
        elif n and n >= _LEAST and not (i and said[i - 1] in _TENS and n < 10):
            numbers.add(str(n))
    return frozenset(numbers)


_TENS = frozenset({10, 20})
_LEAST = 4  # first, second, third alone are rarely a decision's number


def _ordinal(word: str) -> int | None:
    words, stems = _ordinal_words()
    n = words.get(word)
    if n is None and (m := stems.match(word)):
        n = words[m.group() + "*"]
    return n


@cache
def _ordinal_words() -> tuple[dict[str, int], re.Pattern[str]]:
    """Each language's ordinal words folded as headlines are, to their numbers; and one
    pattern of the stems, longest first, that finds which a word begins with."""
    words: dict[str, int] = {}
    for p in profiles():
        for form, n in p.ordinals:
            stem = form.endswith("*")
            words[fold_plain(form.rstrip("*")) + ("*" if stem else "")] = n
    stems = sorted((w[:-1] for w in words if w.endswith("*")), key=len, reverse=True)
    return words, re.compile("|".join(map(re.escape, stems)) or "(?!)")


@dataclass(frozen=True)
class StoryKey:
    headline: str
    lead: str

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(f"{self.headline}\n{self.lead}".encode()).hexdigest()[:32]


def story_key(article: Article) -> StoryKey:
    lead = fold_plain(article.body[: _LEAD_CHARS * 2])[:_LEAD_CHARS]
    return StoryKey(fold_plain(article.title), lead)


@dataclass(frozen=True)
class KnownStory:
    """A story of the last days, as a new copy is compared with it."""

    id: int
    key: StoryKey
    event: StoryEvent | None
    first_seen: datetime


def story_for(
    key: StoryKey,
    event: StoryEvent | None,
    moment: datetime,
    stories: Sequence[KnownStory],
    window: float,
) -> int | None:
    """The id of the story (of those seen within `window` seconds) an article seen at `moment`
    is a copy of, or None for a new story: by its words, among those whose event does not tell
    it apart; else by its event, among those begun within EVENT_WINDOW."""
    if window <= 0:
        return None
    words = [(s.id, s.key) for s in stories if not conflicting(event, s.event)]
    found = same_story(key, words)
    if found is None:
        began = moment - timedelta(seconds=min(window, EVENT_WINDOW))
        found = same_event(event, [(s.id, s.event) for s in stories if s.first_seen >= began])
    return found


def conflicting(a: StoryEvent | None, b: StoryEvent | None) -> bool:
    """Two events told apart: headlines alike in words ("EU proposes 15th package", "EU adopts
    14th package") are still two stories."""
    return a is not None and b is not None and not a.same(b)


def same_event(
    event: StoryEvent | None, candidates: Sequence[tuple[int, StoryEvent | None]]
) -> int | None:
    """The id of the first candidate story (of those begun within EVENT_WINDOW) that reports
    the same event, or None."""
    if event is None:
        return None
    return next((i for i, other in candidates if other is not None and event.same(other)), None)


def same_story(key: StoryKey, candidates: Sequence[tuple[int, StoryKey]]) -> int | None:
    """The id of the candidate story `key` belongs to by its words, or None for a new story."""
    if not candidates:
        return None
    if key.headline:
        best = process.extractOne(
            key.headline,
            [c.headline for _, c in candidates],
            scorer=_headline_similarity,
            score_cutoff=HEADLINE_SAME,
        )
        if best is not None:
            return candidates[best[2]][0]
    if len(key.lead) >= 80:
        best = process.extractOne(
            key.lead, [c.lead for _, c in candidates], scorer=fuzz.ratio, score_cutoff=LEAD_SAME
        )
        if best is not None:
            return candidates[best[2]][0]
    return None


def _headline_similarity(a: str, b: str, score_cutoff: float | None = None) -> float:
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2
