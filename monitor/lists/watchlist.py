"""A watchlist filled from its list's snapshot: one entry per listed entity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from monitor.config.model import AliasSpec, Config, Entry, Watchlist
from monitor.lists import snapshots
from monitor.lists.model import ListEntity
from monitor.lists.names import entity_aliases
from monitor.models import ListRef
from monitor.store import Store
from monitor.text.normalize import fold_plain


def entry_name(entity: ListEntity) -> str:
    """What hits and alerts show: the listed name and its id on the list."""
    return f"{entity.caption} [{entity.id}]"


def fill(watchlist: Watchlist, entities: Sequence[ListEntity]) -> Watchlist:
    spec = watchlist.imports
    assert spec is not None
    chosen = [
        (entity, *entity_aliases(entity))
        for entity in entities
        if (not spec.schemas or entity.schema in spec.schemas)
        and (not spec.programs or spec.programs & set(entity.programs))
    ]
    # A weak name that several entities share ("MAHAN" of MAHAN AIR and MAHAN TRAVEL) names none
    # of them; and a word that many listed names use ("FIRST", "FOREIGN") is a common word.
    used = Counter(
        w for entity, _, _ in chosen for w in {w for n in entity.names for w in _words(n.name)}
    )
    shared = Counter(k for _, _, weak in chosen for k in weak)
    entries = list(watchlist.entries)
    for entity, strong, weak in chosen:
        # Typos are tolerated in people's names, which news transliterates in many ways (Sergei,
        # Sergey); a company's or a vessel's name one letter off is another name (GREEN ISLAND
        # is not a Greek island).
        exact = entity.schema != "individual"
        aliases = [AliasSpec(a, exact=exact) for a in strong.values()]
        aliases += [
            AliasSpec(written, exact=exact, weak=True)
            for key, written in weak.items()
            if shared[key] == 1 and (" " in key or used[key] <= 1)
        ]
        if aliases:
            ref = ListRef(watchlist.name, entity.id, entity.programs, entity.link)
            entries.append(Entry(entry_name(entity), tuple(aliases), ref=ref))
    return replace(watchlist, entries=tuple(entries))


def _words(alias: str) -> list[str]:
    return fold_plain(alias).split()


def with_lists(config: Config, lists: Mapping[str, Sequence[ListEntity]]) -> dict[str, Watchlist]:
    return {
        name: fill(wl, lists.get(name, ())) if wl.imports else wl
        for name, wl in config.watchlists.items()
    }


def stored_lists(config: Config, store: Store) -> dict[str, list[ListEntity]]:
    """The last good snapshot of every imported list."""
    return {n: snapshots.entities(store, n) for n, wl in config.watchlists.items() if wl.imports}
