"""Refresh an official list: download (conditional GET, or a local path), parse, validate, and
only then replace the last good snapshot. A refused or failed refresh keeps the old one."""

from __future__ import annotations

import contextlib
import hashlib
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

from monitor import metrics
from monitor.config.model import Config, ListImport
from monitor.errors import MonitorError
from monitor.lists import snapshots
from monitor.lists.formats import FORMATS, ListFormatError
from monitor.lists.model import ListEntity
from monitor.sources.fetch import Fetcher, FetchError
from monitor.store import Store
from monitor.store.store import now

MAX_DROP = 0.2  # a new version with 20 % fewer entries than the last is refused as truncated
RETRY_FAILED = 3600.0  # seconds after a failed refresh before the next try
LIST_MAX_BYTES = 300 * 1024 * 1024  # the EU file is large; a 1 GB answer is refused


class ListRefused(MonitorError):
    """The download is not a trustworthy new version."""


@dataclass(frozen=True)
class Refreshed:
    name: str
    version: int | None  # None: unchanged or failed
    entities: int = 0
    message: str = ""


async def refresh(name: str, spec: ListImport, store: Store, fetcher: Fetcher) -> Refreshed:
    """One list, never raising: the outcome and its message (recorded in the store)."""
    validators = store.list_validators(name)
    try:
        result, validators = await _refresh(name, spec, store, fetcher, validators)
        error = None
    except (FetchError, ListFormatError, ListRefused, OSError) as e:
        result, error = Refreshed(name, None, message=f"refresh failed: {e}"), str(e)
    outcome = "failed" if error else "new_version" if result.version else "unchanged"
    metrics.LIST_REFRESHES.labels(name, outcome).inc()
    if not error:
        metrics.LIST_ENTITIES.labels(name).set(result.entities)
        metrics.LIST_REFRESHED.labels(name).set(time.time())
    # The validators change only with an accepted version: after a refused download the next
    # refresh must fetch it again, not be told "not modified".
    store.record_list_refresh(name, validators, error)
    return result


Validators = tuple[str | None, str | None]  # ETag, Last-Modified of the last accepted download


async def _refresh(
    name: str, spec: ListImport, store: Store, fetcher: Fetcher, validators: Validators
) -> tuple[Refreshed, Validators]:
    _, read = FORMATS[spec.format]
    latest = snapshots.latest_version(store, name)
    fetched = await _download(spec, fetcher, validators if latest else (None, None))
    if fetched is None:
        assert latest is not None  # validators are only sent when there is a version
        return Refreshed(name, None, int(str(latest["entities"])), "unchanged"), validators
    files, new_validators = fetched
    main = _file_names(spec)[0]
    digest = hashlib.sha256(b"".join(files[k] for k in sorted(files))).hexdigest()
    if latest and latest["sha256"] == digest:
        return Refreshed(name, None, int(str(latest["entities"])), "unchanged"), new_validators
    items: list[ListEntity] = read(files) if spec.format == "ofac-csv" else read(files[main])
    if not items:
        raise ListRefused("the download has no entries")
    if latest and len(items) < int(str(latest["entities"])) * (1 - MAX_DROP):
        raise ListRefused(
            f"{len(items)} entries where the last version had {latest['entities']}: refused as"
            " truncated (the last good version stays in use)"
        )
    version = snapshots.save(store, name, items, digest)
    message = f"version {version}: {len(items)} entries"
    return Refreshed(name, version, len(items), message), new_validators


async def _download(
    spec: ListImport, fetcher: Fetcher, validators: Validators
) -> tuple[dict[str, bytes], Validators] | None:
    """The main file (required) and its siblings from the same folder (when they exist), by
    the names the reader knows them by, with the main file's validators; None when the server
    says the main file has not changed."""
    url = spec.url
    main, siblings = _file_names(spec)
    if url.startswith(("http://", "https://")):
        got = await fetcher.get(
            url, etag=validators[0], last_modified=validators[1], max_bytes=LIST_MAX_BYTES
        )
        if got.not_modified:
            return None
        files, validators = {main: got.body}, (got.etag, got.last_modified)
    else:
        files, validators = {main: await _read(url, fetcher)}, (None, None)
    for role, file in siblings.items():
        with contextlib.suppress(FetchError, OSError):  # alt.csv and friends are optional
            files[role] = await _read(_beside(url, file), fetcher)
    return files, validators


def _file_names(spec: ListImport) -> tuple[str, dict[str, str]]:
    """(the main file's name for the reader, {sibling's name for the reader: its file name}).
    OFAC's consolidated list names its files cons_prim.csv, cons_alt.csv…, and OFAC's list
    service serves them all in capitals (SDN.CSV, ALT.CSV)."""
    file = Path(spec.url).name
    siblings = FORMATS[spec.format][0]
    if spec.format != "ofac-csv":
        return file, {s: s for s in siblings}
    consolidated = file.lower().startswith("cons_")
    names = {s: "cons_" + s.removeprefix("sdn_") if consolidated else s for s in siblings}
    return "sdn.csv", {role: n.upper() if file.isupper() else n for role, n in names.items()}


async def _read(url: str, fetcher: Fetcher) -> bytes:
    if url.startswith(("http://", "https://")):
        return (await fetcher.get(url, max_bytes=LIST_MAX_BYTES)).body
    return Path(url.removeprefix("file://")).read_bytes()


def _beside(url: str, name: str) -> str:
    if url.startswith(("http://", "https://")):
        return urljoin(url, name)
    return str(Path(url.removeprefix("file://")).with_name(name))


def due(store: Store, name: str, spec: ListImport) -> bool:
    """Never refreshed, or not for `refresh` seconds; after a failed refresh, an hour is enough
    (a network blip must not cost a day of designations)."""
    last_refresh = store.list_refresh(name)
    if last_refresh is None:
        return True
    when, error = last_refresh
    last = datetime.fromisoformat(when)
    wait = min(spec.refresh, RETRY_FAILED) if error else spec.refresh
    return (now() - last).total_seconds() >= wait


async def refresh_due(
    config: Config, store: Store, fetcher: Fetcher, names: list[str] | None = None
) -> list[Refreshed]:
    """Every imported list whose time has come (or each of NAMES, now); one failing list does
    not stop the others."""
    return [
        await refresh(name, wl.imports, store, fetcher)
        for name, wl in config.watchlists.items()
        if wl.imports is not None
        and (name in names if names is not None else due(store, name, wl.imports))
    ]
