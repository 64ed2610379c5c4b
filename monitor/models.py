"""The values that flow between the pipeline's stages. Frozen, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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


@dataclass(frozen=True)
class ListRef:
    """Where an entry of an imported official list comes from."""

    list: str
    id: str
    programs: tuple[str, ...] = ()
    link: str | None = None


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class ConditionResult:
    """How one condition item of a rule fared: its group, what it asked for, the hits it took."""

    group: Literal["all", "any", "none"]
    watchlist: str
    ok: bool
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
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

    @property
    def fired(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.rules if r.fired)
