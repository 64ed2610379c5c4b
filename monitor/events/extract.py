"""What happened, and who sanctions whom: events from an article's hits. Pure: no I/O.

A sentence with a sanctions word is an event's place. Its type is said by the most specific cue
of the sentence (the `event_cues` watchlist: each language's verbs and nouns of imposing,
lifting, designating...), unless a word of negation just before the cue denies it; a word of
modality around it (could, plans) makes new measures or relief a proposal. Without a cue, the
sanctions word says it (export controls, evasion) or new measures are meant. Roles come from
the other hits of the sentence: sanctioning actors act, watched countries and listed names are
aimed at, and in an answer to sanctions the watched country acts on the actors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache

import regex

from monitor.models import FIELDS, Article, Event, Field, Hit
from monitor.text.lang import detect, profiles, same_language
from monitor.text.scripts import Script, text_script
from monitor.text.segments import Segments

CUES = "event_cues"
TERMS = "sanctions_terms"
ACTORS = "sanctioning_actors"
COUNTRIES = "countries"

CONTEXT_ACTOR = "Ukraine"  # beside another actor, the war's place, not an imposer
# Agencies and officials act for their jurisdiction.
ACTS_FOR = {
    "OFAC": "United States",
    "Treasury Department": "United States",
    "Bureau of Industry and Security": "United States",
    "OFSI": "United Kingdom",
    "European Commission": "European Union",
    "EU officials": "European Union",
    "US officials": "United States",
    "UK officials": "United Kingdom",
}
PROPOSER = "European Commission"  # what it puts forward, the Council has yet to adopt
# A sanctions concept that says the type by itself, where no cue does.
TERM_TYPES = {
    "export controls": "export_control",
    "sanctions evasion": "evasion",
    "sanctions designation": "designation",
    "sanctions list": "designation",
}
# Among the cues of one sentence, the more specific wins ("imposed sanctions on eight
# individuals" is a designation); a violation or an answer is most often the reason for the
# measure the sentence reports ("fined for violating sanctions", "in response to"), so those
# count only alone. Among cues of one type, the nearest the sanctions word.
_PRIORITY = (
    "delisting",
    "lifted",
    "eased",
    "extended",
    "export_control",
    "enforcement",
    "designation",
    "imposed",
    "proposal",
    "countered",
    "evasion",
)
# The types that modality turns into a proposal: what is adopted or ended ("could lift").
_MODAL = frozenset(
    {"imposed", "extended", "designation", "export_control", "lifted", "eased", "delisting"}
)
# New measures the Commission can only put forward.
_PROPOSED = frozenset({"imposed", "extended", "designation", "export_control"})
_ANSWER_REACH = 25  # characters between an answer cue and the sanctions it answers
_ANSWERED = frozenset({"imposed", "designation"})  # what a watched country answers with
_NEAR = 3  # words each side of a cue that modality or negation must be within
# A word with its vowel signs and other marks (आहे, not आह + े): `re`'s \w stops at them.
_WORD = regex.compile(r"[\w\p{M}]+")
_MAX_EVENTS = 5


def events_of(article: Article, hits: Sequence[Hit]) -> tuple[Event, ...]:
    """The events of an article, most salient first (the headline's, then the body's in order);
    one per sentence, the same one told twice kept once."""
    if not any(h.watchlist == TERMS for h in hits):
        return ()
    places: dict[tuple[Field, int], list[Hit]] = {}
    segments = {f: Segments.of(article.text(f)) for f in FIELDS}
    for hit in hits:
        places.setdefault((hit.field, segments[hit.field].sentence(hit.start)), []).append(hit)
    # Negation and modality in the article's language only: every language's words at once
    # would deny a Turkish cue by Galician "nin" (in "ABD'nin").
    words = _words(article.lang or detect(f"{article.title}\n{article.body[:2000]}"))
    context = _Context(hits)
    out: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Event] = {}
    for (field, sentence), group in sorted(
        places.items(), key=lambda p: (p[0][0] != "title", p[0][1])
    ):
        terms = [h for h in group if h.watchlist == TERMS]
        if not terms:
            continue
        text = article.text(field)
        span = segments[field].sentence_span(sentence)
        event = _event(text, span, group, terms, words, context)
        if event is not None:
            out.setdefault((event.type, event.imposers, event.targets), event)
        if len(out) >= _MAX_EVENTS:
            break
    return _refined(tuple(out.values()))


_LEAD_REACH = 2  # the body's events that may say what the headline's "new sanctions" are
# Who adopts packages and resolutions: their bodies list names, but the event is the package.
_BY_PACKAGE = frozenset({"European Union", "United Nations"})


def _refined(events: tuple[Event, ...]) -> tuple[Event, ...]:
    """The headline's bare "new sanctions" told as the designations the body's first events
    name, by the same imposer: "New US sanctions on Iran", then "the Treasury designated six
    companies..."."""
    lead = events[0] if events else None
    if lead is None or lead.field != "title" or lead.type != "imposed":
        return events
    if not _BY_PACKAGE.isdisjoint(lead.imposers):
        return events
    for event in [e for e in events if e.field == "body"][:_LEAD_REACH]:
        if event.type == "designation" and not set(event.imposers).isdisjoint(lead.imposers):
            refined = replace(event, imposers=lead.imposers, targets=lead.targets or event.targets)
            return tuple(dict.fromkeys((refined, *(e for e in events[1:] if e != event))))
    return events


