"""The typed form of rules.yaml and the built-in data. Built only by `config`; read by all."""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from monitor.models import Field, ListRef

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")
SOURCE_TYPES = ("auto", "feed", "gdelt", "federal_register", "json", "html")
# Official list formats a watchlist can import (monitor.lists.formats has a reader for each).
LIST_FORMATS = (
    "ofac-csv",
    "ofac-xml",
    "un-xml",
    "csl-csv",
    "opensanctions-csv",
    "opensanctions-ftm",
    "uk-csv",
    "uk-xml",
    "eu-xml",
)
# The {fields} an alert message template (settings.template) may use.
TEMPLATE_FIELDS = frozenset(
    (
        "link headline url where outlet published lang rule severity entries snippet listed also"
        " changes event imposers targets"
    ).split()
)


def template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class AliasSpec:
    """An alias as written: `text` with `*` marking an open word end, or a `regex`."""

    text: str
    case: bool = False  # the text must have exactly this case and these accents
    exact: bool = False  # no typo tolerance
    langs: frozenset[str] = frozenset()  # only for articles in these languages; empty: all
    regex: bool = False
    weak: bool = False  # proves nothing alone: kept only beside other evidence (imported lists)
    origin: str = field(default="", compare=False)  # FILE:LINE where it is written, for explain


@dataclass(frozen=True)
class Entry:
    name: str
    aliases: tuple[AliasSpec, ...]
    exclude: tuple[str, ...] = ()  # phrases containing an alias that do not mean this entry
    ref: ListRef | None = None  # set for entries filled from an official list

    def extended(self, aliases: tuple[AliasSpec, ...], exclude: tuple[str, ...]) -> Entry:
        """This entry with more aliases and excludes; one written twice is kept once."""
        return dataclasses.replace(
            self,
            aliases=tuple(dict.fromkeys((*self.aliases, *aliases))),
            exclude=tuple(dict.fromkeys((*self.exclude, *exclude))),
        )


@dataclass(frozen=True)
class ListImport:
    """An official list a watchlist is filled from (issue: lists as watchlists)."""

    format: str  # one of LIST_FORMATS
    url: str  # https://... or a local path
    refresh: float = 86400.0
    schemas: frozenset[str] = frozenset()  # individual | entity | vessel | aircraft; empty: all
    programs: frozenset[str] = frozenset()  # empty: all
    # Watchlists whose hits in its sentence confirm a weak name; empty: any watchlist of its own
    # entries (not an imported list).
    weak_needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Watchlist:
    name: str
    entries: tuple[Entry, ...]
    description: str = ""
    fuzzy: bool = True
    imports: ListImport | None = None

    def extended(self, other: Watchlist) -> Watchlist:
        """This watchlist with other's entries added: aliases and excludes of an entry both
        have are joined; other's description, typo tolerance and import win where it sets them."""
        entries = {e.name: e for e in self.entries}
        for e in other.entries:
            entries[e.name] = (
                entries[e.name].extended(e.aliases, e.exclude) if e.name in entries else e
            )
        return dataclasses.replace(
            self,
            entries=tuple(entries.values()),
            description=other.description or self.description,
            fuzzy=other.fuzzy,
            imports=other.imports or self.imports,
        )


@dataclass(frozen=True)
class BuiltinChoice:
    """Which of the built-in data a rules file uses (its `builtin:` key): all of it by default."""

    sources: bool = True
    lists: bool = True  # the official sanctions lists (ofac_sdn, un_sc, eu_fsf, uk_sanctions)
    languages: tuple[str, ...] | None = None  # None: every language that ships
    skip_languages: frozenset[str] = frozenset()
    used: bool = True  # false (`builtin: false`): none of it, languages included


@dataclass(frozen=True)
class Condition:
    watchlists: tuple[str, ...]  # a hit in any of them counts
    entries: frozenset[str] = frozenset()  # empty: any entry of the watchlist
    fields: tuple[Field, ...] = ("title", "body")
    min_count: int = 1  # distinct entries needed
    min_score: float | None = None

    @property
    def watchlist(self) -> str:
        """What explanations call it."""
        return " | ".join(self.watchlists)


@dataclass(frozen=True)
class Rule:
    name: str
    all: tuple[Condition, ...] = ()
    any: tuple[Condition, ...] = ()
    none: tuple[Condition, ...] = ()
    within: int | Literal["sentence"] | None = None  # proximity of the `all` hits
    min_score: float = 85.0
    severity: Severity = "medium"
    description: str = ""
    notify: tuple[str, ...] = ()
    digest: float | None = None  # seconds: alerts go out together at most this often
    list_changes: frozenset[str] = frozenset()  # imported lists whose changes this rule reports
    list_programs: frozenset[str] = frozenset()  # only changes under these programs; empty: all
    unless_fired: tuple[str, ...] = ()  # silent on an article where one of these rules fired
    # Only articles with an event of these types, by one of these imposers, on one of these
    # targets (each empty: any).
    events: frozenset[str] = frozenset()
    imposers: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()

    @property
    def selects_events(self) -> bool:
        return bool(self.events or self.imposers or self.targets)


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    type: str = "auto"
    interval: float | None = None  # seconds; None: settings.interval
    fetch_body: bool | Literal["auto"] = "auto"
    lang: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, object] = field(default_factory=dict)  # type-specific keys


@dataclass(frozen=True)
class Settings:
    interval: float = 900.0
    # Exact hits score 100; a typo in a long name 85-95; one in a five-letter word 80.
    min_score: float = 85.0
    jitter: float = 30.0
    retention: float = 30 * 86400.0
    story_window: float = 3 * 86400.0
    user_agent: str = "sanctions-monitor/0.1 (+https://github.com/sanctions-monitor)"
    timeout: float = 60.0  # a whole fetch, slow servers included
    max_bytes: int = 10 * 1024 * 1024  # a larger answer is cut off and the poll fails
    per_host: int = 2  # concurrent requests to one host
    max_backoff: float = 6 * 3600.0  # a failing source is retried at least this often
    delivery_max_age: float = 24 * 3600.0  # an alert not delivered by then is marked failed
    flood_limit: int = 10  # single alerts a target gets per flood_window; the rest: a digest
    flood_window: float = 600.0
    template: str | None = None  # the alert message; None: notify.message.DEFAULT_TEMPLATE
    ops_after: float = 6 * 3600.0  # a source failing this long raises an operational alert


@dataclass(frozen=True)
class Config:
    path: str
    settings: Settings
    sources: tuple[Source, ...]
    watchlists: Mapping[str, Watchlist]
    rules: tuple[Rule, ...]
    notify: Mapping[str, tuple[str, ...]]  # target -> Apprise URLs (secrets: never log them)
    languages: tuple[str, ...] = ()  # the built-in languages whose aliases are loaded
    # Of everything the config was built from (the files as read, the environment they used,
    # this program's code): equal digests, equal configs. Keys the compiled index's caches.
    digest: str = ""
