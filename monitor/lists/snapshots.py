"""List snapshots: save a validated version, read the newest, diff two (the SQL is in
store/lists.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.lists.model import ListEntity
from monitor.store import Store


@dataclass(frozen=True)
class Diff:
    added: list[ListEntity]
    removed: list[ListEntity]
    changed: list[tuple[ListEntity, ListEntity]]


def latest_version(store: Store, name: str) -> dict[str, Any] | None:
    rows = store.list_versions(name)
    return rows[0] if rows else None


def entities(store: Store, name: str, version: int | None = None) -> list[ListEntity]:
    if version is None:
        latest = latest_version(store, name)
        if latest is None:
            return []
        version = int(latest["version"])
    return [ListEntity.from_json(data) for data in store.list_entity_data(name, version)]


def save(store: Store, name: str, items: list[ListEntity], sha256: str) -> int:
    """A new version (the first raises no list-change alert: it is no change)."""
    return store.save_list_version(name, [(e.id, e.to_json()) for e in items], sha256)


def diff(store: Store, name: str, version: int | None = None) -> Diff:
    """What VERSION (the newest when None) changed from the version before it."""
    rows = store.list_versions(name, version, limit=2)
    if len(rows) < 2:
        return Diff(entities(store, name), [], [])
    new = {e.id: e for e in entities(store, name, rows[0]["version"])}
    old = {e.id: e for e in entities(store, name, rows[1]["version"])}
    return Diff(
        [new[i] for i in new.keys() - old.keys()],
        [old[i] for i in old.keys() - new.keys()],
        [(old[i], new[i]) for i in new.keys() & old.keys() if old[i] != new[i]],
    )
