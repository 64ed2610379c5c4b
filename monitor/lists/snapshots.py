"""List snapshots in the store: save a validated version, read the newest, diff two."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.lists.model import ListEntity
from monitor.store.store import Store, iso, now


@dataclass(frozen=True)
class Diff:
    added: list[ListEntity]
    removed: list[ListEntity]
    changed: list[tuple[ListEntity, ListEntity]]


def latest_version(store: Store, name: str) -> dict[str, object] | None:
    rows = store.query(
        "SELECT * FROM list_versions WHERE list = ? ORDER BY version DESC LIMIT 1", [name]
    )
    return rows[0] if rows else None


def entities(store: Store, name: str, version: int | None = None) -> list[ListEntity]:
    if version is None:
        latest = latest_version(store, name)
        if latest is None:
            return []
        version = int(str(latest["version"]))
    rows = store.query(
        "SELECT data FROM list_entities WHERE list = ? AND version = ? ORDER BY entity_id",
        [name, version],
    )
    return [ListEntity.from_json(r["data"]) for r in rows]


def save(store: Store, name: str, items: list[ListEntity], sha256: str) -> int:
    latest = latest_version(store, name)
    version = int(str(latest["version"])) + 1 if latest else 1
    with store.transaction() as db:
        db.execute(
            "INSERT INTO list_versions (list, version, fetched_at, sha256, entities)"
            " VALUES (?, ?, ?, ?, ?)",
            [name, version, iso(now()), sha256, len(items)],
        )
        db.conn.executemany(
            "INSERT OR REPLACE INTO list_entities (list, version, entity_id, data)"
            " VALUES (?, ?, ?, ?)",
            [(name, version, e.id, e.to_json()) for e in items],
        )
        # Two versions are kept: the current one and the one `lists diff` compares it with.
        db.execute("DELETE FROM list_entities WHERE list = ? AND version < ?", [name, version - 1])
    return version


def diff(store: Store, name: str, version: int | None = None) -> Diff:
    """What VERSION (the newest when None) changed from the version before it."""
    rows = store.query(
        "SELECT version FROM list_versions WHERE list = ? AND version <= ?"
        " ORDER BY version DESC LIMIT 2",
        [name, version if version is not None else 2**62],
    )
    if len(rows) < 2:
        return Diff(entities(store, name), [], [])
    new = {e.id: e for e in entities(store, name, rows[0]["version"])}
    old = {e.id: e for e in entities(store, name, rows[1]["version"])}
    return Diff(
        [new[i] for i in new.keys() - old.keys()],
        [old[i] for i in old.keys() - new.keys()],
        [(old[i], new[i]) for i in new.keys() & old.keys() if old[i] != new[i]],
    )


def untold_changes(store: Store) -> list[tuple[str, int]]:
    """(list, version) of every version after a list's first whose change alerts have not been
    raised, oldest first."""
    rows = store.query(
        "SELECT list, version FROM list_versions WHERE version > 1 AND changes_told = 0"
        " ORDER BY list, version"
    )
    return [(r["list"], int(r["version"])) for r in rows]


def mark_told(store: Store, name: str, version: int) -> None:
    with store.transaction() as db:
        db.execute(
            "UPDATE list_versions SET changes_told = 1 WHERE list = ? AND version = ?",
            [name, version],
        )


def states(store: Store) -> list[dict[str, Any]]:
    """Per list: the version in use and its size, the last refresh and its error."""
    return store.query(
        "SELECT s.list, s.last_refresh, s.last_error, v.version, v.entities FROM list_state s"
        " LEFT JOIN list_versions v ON v.list = s.list AND v.version ="
        " (SELECT max(version) FROM list_versions WHERE list = s.list) ORDER BY s.list"
    )
