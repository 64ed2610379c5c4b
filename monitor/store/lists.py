"""Official lists: each accepted download is a version with its entities (as JSON, read by
lists/snapshots.py), and per list the validators and outcome of the last refresh."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from monitor.store.db import Connection, iso, now


class ListsStore(Connection):
    def list_validators(self, name: str) -> tuple[str | None, str | None]:
        """ETag and Last-Modified of the last accepted download of list NAME."""
        rows = self.query("SELECT etag, last_modified FROM list_state WHERE list = ?", [name])
        return (rows[0]["etag"], rows[0]["last_modified"]) if rows else (None, None)

    def record_list_refresh(
        self, name: str, validators: tuple[str | None, str | None], error: str | None
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO list_state (list, etag, last_modified, last_refresh, last_error)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(list) DO UPDATE SET etag = excluded.etag,"
                " last_modified = excluded.last_modified, last_refresh = excluded.last_refresh,"
                " last_error = excluded.last_error",
                [name, *validators, iso(now()), error],
            )

    def list_refresh(self, name: str) -> tuple[str, str | None] | None:
        """(when, error) of the last refresh of list NAME; None if it never ran."""
        rows = self.query("SELECT last_refresh, last_error FROM list_state WHERE list = ?", [name])
        if not rows or not rows[0]["last_refresh"]:
            return None
        return rows[0]["last_refresh"], rows[0]["last_error"]

    def list_versions(
        self, name: str, upto: int | None = None, limit: int = 1
    ) -> list[dict[str, Any]]:
        """The newest versions of list NAME (at most UPTO), newest first."""
        return self.query(
            "SELECT * FROM list_versions WHERE list = ? AND version <= ?"
            " ORDER BY version DESC LIMIT ?",
            [name, upto if upto is not None else 2**62, limit],
        )

    def list_entity_data(self, name: str, version: int) -> list[str]:
        rows = self.query(
            "SELECT data FROM list_entities WHERE list = ? AND version = ? ORDER BY entity_id",
            [name, version],
        )
        return [r["data"] for r in rows]

    def save_list_version(self, name: str, entities: Sequence[tuple[str, str]], sha256: str) -> int:
        """A new version of list NAME with ENTITIES (id, JSON); its number. Two versions'
        entities are kept: the current one and the one `lists diff` compares it with."""
        with self.transaction() as db:
            latest = db.execute(
                "SELECT max(version) FROM list_versions WHERE list = ?", [name]
            ).fetchone()[0]
            version = int(latest or 0) + 1
            db.execute(
                "INSERT INTO list_versions (list, version, fetched_at, sha256, entities,"
                " changes_told) VALUES (?, ?, ?, ?, ?, ?)",
                [name, version, iso(now()), sha256, len(entities), int(version == 1)],
            )
            db.conn.executemany(
                "INSERT OR REPLACE INTO list_entities (list, version, entity_id, data)"
                " VALUES (?, ?, ?, ?)",
                [(name, version, entity_id, data) for entity_id, data in entities],
            )
            db.execute(
                "DELETE FROM list_entities WHERE list = ? AND version < ?", [name, version - 1]
            )
        return version

    def untold_list_changes(self) -> list[tuple[str, int]]:
        """(list, version) of every version after a list's first whose change alerts have not
        been raised, oldest first."""
        rows = self.query(
            "SELECT list, version FROM list_versions WHERE changes_told = 0 ORDER BY list, version"
        )
        return [(r["list"], int(r["version"])) for r in rows]

    def mark_list_change_told(self, name: str, version: int) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE list_versions SET changes_told = 1 WHERE list = ? AND version = ?",
                [name, version],
            )

    def list_states(self) -> list[dict[str, Any]]:
        """Per list: the version in use and its size, the last refresh and its error."""
        return self.query(
            "SELECT s.list, s.last_refresh, s.last_error, v.version, v.entities FROM list_state s"
            " LEFT JOIN list_versions v ON v.list = s.list AND v.version ="
            " (SELECT max(version) FROM list_versions WHERE list = s.list) ORDER BY s.list"
        )
