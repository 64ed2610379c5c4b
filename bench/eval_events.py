"""The events stage against our labels, and what it costs.

    python bench/eval_events.py [--texts DIR] [--by-language]

Labelled: the written cases' positives (tests/cases/languages/, `event:`) and, with --texts
(the folder of the web dev set's texts, one <code>.jsonl per language: they are others' and
stay outside the repository), the web dev set's positives (labels in tests/fixtures/devset/web/).
Reported per type: how many, the family right, the exact type right; imposers and targets F1.
Then the stage's share of `match`'s time on the benchmark corpus (bench/bench_matcher.py's).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.texts import labelled_texts  # noqa: E402
from monitor.config import load_config  # noqa: E402
from monitor.events import events_of  # noqa: E402
from monitor.models import FAMILY_OF, Article, Event  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from tests.written import written_cases  # noqa: E402

WEB = ROOT / "tests" / "fixtures" / "devset" / "web"


@dataclass
class Scores:
    """Counts over labelled articles: the first event found against the label."""

    n: int = 0
    family: int = 0
    exact: int = 0
    roles: dict[str, list[int]] = field(
        default_factory=lambda: {"imposers": [0, 0, 0], "targets": [0, 0, 0]}
    )  # true positives, found, labelled

    def add(self, label: dict[str, object], got: Event | None) -> None:
        kind = str(label["type"])
        self.n += 1
        self.family += got is not None and got.family == FAMILY_OF[kind]
        self.exact += got is not None and got.type == kind
        for role, counts in self.roles.items():
            found = set(getattr(got, role) if got else ())
            wanted = {str(x) for x in label.get(role) or ()}  # type: ignore[attr-defined]
            counts[0] += len(found & wanted)
            counts[1] += len(found)
            counts[2] += len(wanted)

    def f1(self, role: str) -> float:
        tp, found, wanted = self.roles[role]
        return 2 * tp / (found + wanted) if found + wanted else 1.0

    def line(self, label: str) -> str:
        n = max(self.n, 1)
        return (
            f"{label:<16} {self.n:>4} {self.family / n:>7.2f} {self.exact / n:>6.2f} "
            f"{self.f1('imposers'):>9.2f} {self.f1('targets'):>8.2f}"
        )


def labelled(texts: Path | None) -> list[tuple[Article, dict[str, object]]]:
    """(article, event label) of every labelled positive we can read."""
    out = [
        (Article(c["id"], c["title"], c.get("body") or "", lang=c["lang"]), c["event"])
        for c in written_cases()
        if c.get("alert") and c.get("event")
    ]
    for label, text in labelled_texts(WEB, texts):
        if label.get("event"):
            article = Article(label["id"], text["title"], text["body"], lang=label["lang"])
            out.append((article, label["event"]))
    return out


def first_events(
    pipeline: Pipeline, items: Iterable[tuple[Article, dict[str, object]]]
) -> list[tuple[Article, dict[str, object], Event | None]]:
    out = []
    for article, label in items:
        events = pipeline.match(article).events
        out.append((article, label, events[0] if events else None))
    return out


def score(results: Iterable[tuple[Article, dict[str, object], Event | None]]) -> Scores:
    scores = Scores()
    for _, label, got in results:
        scores.add(label, got)
    return scores


def stage_share(pipeline: Pipeline) -> float:
    """The events stage's time over `match`'s, on the benchmark corpus."""
    from bench.bench_matcher import corpus

    articles = corpus(200)
    found = [pipeline.matcher.find(a) for a in articles]
    for a in articles:  # warm the caches, as a long-running daemon has them
        pipeline.match(a)
    best_match = best_stage = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for a in articles:
            pipeline.match(a)
        best_match = min(best_match, time.perf_counter() - start)
        start = time.perf_counter()
        for a, hits in zip(articles, found, strict=True):
            events_of(a, hits)
        best_stage = min(best_stage, time.perf_counter() - start)
    return best_stage / best_match


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, help="the folder of the web dev set's texts")
    parser.add_argument("--by-language", action="store_true", help="a line per language too")
    args = parser.parse_args()
    pipeline = Pipeline(load_config(ROOT / "rules.yaml"))
    results = first_events(pipeline, labelled(args.texts))
    print(f"{'':<16} {'n':>4} {'family':>7} {'type':>6} {'imposers':>9} {'targets':>8}")
    groups: dict[str, list[tuple[Article, dict[str, object], Event | None]]] = defaultdict(list)
    for result in results:
        groups[str(result[1]["type"])].append(result)
        if args.by_language:
            groups[f"lang {result[0].lang}"].append(result)
    for name in sorted(groups, key=lambda k: (k.startswith("lang"), -len(groups[k]), k)):
        print(score(groups[name]).line(name))
    for name, real in (("written", False), ("real", True)):
        print(score(r for r in results if ("-web-" in r[0].id) == real).line(name))
    print(score(results).line("all"))
    wrong = Counter(
        (str(label["type"]), got.type if got else "none")
        for _, label, got in results
        if got is None or got.type != label["type"]
    )
    print("\nmost frequent confusions (labelled -> found):")
    for (want, got), n in wrong.most_common(8):
        print(f"  {want} -> {got}: {n}")
    print(
        f"\nthe events stage: {stage_share(pipeline):.1%} of match's time on the benchmark corpus"
    )


if __name__ == "__main__":
    main()
