"""The real official lists in tests/fixtures, as watchlists added to a config: the OFAC SDN list
of January 2019 (7,378 entries) and the UN Security Council list of February 2026 (1,003)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from monitor.config.model import Config, ListImport, Watchlist
from monitor.lists.formats import read_ofac_csv, read_un_xml
from monitor.lists.model import ListEntity
from monitor.lists.watchlist import fill

LISTS = Path(__file__).resolve().parent.parent / "tests/fixtures/lists"


def official_lists() -> dict[str, list[ListEntity]]:
    sdn = LISTS / "ofac_sdn_csv_2019"
    return {
        "ofac_sdn": read_ofac_csv(
            {
                n: (sdn / n).read_bytes()
                for n in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
            }
        ),
        "un_sc": read_un_xml((LISTS / "un_consolidated_2026.xml").read_bytes()),
    }


def with_official_lists(
    config: Config, lists: dict[str, list[ListEntity]], weak_needs: frozenset[str] = frozenset()
) -> Config:
    """`config` with one watchlist per list, filled as the daemon fills them; weak names need a
    hit of `weak_needs` (any watchlist of the config when empty) in their sentence."""
    spec = ListImport("-", "-", weak_needs=weak_needs)
    added = {
        name: fill(Watchlist(name, (), imports=spec), entities) for name, entities in lists.items()
    }
    return replace(config, watchlists={**config.watchlists, **added})
