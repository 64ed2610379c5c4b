"""Recall and precision of the default rules on the labelled development sets.

    python bench/eval_devset.py [--rules rules.yaml] [--errors] [--lists]

The dev set is real articles labelled by hand: our labels (tests/fixtures/devset/labels.jsonl),
their texts built from ../shared/fixtures/feeds (tests/devset.py); tests/cases/languages/
holds short items written for the tests, one file per language. Prints the confusion counts
overall and per language, and with --errors every misclassified article with the rule's reason. With
--lists, the OFAC SDN (2019) and UN (2026) lists of ../shared/fixtures/lists fill the rules'
imported watchlists of those names. Without ../shared, one line says so and only the written
cases are measured. An alert is a rule sent on its own; rules sent as digests (the
low-severity "listed name in a headline") are counted apart.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.official_lists import official_lists  # noqa: E402
from monitor.config import load_config  # noqa: E402
from monitor.models import Article  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from tests.devset import devset  # noqa: E402
from tests.shared import ABSENT, SHARED_FIXTURES, exit_unless_shared, shared_available  # noqa: E402
from tests.written import written_cases  # noqa: E402


def load_sets(extra: list[str]) -> dict[str, list[dict[str, object]]]:
    cases = written_cases()
    sets: dict[str, list[dict[str, object]]] = {}
    if shared_available():
        real = devset(SHARED_FIXTURES / "feeds")
        sets["real articles (devset)"] = [{**r, "alert": r["label"]} for r in real]
    else:
        print(f"real articles (devset) skipped: {ABSENT}")
    sets["written cases"] = cases
    for path in extra:  # labelled sets kept outside the repository
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        sets[path] = [{**r, "alert": r["label"]} for r in map(json.loads, lines) if r]
    return sets


def evaluate(pipeline: Pipeline, records: list[dict[str, object]], show_errors: bool) -> None:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp fp fn tn
    digests = {rule.name for rule in pipeline.config.rules if rule.digest}
    digested = 0
    for r in records:
        lang = str(r.get("lang") or "?").split("-")[0]
        article = Article(str(r["id"]), str(r["title"]), str(r.get("body") or ""), lang=lang)
        result = pipeline.match(article)
        alert = any(x.fired for x in result.rules if x.rule not in digests)
        digested += not alert and bool(result.fired)
        truth = bool(r["alert"])
        slot = {(True, True): 0, (True, False): 1, (False, True): 2, (False, False): 3}[
            (alert, truth)
        ]
        for key in (lang, "ALL"):
            counts[key][slot] += 1
        if show_errors and alert != truth:
            kind = "FALSE ALERT" if alert else "MISSED"
            reason = "; ".join(f"{x.rule}: {x.reason}" for x in result.rules)
            print(
                f"  {kind:<11} {r['id']} [{lang}] {str(r['title'])[:90]!r}\n              {reason}"
            )
    columns = ("pos", "neg", "TP", "FP", "FN")
    print(f"  {'lang':<5} " + " ".join(f"{c:>4}" for c in columns) + f" {'recall':>7} {'prec.':>6}")
    for lang in sorted(counts, key=lambda k: (k == "ALL", k)):
        tp, fp, fn, tn = counts[lang]
        recall = f"{tp / (tp + fn):.3f}" if tp + fn else "-"
        precision = f"{tp / (tp + fp):.3f}" if tp + fp else "-"
        values = (tp + fn, fp + tn, tp, fp, fn)
        print(
            f"  {lang:<5} " + " ".join(f"{v:>4}" for v in values) + f" {recall:>7} {precision:>6}"
        )

    if digests:
        print(f"  and {digested} articles only in a digest ({', '.join(sorted(digests))})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default=str(ROOT / "rules.yaml"))
    parser.add_argument("--errors", action="store_true", help="list every misclassified article")
    parser.add_argument("--extra", action="append", default=[], help="another labelled JSONL set")
    parser.add_argument("--lists", action="store_true", help="with the official lists imported")
    args = parser.parse_args()
    if args.lists:
        exit_unless_shared()
    pipeline = Pipeline(
        load_config(args.rules), official_lists(SHARED_FIXTURES / "lists") if args.lists else {}
    )
    for name, records in load_sets(args.extra).items():
        print(f"{name}: {len(records)} articles")
        evaluate(pipeline, records, args.errors)


if __name__ == "__main__":
    main()
