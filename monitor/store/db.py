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
from uuid import uuid4

from sqlite_utils import Database

from monitor.errors import MonitorError
from monitor.store.schema import migrations

DB_NAME = "monitor.db"
ID_NAME = "store.id"  # beside the database: which store this folder holds
BUSY_TIMEOUT_MS = 5000  # how long a write waits for another process's lock before failing


class StoreError(MonitorError):
    """The database cannot be opened or written (locked, disk full, unreadable)."""


def _disk_full(error: StoreError) -> bool:
    cause = error.__cause__
    return isinstance(cause, sqlite3.Error) and cause.sqlite_errorcode == sqlite3.SQLITE_FULL


def _lost(path: Path, marker: Path, what: str) -> str:
    return (
        f"{path} {what}, but this state folder held a store ({marker}): restore the file from"
        f" a backup; or, to start over on purpose (every current item will alert again), run"
        f" `sanctions-monitor start-over --state {path.parent}`"
    )


def set_aside(state_dir: Path) -> Path | None:
    """Move the store out of the way, into a dated folder beside it, so that the next start
    makes a new one. Nothing is deleted: the old store can be put back by moving it again.
    The official lists' last good copies stay. The caller holds the state lock. Returns the
    folder, or None when there was no store."""
    folder = Path(state_dir)
    names = (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", ID_NAME)
    present = [folder / n for n in names if (folder / n).exists()]
    if not present:
        return None
    aside = folder / f"previous-{now().strftime('%Y%m%dT%H%M%SZ')}"
    aside.mkdir()
    for path in present:
        path.rename(aside / path.name)
    return aside


def _reason(error: Exception) -> str:
    if isinstance(error, sqlite3.OperationalError) and "readonly" in str(error):
        return f"{error} (the file or its folder is read-only: the daemon must be able to write it)"
    if isinstance(error, PermissionError):
        return f"{error.strerror}: the daemon's user must be able to read and write it"
    return str(error)


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Connection:
    """The database of a state folder. The folder keeps the store's id beside it (ID_NAME),
    so that a database deleted, truncated or replaced by another is refused rather than
    silently started over: a new, empty store would alert again on every current item."""

    def __init__(self, state_dir: str | Path):
        folder = Path(state_dir)
        self.path = folder / DB_NAME
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"the state folder {folder} is a file: give --state a folder")
        marker = folder / ID_NAME
        if marker.exists() and (not self.path.exists() or self.path.stat().st_size == 0):
            raise StoreError(_lost(self.path, marker, "is missing or empty"))
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.db = Database(self.path)
            self.db.enable_wal()
            self.db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            migrations.apply(self.db)
            self.store_id = self._identify(marker)
            self._file = self.path.stat()
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open the store {self.path}: {_reason(e)}") from e

    def _identify(self, marker: Path) -> str:
        """The store's id, made (and written beside it) for a new store."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'id'").fetchone()
        if row is None:
            with self.db.atomic():
                self.db.execute("INSERT INTO meta (key, value) VALUES ('id', ?)", [uuid4().hex])
            row = self.db.execute("SELECT value FROM meta WHERE key = 'id'").fetchone()
        store_id = str(row[0])
        if not marker.exists():
            marker.write_text(store_id + "\n", encoding="utf-8")
        elif marker.read_text(encoding="utf-8").strip() != store_id:
            raise StoreError(_lost(self.path, marker, "is another store's database"))
        return store_id

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        self._same_file()
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
        """Raise StoreError unless a write reaches the file (locked, read-only, deleted): a
        real one, since `BEGIN IMMEDIATE` succeeds on a read-only file."""
        try:
            with self.transaction() as db:
                db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('checked', ?)", [iso(now())]
                )
        except StoreError as e:
            raise StoreError(f"the store {self.path} cannot be written: {e}") from e

    def _same_file(self) -> None:
        """The file this connection writes is still the state folder's database: deleted or
        replaced under a running daemon, every write would be lost at its restart."""
        try:
            current = self.path.stat()
        except OSError:
            raise StoreError(
                _lost(self.path, self.path.with_name(ID_NAME), "was deleted")
            ) from None
        if (current.st_dev, current.st_ino) != (self._file.st_dev, self._file.st_ino):
            raise StoreError(_lost(self.path, self.path.with_name(ID_NAME), "was replaced"))
        if current.st_size == 0:
            raise StoreError(_lost(self.path, self.path.with_name(ID_NAME), "was truncated"))
