"""The compiled matcher, kept in the state folder between restarts.

Compiling the official lists' names into the index takes seconds; reading the compiled index
back takes a fraction of that. The file is used only when everything it was built from is the
same: the watchlists of rules.yaml, the version of each imported list, and this program's code.
It is our own file in our own state folder (pickle is not for files from elsewhere); anything
wrong with it, and the index is simply built again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import pickle
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from monitor.config.model import Watchlist
from monitor.matching import Matcher

log = logging.getLogger("monitor")
FILE = "matcher.cache"


@cache
def _code() -> str:
    """Every source file of the package: a new version of the program compiles anew."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def key(watchlists: Mapping[str, Watchlist], list_versions: Mapping[str, object]) -> str:
    def plain(value: object) -> object:
        return sorted(value) if isinstance(value, (set, frozenset)) else str(value)

    config = {name: dataclasses.asdict(wl) for name, wl in watchlists.items()}
    text = json.dumps([config, list_versions, _code()], sort_keys=True, default=plain)
    return hashlib.sha256(text.encode()).hexdigest()


def load(folder: Path, wanted: str) -> Matcher | None:
    try:
        with (folder / FILE).open("rb") as f:
            stored, matcher = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as e:  # a torn or stale file is rebuilt, never trusted
        log.info("matcher cache unusable (%s): building the index", type(e).__name__)
        return None
    return matcher if stored == wanted and isinstance(matcher, Matcher) else None


def save(folder: Path, built: str, matcher: Matcher) -> None:
    tmp = folder / f"{FILE}.{os.getpid()}.tmp"  # `match` may build one while `run` does
    try:
        with tmp.open("wb") as f:
            pickle.dump((built, matcher), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / FILE)
    except OSError as e:  # a full disk costs the next start some seconds, nothing more
        log.warning("matcher cache not written: %s", e)
        tmp.unlink(missing_ok=True)
