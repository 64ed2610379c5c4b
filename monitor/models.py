"""The values that flow between the pipeline's stages. Frozen, no I/O."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, Literal

Field = Literal["title", "body"]
FIELDS: tuple[Field, ...] = ("title", "body")


@dataclass(frozen=True)
class Article:
    id: str
    title: str = ""
    body: str = ""
    url: str | None = None
    source: str | None = None
    lang: str | None = None
    published: str | None = None
    guid: str | None = None  # the feed's identifier for the item, when it gives one

    def text(self, field: Field) -> str:
        return self.title if field == "title" else self.body

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = {f.name for f in fields(cls)}
        return cls(**{"id": "", **{k: v for k, v in data.items() if k in known}})


@dataclass(frozen=True)
class ListRef:
    """Where an entry of an imported official list comes from."""

    list: str
    id: str
    programs: tuple[str, ...] = ()
    link: str | None = None


@dataclass(frozen=True, slots=True)  # made by the thousand per second
class Hit:
    """One alias found in one field of an article; `start`/`end` index the original field text."""

    watchlist: str
    entry: str
    alias: str
    text: str
    field: Field
    start: int
    end: int
    score: float
    ref: ListRef | None = None  # for entries of official lists
    weak: bool = False  # an alias that needed, and had, other evidence in its sentence
    origin: str = ""  # FILE:LINE of the alias, for `explain` (not in match output)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "watchlist": self.watchlist,
            "entry": self.entry,
            "alias": self.alias,
            "text": self.text,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "score": self.score,
        }
        if self.weak:
            out["weak"] = True
        if self.ref is not None:
            out["list"] = {
                "list": self.ref.list,
                "id": self.ref.id,
                "programs": list(self.ref.programs),
                "link": self.ref.link,
            }
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Hit:
        ref = data.get("list")
        return cls(
            data["watchlist"],
            data["entry"],
            data["alias"],
            data["text"],
            data["field"],
            int(data["start"]),
            int(data["end"]),
            float(data["score"]),
            ListRef(ref["list"], ref["id"], tuple(ref["programs"]), ref.get("link"))
            if ref
            else None,
            bool(data.get("weak")),
        )


# What happened, as docs/events.md defines each type; the families group them for rules and for
# the measures of the held-out sets.
EVENT_FAMILIES: dict[str, tuple[str, ...]] = {
    "new_measures": ("imposed", "extended", "designation", "export_control"),
    "relief": ("lifted", "eased", "delisting"),
    "response": ("countered",),
    "violation": ("evasion", "enforcement"),
    "proposal": ("proposal",),
}
EVENT_TYPES: tuple[str, ...] = tuple(t for types in EVENT_FAMILIES.values() for t in types)
FAMILY_OF = {t: family for family, types in EVENT_FAMILIES.items() for t in types}


@dataclass(frozen=True, slots=True)
class Event:
    """What an article says happened: a type of EVENT_TYPES, who acts on whom, and the cue, the
    words that decided the type (`cue` as the language file writes it, `text` as the article
    does, at `start`-`end` of `field`)."""

    type: str
    imposers: tuple[str, ...]
    targets: tuple[str, ...]
    cue: str
    text: str
    field: Field
    start: int
    end: int

    @property
    def family(self) -> str:
        return FAMILY_OF[self.type]

    def summary(self, upper: bool = False) -> str:
        """`lifted · United States → Syria`; a message leads with `LIFTED · ...`."""
        kind = self.type.replace("_", " ")
        kind = kind.upper() if upper else kind
        who, whom = ", ".join(self.imposers), ", ".join(self.targets)
        if who and whom:
            return f"{kind} · {who} → {whom}"
        return f"{kind} · by {who}" if who else f"{kind} · on {whom}" if whom else kind

    def as_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "imposers": list(self.imposers),
            "targets": list(self.targets),
            "cue": self.cue,
            "text": self.text,
            "field": self.field,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        return cls(
            str(data["type"]),
            tuple(data.get("imposers") or ()),
            tuple(data.get("targets") or ()),
            str(data.get("cue") or ""),
            str(data.get("text") or ""),
            data.get("field") or "title",
            int(data.get("start") or 0),
            int(data.get("end") or 0),
        )


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """How one condition item of a rule fared: its group, what it asked for, the hits it took."""

    group: Literal["all", "any", "none"]
    watchlist: str
    ok: bool
    hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class RuleResult:
    rule: str
    fired: bool
    reason: str
    conditions: tuple[ConditionResult, ...] = ()
    evidence: tuple[Hit, ...] = ()  # the hits that made it fire (the proximity group, if any)


@dataclass(frozen=True)
class MatchResult:
    article: Article
    hits: tuple[Hit, ...]
    rules: tuple[RuleResult, ...] = field(default=())
    events: tuple[Event, ...] = ()  # most salient first

    @property
    def fired(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.rules if r.fired)


@dataclass(frozen=True)
class ListChange:
    """One entry a new version of an official list added, removed or changed."""

    change: str  # added | removed | changed
    name: str
    programs: tuple[str, ...] = ()
    link: str | None = None


@dataclass(frozen=True)
class AlertPayload:
    """What an alert carries through the outbox to its message, stored with it as JSON."""

    article: Article
    reason: str = ""
    hits: tuple[Hit, ...] = ()  # everything the article names
    evidence: tuple[Hit, ...] = ()  # what made the rule fire
    changes: tuple[ListChange, ...] = ()  # a list-change alert's first entries
    more_changes: int = 0  # and how many more
    events: tuple[Event, ...] = ()  # what the article says happened, most salient first

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "article": self.article.as_dict(),
            "reason": self.reason,
            "hits": [h.as_dict() for h in self.hits],
            "evidence": [h.as_dict() for h in self.evidence],
            "events": [e.as_dict() for e in self.events],
        }
        if self.changes or self.more_changes:
            data["changes"] = [vars(c) | {"programs": list(c.programs)} for c in self.changes]
            data["more_changes"] = self.more_changes
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> AlertPayload:
        data = json.loads(text)
        return cls(
            Article.from_dict(data.get("article") or {}),
            data.get("reason") or "",
            tuple(Hit.from_dict(h) for h in data.get("hits") or ()),
            tuple(Hit.from_dict(h) for h in data.get("evidence") or ()),
            tuple(
                ListChange(c["change"], c["name"], tuple(c["programs"]), c.get("link"))
                for c in data.get("changes") or ()
            ),
            int(data.get("more_changes") or 0),
            tuple(Event.from_dict(e) for e in data.get("events") or ()),
        )
