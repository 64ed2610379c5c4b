"""Operational incidents (a source blind too long, a list that cannot be refreshed), each
announced once when it opens and once when it closes."""

from __future__ import annotations

from monitor.store.db import Connection, iso, now


class IncidentsStore(Connection):
    def open_incident(self, key: str, detail: str) -> bool:
        """Record an incident; False if it was already open (announced once per incident)."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO incidents (key, opened_at, detail) VALUES (?, ?, ?)",
                [key, iso(now()), detail],
            )
            return bool(cursor.rowcount)

    def close_incident(self, key: str) -> bool:
        """Close an incident; False if none was open."""
        with self.transaction() as db:
            return bool(db.execute("DELETE FROM incidents WHERE key = ?", [key]).rowcount)
