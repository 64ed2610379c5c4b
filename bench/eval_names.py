"""How well listed names are found in sentences, and how often other people's names are taken
for listed ones.

    python bench/eval_names.py [--errors]

Positives: the 683 persons of the UN list as listed, and the same with OpenSanctions' typos and
reorderings ("treated"), each put in a sentence about sanctions; a positive is found when the
UN list's watchlist hits it. Negatives: OpenSanctions' 2,000 synthetic names that belong to no
listed person (many scripts, and US-style names), in the same sentence; any hit of the OFAC SDN
or UN lists is a false match. Files: ../shared/fixtures/lists/eval_yente_* (see PROVENANCE.md
there); without that folder, one line says so.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.official_lists import official_lists  # noqa: E402
from monitor.config import load_config  # noqa: E402
from monitor.models import Article  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from tests.shared import SHARED_FIXTURES, exit_unless_shared  # noqa: E402

SENTENCE = "The Security Council said {} is subject to sanctions."


def names(file: Path) -> list[str]:
    with file.open(encoding="utf-8") as f:
        return [row["full_name"].strip() for row in csv.DictReader(f) if row["full_name"].strip()]


def rates(shared_lists: Path, show_errors: bool = False) -> dict[str, float]:
    """Recall and false-match rates with the real lists and evaluation files of SHARED_LISTS."""
    pipeline = Pipeline(load_config(ROOT / "rules.yaml"), official_lists(shared_lists))

    def listed(name: str, lists: tuple[str, ...]) -> list[str]:
        hits = pipeline.matcher.find(Article("n", SENTENCE.format(name)))
        return [h.entry for h in hits if h.watchlist in lists]

    out = {}
    for label, file in (
        ("as listed", "positives_un_untreated.csv"),
        ("treated", "positives_un_treated.csv"),
    ):
        queries = names(shared_lists / "eval_yente_positives" / file)
        missed = [n for n in queries if not listed(n, ("un_sc",))]
        out[f"recall, UN names {label}"] = 1 - len(missed) / len(queries)
        if show_errors:
            print(f"missed ({label}): {missed[:40]}")
    for file in ("negatives_global.csv", "negatives_us.csv"):
        queries = names(shared_lists / "eval_yente_negatives" / file)
        wrong = [(n, e) for n in queries if (e := listed(n, ("un_sc", "ofac_sdn")))]
        out[f"false matches, {file}"] = len(wrong) / len(queries)
        if show_errors:
            print(f"false matches ({file}): {wrong[:40]}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="show misses and false matches")
    args = parser.parse_args()
    exit_unless_shared()
    for label, value in rates(SHARED_FIXTURES / "lists", args.errors).items():
        print(f"{label:<40} {value:.3f}")


if __name__ == "__main__":
    main()
