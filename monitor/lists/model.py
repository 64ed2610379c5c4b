"""An entry of an official list, as every format is read into."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from monitor.text.scripts import script_name


@dataclass(frozen=True)
class ListName:
    name: str
    weak: bool = False  # OFAC "weak" a.k.a., UN quality "Low", FtM weakAlias: never alone
    script: str = ""  # its writing system (latin, cyrillic, arabic, han...); found when not given

    def __post_init__(self) -> None:
        if not self.script:
            object.__setattr__(self, "script", script_name(self.name))


@dataclass(frozen=True)
class ListEntity:
    id: str
    schema: str  # individual | entity | vessel | aircraft
    names: tuple[ListName, ...]
    programs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    listed_on: str | None = None
    link: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def caption(self) -> str:
        return self.names[0].name if self.names else self.id

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ListEntity:
        data = json.loads(text)
        data["names"] = tuple(ListName(**n) for n in data["names"])
        for key in ("programs", "countries"):
            data[key] = tuple(data[key])
        return cls(**data)
