"""How often the official lists fire on real articles that are not about sanctions.

    python bench/eval_list_hits.py [--rules rules.yaml]

Imports the OFAC SDN (2019) and UN (2026) lists of ../shared/fixtures, matches every negative
article of the dev set (tests/devset.py) and tests/cases/languages/, and prints each list hit in
its context, weak ones marked, then the counts. Each hit is a name of a listed entity found in
text: a real mention of a listed name is not an error; a hit on a different person or an
ordinary word is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.official_lists import official_lists  # noqa: E402
from monitor.config import load_config  # noqa: E402
from monitor.models import Article  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from tests.devset import devset  # noqa: E402
from tests.shared import SHARED_FIXTURES, exit_unless_shared  # noqa: E402
from tests.written import written_cases  # noqa: E402


def negatives() -> list[Article]:
    cases = written_cases()
    records = [r for r in devset(SHARED_FIXTURES / "feeds") if not r["label"]]
    records += [{**c, "id": f"case-{i}"} for i, c in enumerate(cases) if not c["alert"]]
    return [
        Article(str(r["id"]), str(r["title"]), str(r.get("body") or ""), lang=r.get("lang"))
        for r in records
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default=str(ROOT / "rules.yaml"))
    args = parser.parse_args()
    exit_unless_shared()
    # The rules' imported watchlists of these names are filled as the daemon fills them.
    pipeline = Pipeline(load_config(args.rules), official_lists(SHARED_FIXTURES / "lists"))
    articles = negatives()
    hit_articles = hits = weak = 0
    for article in articles:
        found = [h for h in pipeline.matcher.find(article) if h.ref is not None]
        hit_articles += bool(found)
        for h in found:
            hits += 1
            weak += h.weak
            text = article.text(h.field)
            context = text[max(0, h.start - 60) : h.end + 60].replace("\n", " ")
            mark = " (weak)" if h.weak else ""
            print(f"{article.id} {h.watchlist}: {h.entry}{mark}\n    ...{context}...")
    print(
        f"\n{len(articles)} negative articles: {hits} list hits ({weak} weak) "
        f"in {hit_articles} articles"
    )


if __name__ == "__main__":
    main()
