"""The real official lists in tests/fixtures, keyed by the watchlists the default rules import
them into: the OFAC SDN list of January 2019 (7,378 entries) and the UN list of February 2026."""

from __future__ import annotations

from pathlib import Path

from monitor.lists.formats import read_ofac_csv, read_un_xml
from monitor.lists.model import ListEntity

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
