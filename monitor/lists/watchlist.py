"""A watchlist filled from its list's snapshot: one entry per listed entity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from monitor.config.model import AliasSpec, Config, Entry, Watchlist
from monitor.lists import snapshots
from monitor.lists.model import ListEntity
from monitor.lists.names import entity_aliases
from monitor.models import ListRef
from monitor.store import Store
from monitor.store.store import DB_NAME


def entry_name(entity: ListEntity) -> str:
    """What hits and alerts show: the listed name and its id on the list."""
    return f"{entity.caption} [{entity.id}]"


def fill(watchlist: Watchlist, entities: Sequence[ListEntity]) -> Watchlist:
    spec = watchlist.imports
    assert spec is not None
    entries = list(watchlist.entries)
    for entity in entities:
        if spec.schemas and entity.schema not in spec.schemas:
            continue
        if spec.programs and not spec.programs & set(entity.programs):
            continue
        strong, _weak = entity_aliases(entity)
        # Weak aliases (one word, four letters, the lists' own "weak" a.k.a.) are not indexed:
        # "Saud", "Abdullah" or "EX-301" must never fire on their own.
        if strong:
            ref = ListRef(watchlist.name, entity.id, entity.programs, entity.link)
            entries.append(Entry(entry_name(entity), tuple(AliasSpec(a) for a in strong), ref=ref))
    return replace(watchlist, entries=tuple(entries))


def with_lists(config: Config, lists: Mapping[str, Sequence[ListEntity]]) -> dict[str, Watchlist]:
    return {
        name: fill(wl, lists.get(name, ())) if wl.imports else wl
        for name, wl in config.watchlists.items()
    }


def stored_lists(config: Config, store: Store) -> dict[str, list[ListEntity]]:
    """The last good snapshot of every imported list."""
    return {n: snapshots.entities(store, n) for n, wl in config.watchlists.items() if wl.imports}


def load_lists(config: Config, state_dir: Path | None) -> dict[str, list[ListEntity]]:
    """The last good snapshot of every imported list in the state directory (never fetched
    here: `lists refresh`, `once` and `run` do that). No state directory: no lists."""
    names = [n for n, wl in config.watchlists.items() if wl.imports]
    if not names or state_dir is None or not (state_dir / DB_NAME).exists():
        return {}
    store = Store(state_dir)
    try:
        return stored_lists(config, store)
    finally:
        store.close()
