"""Sources: what the next poll of each needs (validators, backoff) and what `status` shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitor.store.db import Connection, iso, now


class SourcesStore(Connection):
    def source_state(self, name: str) -> dict[str, Any]:
        rows = self.query("SELECT * FROM sources WHERE name = ?", [name])
        return rows[0] if rows else {"name": name, "error_count": 0}

    def record_poll(
        self,
        name: str,
        *,
        error: str | None,
        etag: str | None = None,
        last_modified: str | None = None,
        backoff_until: datetime | None = None,
        new_articles: int = 0,
        new_alerts: int = 0,
    ) -> None:
        moment = iso(now())
        state = self.source_state(name)
        row = {
            "name": name,
            "last_poll": moment,
            "backoff_until": iso(backoff_until) if backoff_until else None,
            "articles": (state.get("articles") or 0) + new_articles,
            "alerts": (state.get("alerts") or 0) + new_alerts,
        }
        if error is None:
            row |= {
                "last_success": moment,
                "error_count": 0,
                "last_error": None,
                "failing_since": None,
            }
            if etag is not None or last_modified is not None:
                row |= {"etag": etag, "last_modified": last_modified}
        else:
            row |= {
                "last_error": error,
                "error_count": (state.get("error_count") or 0) + 1,
                "failing_since": state.get("failing_since") or moment,
            }
        with self.transaction() as db:
            db.table("sources").upsert(row, pk="name")

    def sources(self) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM sources ORDER BY name")
