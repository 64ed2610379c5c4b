"""The exceptions sanctions-monitor raises. Only the CLI turns them into messages and exit codes.

MonitorError
 ├── ConfigError          rules.yaml is unreadable or invalid; carries every problem found
 ├── InputError           an article given to `match` / `explain` is malformed
 ├── SettingError         a setting of the environment cannot be used (MONITOR_HTTP)
 ├── FetchError           a download failed (sources/fetch.py)
 ├── ParseError           a document is not a feed, page or API answer (sources/parse.py)
 ├── ListFormatError      a list file is not the format it claims (lists/formats.py)
 ├── ListRefused          a list download is no trustworthy new version (lists/refresh.py)
 ├── StoreError           the database cannot be opened or written (store/store.py)
 └── StateBusy            another process writes to the state folder (store/lock.py)
"""

from __future__ import annotations

from dataclasses import dataclass


class MonitorError(Exception):
    """Base class: every error the package raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a config file, with where it is."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ConfigError(MonitorError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class InputError(MonitorError):
    """A malformed input record; the message names the record."""


class SettingError(MonitorError):
    """A setting from the environment cannot be used; the message says which and why."""