class _Context:
    """The article's actors and targets, for a sentence that names none itself (the headline's
    first, then the body's)."""

    def __init__(self, hits: Sequence[Hit]):
        ordered = sorted(hits, key=lambda h: (h.field != "title", h.start))
        actors = _jurisdictions(h for h in ordered if h.watchlist == ACTORS)
        self.imposers = (tuple(a for a in actors if a != CONTEXT_ACTOR) or actors)[:1]
        self.targets = _targets(ordered)[:2]


def _event(
    text: str,
    span: tuple[int, int],
    group: list[Hit],
    terms: list[Hit],
    words: tuple[frozenset[str], frozenset[str]],
    context: _Context,
) -> Event | None:
    modal, negation = words
    cues = [
        h for h in group if h.watchlist == CUES and not _said_near(text, span, h, negation, after=1)
    ]
    denied = len(cues) < sum(h.watchlist == CUES for h in group)
    if cues:
        first_party = min(
            (h for h in group if h.watchlist in (ACTORS, COUNTRIES)),
            key=lambda h: h.start,
            default=None,
        )
        acted = first_party is not None and first_party.watchlist == ACTORS
        cue = min(cues, key=lambda h: (_rank(h, terms, acted), _distance(h, terms)))
        kind = cue.entry
    elif denied:
        return None  # "will not lift the sanctions": nothing happened
    else:
        cue = terms[0]
        kind = next((TERM_TYPES[t.entry] for t in terms if t.entry in TERM_TYPES), "imposed")
    if kind == "imposed" and any(h.ref is not None for h in group):
        kind = "designation"  # measures on a name of an official list: a designation
    if kind in _MODAL:
        # "threatens fresh sanctions", "could lift": not (yet) adopted.
        proposing = [h for h in cues if h.entry == "proposal" and _distance(h, [cue]) <= 40]
        if proposing:
            kind, cue = "proposal", proposing[0]
        elif any(
            _said_near(text, span, h, modal, after=_NEAR)
            for h in (cue, *(c for c in cues if c.entry in _MODAL), *terms)
        ):  # "could impose sanctions on Russian companies": near the verb, not the noun
            kind = "proposal"
    actors = [h for h in group if h.watchlist == ACTORS]
    if any(h.entry != CONTEXT_ACTOR for h in actors):
        # Ukraine beside another actor is the war's place ("over the war in Ukraine"), not
        # one more imposer; alone, it may be (its own sanctions).
        actors = [h for h in actors if h.entry != CONTEXT_ACTOR]
    acting = [h for h in actors if h.start < cue.start] or actors
    if kind in _PROPOSED and any(h.entry == PROPOSER for h in acting):
        kind = "proposal"  # "the Commission presented a 19th package": not adopted yet
    countries = [h for h in group if h.watchlist == COUNTRIES]
    # "Russia bans 500 Americans from entry": a word of answering, a watched country before the
    # verb and no actor before it: the measure is the country's answer.
    if (
        kind in _ANSWERED
        and any(c.entry == "countered" for c in cues)
        and any(h.start < cue.start for h in countries)
        and not any(h.start < cue.start for h in actors)
    ):
        kind = "countered"
    if kind == "countered" and countries:
        # The watched country answers the sanctioning actors, wherever the language puts them.
        imposers = _entries(countries)
        targets = _jurisdictions(actors) or context.imposers
    else:
        imposers = _jurisdictions(acting) or context.imposers
        targets = _targets(group) or context.targets
    targets = tuple(t for t in targets if t not in imposers)
    return Event(kind, imposers, targets, cue.alias, cue.text, cue.field, cue.start, cue.end)


