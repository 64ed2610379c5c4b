"""Compile the aliases of watchlists into the forms the index searches for."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import regex as regex_lib  # `re` with a time limit and less backtracking (mrab-regex)

from monitor.config.model import AliasSpec, Entry, Watchlist
from monitor.models import ListRef
from monitor.text.normalize import fold_plain
from monitor.text.scripts import Script, fuzzy_friendly, text_script

MIN_FUZZY_LEN = 5  # shorter words are matched exactly: Iran is not Iraq


@dataclass(frozen=True, slots=True)
class Alias:
    """One searchable form of an entry's name."""

    id: int
    watchlist: str
    entry: str
    written: str  # as in rules.yaml, what `hits[].alias` reports
    norm: str  # normalised, without `*`
    script: Script
    open_start: bool = False  # may be preceded by letters of the same word
    open_end: bool = False  # may be followed by letters of the same word (inflection)
    case: bool = False
    langs: frozenset[str] = frozenset()
    fuzzy: bool = False
    exclude: bool = False  # an exclusion phrase: vetoes hits of its entry inside it
    regex: regex_lib.Pattern[str] | None = None
    ref: ListRef | None = None
    weak: bool = False  # needs other evidence in its sentence (see Matcher)
    origin: str = ""  # FILE:LINE where it is written
    # What a case-sensitive alias must find, letter for letter, in the original text.
    letters: str = ""

    def __reduce__(self) -> tuple[type[Alias], tuple[object, ...]]:
        # A plain tuple pickles several times faster than a slotted dataclass's state.
        return Alias, tuple(getattr(self, f) for f in self.__slots__)


def compile_aliases(watchlists: Iterable[Watchlist]) -> list[Alias]:
    out: list[Alias] = []
    for wl in watchlists:
        for entry in wl.entries:
            seen: set[tuple[object, ...]] = set()
            specs = [*entry.aliases, *(AliasSpec(x, exact=True) for x in entry.exclude)]
            excluded_from = len(entry.aliases)
            for i, spec in enumerate(specs):
                alias = _compile(len(out), wl, entry, spec, exclude=i >= excluded_from)
                key = (
                    alias.norm,
                    alias.letters if alias.case else "",  # EÚ is not EU when case counts
                    alias.weak,
                    alias.open_start,
                    alias.open_end,
                    alias.case,
                    alias.langs,
                    alias.exclude,
                    alias.regex and alias.regex.pattern,
                )
                if alias.norm and key not in seen:  # the entry's name often repeats an alias
                    seen.add(key)
                    out.append(alias)
    return out


def _compile(id: int, wl: Watchlist, entry: Entry, spec: AliasSpec, exclude: bool) -> Alias:
    if spec.regex:
        flags = regex_lib.UNICODE | (0 if spec.case else regex_lib.IGNORECASE)
        return Alias(
            id,
            wl.name,
            entry.name,
            spec.text,
            spec.text,
            Script.SPACED,
            case=spec.case,
            langs=spec.langs,
            regex=regex_lib.compile(spec.text, flags),
            ref=entry.ref,
            origin=spec.origin,
            letters=_letters(spec.text),
        )
    core = spec.text.strip()
    norm = fold_plain(core.strip("*"))
    script = text_script(norm)
    if script is Script.DENSE:
        norm = norm.replace(" ", "")
    fuzzy = (
        wl.fuzzy
        and not spec.exact
        and not spec.case
        and not exclude
        and not spec.weak
        and not core.startswith("*")
        and not core.endswith("*")
        and script is Script.SPACED
        and fuzzy_friendly(norm)
        and max(len(t) for t in norm.split()) >= MIN_FUZZY_LEN
    )
    return Alias(
        id,
        wl.name,
        entry.name,
        spec.text,
        norm,
        script,
        open_start=core.startswith("*"),
        # Korean particles attach to the noun (러시아에, 러시아는): a Hangul alias is a stem.
        open_end=core.endswith("*") or script is Script.HANGUL,
        case=spec.case,
        langs=spec.langs,
        fuzzy=fuzzy,
        exclude=exclude,
        ref=entry.ref,
        weak=spec.weak,
        origin=spec.origin,
        letters=_letters(spec.text),
    )


def _letters(written: str) -> str:
    return "".join(ch for ch in written.strip("*") if ch.isalnum())


# Arabic clitics written onto the next word: and, so, with/by, to/for, like, the (normalised).
_CLITICS = (
    "و",
    "ف",
    "ب",
    "ل",
    "ک",
    "ال",
    "وال",
    "بال",
    "فال",
    "کال",
    "لل",
    "ول",
    "وب",
    "ولل",
    "فل",
)


def patterns(alias: Alias) -> Iterator[tuple[str, int, int]]:
    """The strings to put in the automaton for `alias`, each with where the alias starts in it
    and how many characters after it the pattern goes on.

    The text is searched with a space on either side and every separator folded to a space, so
    a space at an end of a pattern is a word boundary.
    """
    if alias.script is Script.DENSE:
        yield alias.norm, 0, 0
        return
    head = "" if alias.open_start else " "
    tail = "" if alias.open_end else " "
    yield head + alias.norm + tail, len(head), len(tail)
    if alias.script is Script.ARABIC and not alias.open_start:
        for clitic in _CLITICS:
            yield " " + clitic + alias.norm + tail, 1 + len(clitic), len(tail)
        if alias.norm.startswith("ال"):  # ل + ال is written لل (للعقوبات)
            for clitic in ("ل", "ول", "فل"):
                yield " " + clitic + "ل" + alias.norm[2:] + tail, 1 + len(clitic), len(tail)
