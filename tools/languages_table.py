"""Print the table of docs/languages.md: one row per built-in language, with its aliases, its
written test cases, its figures on real articles, and how many labelled events (written and
real positives) the events stage types right.

Real articles: the dev set's (tests/devset.py, texts from ../shared/fixtures/feeds) and the web
dev set (our labels in tests/fixtures/devset/web/<code>.jsonl; the texts, which are others',
stay outside the repository: give their folder with --texts, one <code>.jsonl per language).

    python tools/languages_table.py --texts /work/devtexts > table.md
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.texts import labelled_texts  # noqa: E402
from monitor.config.builtin import language_codes, written_aliases  # noqa: E402
from monitor.config.load import load_config  # noqa: E402
from monitor.models import Article, Event  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from monitor.text.lang import profiles  # noqa: E402
from tests.devset import devset  # noqa: E402
from tests.shared import SHARED_FIXTURES, shared_available  # noqa: E402
from tests.written import written_cases  # noqa: E402


def real_articles(texts: Path | None) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    if shared_available():
        records += devset(SHARED_FIXTURES / "feeds")
    for label, text in labelled_texts(ROOT / "tests/fixtures/devset/web", texts):
        records.append({**text, **label})
    return records


def _count_event(counts: Counter[str], label: object, events: tuple[Event, ...]) -> None:
    """An event label (written cases and real positives) against the first event found."""
    if isinstance(label, dict):
        counts["events"] += 1
        counts["event right"] += bool(events) and events[0].type == label["type"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, help="the folder of the web dev set's texts")
    args = parser.parse_args()
    pipeline = Pipeline(load_config(ROOT / "rules.yaml"))
    digests = {rule.name for rule in pipeline.config.rules if rule.digest}
    aliases = written_aliases()
    cases = Counter((c["lang"], bool(c["alert"])) for c in written_cases())
    counts: dict[str, Counter[str]] = {}
    for r in real_articles(args.texts):
        lang = str(r.get("lang") or "?").split("-")[0]
        article = Article(
            str(r["id"]), str(r.get("title") or ""), str(r.get("body") or ""), lang=lang
        )
        result = pipeline.match(article)
        alert = any(x.fired for x in result.rules if x.rule not in digests)
        kind = {(True, True): "TP", (True, False): "FP", (False, True): "FN"}.get(
            (alert, bool(r["label"])), "TN"
        )
        counts.setdefault(lang, Counter())[kind] += 1
        _count_event(counts[lang], r.get("event"), result.events)
    for case in written_cases():
        if case.get("alert") and case.get("event"):
            article = Article(case["id"], case["title"], case.get("body") or "", lang=case["lang"])
            events = pipeline.match(article).events
            _count_event(counts.setdefault(case["lang"], Counter()), case["event"], events)
    names = {p.code: p for p in profiles()}
    print(
        "| code | language | script | aliases | written cases (pos/neg) |"
        " real articles (pos/neg) | TP | FP | FN | recall | precision | event type right |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    total: Counter[str] = Counter()
    for code in language_codes():
        name = names[code].name
        c = counts.get(code, Counter())
        total.update(c)
        pos, neg = c["TP"] + c["FN"], c["FP"] + c["TN"]
        recall = f"{c['TP'] / pos:.2f}" if pos else "–"
        precision = f"{c['TP'] / (c['TP'] + c['FP']):.2f}" if c["TP"] + c["FP"] else "–"
        own = aliases[code]
        print(
            f"| {code} | {name} | {', '.join(names[code].scripts)} | {own} |"
            f" {cases[(code, True)]}/{cases[(code, False)]} | {pos}/{neg} |"
            f" {c['TP']} | {c['FP']} | {c['FN']} | {recall} | {precision} |"
            f" {c['event right']}/{c['events']} |"
        )
    pos, found = total["TP"] + total["FN"], total["TP"] + total["FP"]
    print(
        f"\nAll real articles: {pos} positive, {total['FP'] + total['TN']} negative; TP"
        f" {total['TP']}, FP {total['FP']}, FN {total['FN']}; recall"
        f" {total['TP'] / pos:.3f}, precision {total['TP'] / found:.3f}."
        if pos and found
        else ""
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