def _rank(cue: Hit, terms: Sequence[Hit], acted: bool) -> float:
    """The cue's place in _PRIORITY; an answer to sanctions ("counter-sanctions", "in response
    to the sanctions", "у відповідь на санкції") is no mere reason: it ranks before the
    designations and new measures it answers with ("counter-sanctions on 40 officials"). After
    the sanctions word, where a sanctioning actor opens the sentence, it is the reason for them
    ("the EU adopted sanctions against Russia in response to the invasion"); where the watched
    country does, its answer ("ロシアは欧米の制裁への対抗措置として").
    """
    if cue.entry == "countered" and _distance(cue, terms) <= _ANSWER_REACH:
        after = all(cue.start >= t.end for t in terms if _distance(cue, [t]) <= _ANSWER_REACH)
        if not (after and acted):
            return _PRIORITY.index("designation") - 0.5
    return _PRIORITY.index(cue.entry)


def _distance(hit: Hit, terms: Iterable[Hit]) -> int:
    return min(max(t.start - hit.end, hit.start - t.end, 0) for t in terms)


def _said_near(
    text: str, span: tuple[int, int], hit: Hit, wanted: frozenset[str], *, after: int
) -> bool:
    """Whether one of `wanted` is among the few words before the hit (or after it): in scripts
    without spaces, among the few characters."""
    if not wanted:
        return False
    start, end = span
    if text_script(hit.text) is Script.DENSE:
        window = (
            text[max(start, hit.start - 8) : hit.start] + " " + text[hit.end : hit.end + after * 3]
        )
        return any(w in window for w in wanted if not w.isascii())
    before = _WORD.findall(text, max(start, hit.start - 80), hit.start)[-_NEAR:]
    later = _WORD.findall(text, hit.end, min(end, hit.end + 80))[:after]
    if any(w.lower() in wanted for w in (*before, *later)):
        return True
    # Words the word pattern parts (Tibetan syllables joined by a tsheg): as written, in the
    # stretch of text those few words take.
    window = text[max(start, hit.start - 40) : min(end, hit.end + 12 * after)].lower()
    return any(w in window for w in _unsplit(wanted))


@cache
def _unsplit(words: frozenset[str]) -> tuple[str, ...]:
    return tuple(w for w in words if not _WORD.fullmatch(w))


def _entries(hits: Iterable[Hit]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(h.entry for h in hits))


def _jurisdictions(hits: Iterable[Hit]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ACTS_FOR.get(h.entry, h.entry) for h in hits))


def _targets(hits: Iterable[Hit]) -> tuple[str, ...]:
    """Watched countries, then listed names, as their entries."""
    hits = list(hits)
    countries = _entries(h for h in hits if h.watchlist == COUNTRIES)
    listed = _entries(h for h in hits if h.ref is not None)
    return countries + tuple(e for e in listed if e not in countries)


@cache
def _words(lang: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """The words of modality and of negation: the article's language's, or every language's
    when it is not known."""
    chosen = [p for p in profiles() if lang and same_language(lang, frozenset({p.code}))]
    chosen = chosen or list(profiles())
    return (
        frozenset().union(*(p.modal for p in chosen)),
        frozenset().union(*(p.negation for p in chosen)),
    )
