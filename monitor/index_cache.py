"""The compiled matcher, kept between restarts (the pickling itself: config/cached.py).

Compiling the official lists' names into the index takes seconds; reading the compiled index
back takes a fraction of that. The file is used only when everything it was built from is the
same: the rules and built-in data (the config's digest), the version of each imported list,
and this program's code. With lists it lives in the state folder; without, in the user's cache
folder, so that a first `match` has it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from monitor import cached
from monitor.config import Config
from monitor.config.builtin import digest_of
from monitor.matching import Matcher

FILE = "matcher.cache"


def key(config: Config, list_versions: Mapping[str, object]) -> str:
    return digest_of([config.digest, dict(list_versions)])


def load(folder: Path | None, wanted: str) -> Matcher | None:
    matcher = cached.load(folder, FILE, wanted)
    return matcher if isinstance(matcher, Matcher) else None


def save(folder: Path | None, built: str, matcher: Matcher) -> None:
    cached.save(folder, FILE, built, matcher)
