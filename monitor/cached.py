"""Pickled results kept between runs, each used only when what it was built from is the same.

Reading the built-in languages, compiling their aliases and tabulating the fold of every Unicode
character take seconds; reading back what was built takes a fraction of that. The files are our
own (pickle is never for files from elsewhere), in our own folders: the compiled index of the
official lists in the state folder (monitor/index_cache.py); what is built from the built-in
data alone in the user's cache folder (MONITOR_CACHE, else $XDG_CACHE_HOME/sanctions-monitor
or ~/.cache/sanctions-monitor; MONITOR_CACHE=off for none). Anything wrong with a file, and
its value is simply built again; a folder that cannot be written costs the next start some
seconds, nothing more.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from functools import cache
from pathlib import Path

log = logging.getLogger("monitor")
PACKAGE = Path(__file__).resolve().parent


@cache
def code_digest() -> str:
    """Every source file of the package: a new version of the program builds anew."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def user_folder() -> Path | None:
    given = os.environ.get("MONITOR_CACHE", "")
    if given.lower() == "off":
        return None
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sanctions-monitor"


def load(folder: Path | None, name: str, key: str) -> object | None:
    if folder is None:
        return None
    try:
        with (folder / name).open("rb") as f:
            stored, value = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as e:  # a torn or stale file is rebuilt, never trusted
        log.info("%s unusable (%s): building it again", folder / name, type(e).__name__)
        return None
    return value if stored == key else None


def save(folder: Path | None, name: str, key: str, value: object) -> None:
    if folder is None:
        return
    tmp = folder / f"{name}.{os.getpid()}.tmp"  # two processes may build one at once
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as f:
            pickle.dump((key, value), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / name)
    except OSError as e:
        log.warning("%s not written: %s", folder / name, e)
        tmp.unlink(missing_ok=True)
