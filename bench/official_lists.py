"""The real official lists of ../shared/fixtures/lists, keyed by the watchlists the default rules
import them into: the OFAC SDN list of January 2019 (7,378 entries) and the UN list of February
2026."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from monitor.lists.formats import read_ofac_csv, read_un_xml
from monitor.lists.model import ListEntity


@cache
def official_lists(lists: Path) -> dict[str, list[ListEntity]]:
    """The two lists, read from LISTS (../shared/fixtures/lists)."""
    sdn = lists / "ofac_sdn_csv_2019"
    return {
        "ofac_sdn": read_ofac_csv(
            {
                n: (sdn / n).read_bytes()
                for n in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
            }
        ),
        "un_sc": read_un_xml((lists / "un_consolidated_xml/UN_consolidated.xml").read_bytes()),
    }
