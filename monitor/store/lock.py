"""One writer per state folder: `run`, `once` and `lists refresh` hold an exclusive lock on
`monitor.lock` beside the database for as long as they write.

Two daemons on one folder would each poll, record and deliver: every alert twice. The lock is
an `flock`, so the kernel lets go of it when its process ends, however it ends (a kill -9
leaves no stale lock behind); the file itself only says who holds it, for the refusal.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

from monitor.errors import MonitorError

LOCK_NAME = "monitor.lock"


class StateBusy(MonitorError):
    """Another process writes to this state folder."""


class StateLock:
    def __init__(self, state_dir: Path, command: str):
        self.path = Path(state_dir) / LOCK_NAME
        self.command = command
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise StateBusy naming the process that holds it."""
        folder = self.path.parent
        if folder.exists() and not folder.is_dir():
            raise StateBusy(f"the state folder {folder} is a file: give --state a folder")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a+", encoding="utf-8")
        except OSError as e:
            raise StateBusy(f"cannot lock the state folder {self.path.parent}: {e}") from e
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            handle.close()
            raise StateBusy(
                f"the state folder {self.path.parent} is in use by {holder}; one process writes "
                "to a state folder at a time (a running daemon polls, refreshes the lists and "
                "delivers by itself: stop it first, or give this command another --state)"
            ) from None
        handle.seek(0)
        handle.truncate()
        since = datetime.now(UTC).isoformat(timespec="seconds")
        json.dump({"pid": os.getpid(), "command": self.command, "since": since}, handle)
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the descriptor releases the flock
            self._file = None

    def __enter__(self) -> StateLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def _holder(handle: IO[str]) -> str:
    handle.seek(0)
    try:
        who = json.loads(handle.read() or "{}")
        return f"process {who['pid']} (sanctions-monitor {who['command']}, since {who['since']})"
    except (ValueError, KeyError, TypeError):
        return "another process"
