"""The connection: one SQLite file in WAL mode, its migrations, and transactions. Every write
that belongs together is one transaction, so a crash, a kill or a full disk leaves the last
committed state, never half of a change. The other modules of this package each add the
queries of one concern to it; `Store` (store.py) is all of them together."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from monitor.errors import MonitorError
from monitor.store.schema import migrations

DB_NAME = "monitor.db"
BUSY_TIMEOUT_MS = 5000  # how long a write waits for another process's lock before failing


class StoreError(MonitorError):
    """The database cannot be opened or written (locked, disk full, unreadable)."""


def _disk_full(error: StoreError) -> bool:
    cause = error.__cause__
    return isinstance(cause, sqlite3.Error) and cause.sqlite_errorcode == sqlite3.SQLITE_FULL


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Connection:
    def __init__(self, state_dir: str | Path):
        self.path = Path(state_dir) / DB_NAME
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = Database(self.path)
            self.db.enable_wal()
            self.db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            migrations.apply(self.db)
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open the store {self.path}: {e}") from e

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        try:
            with self.db.atomic():
                yield self.db
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot write the store {self.path}: {e}") from e

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        try:
            return list(self.db.query(sql, params))
        except sqlite3.Error as e:
            raise StoreError(f"cannot read the store {self.path}: {e}") from e

    def check_writable(self) -> None:
        """Raise StoreError unless a write transaction can start (locked, read-only file)."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("ROLLBACK")
        except sqlite3.Error as e:
            raise StoreError(f"the store {self.path} cannot be written: {e}") from e
