"""Story grouping against our labelled story set: B-cubed precision and recall, alerts per story.

    python bench/eval_stories.py --texts DIR [--errors]

Labels: tests/fixtures/stories/*.jsonl (ours: `id`, `story`, `lang`, `url`, `published`,
`what`); the texts are others' and stay outside the repository, one JSONL per labels file in DIR
(`id`, `title`, `body`). Every labelled article goes through `match` on the default rules in the
order of its publication day; those that fire a rule are grouped as the store groups them
(monitor/stories.py `story_for`, the default story window), each day at noon. An article that
fires no rule raises no alert and joins no story: it counts as a story of its own.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.texts import labelled_texts  # noqa: E402
from monitor.config import load_config  # noqa: E402
from monitor.models import Article  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from monitor.stories import KnownStory, story_event, story_for, story_key  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "stories"


def grouped(pipeline: Pipeline, texts: Path) -> list[tuple[dict[str, str], int, bool]]:
    """(label, story found, alerted) of every labelled article whose text is in `texts`."""
    items = labelled_texts(LABELS, texts)
    items.sort(key=lambda x: (x[0].get("published") or "", x[0]["id"]))
    window = pipeline.config.settings.story_window
    known: list[KnownStory] = []
    out: list[tuple[dict[str, str], int, bool]] = []
    for label, text in items:
        article = Article(label["id"], text["title"], text["body"], lang=label["lang"])
        result = pipeline.match(article)
        moment = datetime.fromisoformat(f"{label.get('published') or '2000-01-01'}T12:00:00+00:00")
        if not result.fired:
            out.append((label, -len(out) - 1, False))  # no alert, no story: one of its own
            continue
        key, event = story_key(article), story_event(article, result.events)
        story = story_for(key, event, moment, known, window)
        if story is None:
            story = len(known) + 1
            known.append(KnownStory(story, key, event, moment.astimezone(UTC)))
        out.append((label, story, True))
    return out


def b_cubed(pairs: list[tuple[str, int]]) -> tuple[float, float]:
    """B-cubed precision and recall of found clusters against labelled ones."""
    labelled: dict[str, set[int]] = defaultdict(set)
    found: dict[int, set[int]] = defaultdict(set)
    for i, (gold, got) in enumerate(pairs):
        labelled[gold].add(i)
        found[got].add(i)
    precision = recall = 0.0
    for gold, got in pairs:
        both = len(labelled[gold] & found[got])
        precision += both / len(found[got])
        recall += both / len(labelled[gold])
    return precision / len(pairs), recall / len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, required=True, help="the story set's texts")
    parser.add_argument("--errors", action="store_true", help="each story as it was grouped")
    args = parser.parse_args()
    pipeline = Pipeline(load_config(ROOT / "rules.yaml"))
    results = grouped(pipeline, args.texts)
    if not results:
        print(f"no texts for the labels of {LABELS} in {args.texts}")
        return
    precision, recall = b_cubed([(label["story"], story) for label, story, _ in results])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    stories = {label["story"] for label, _, _ in results}
    alerts = len({story for _, story, alerted in results if alerted})
    merged = Counter(story for _, story, alerted in results if alerted)
    wrong = sum(
        1
        for story, n in merged.items()
        if len({label["story"] for label, s, _ in results if s == story}) > 1
    )
    languages = len({label["lang"] for label, _, _ in results})
    print(
        f"{len(results)} articles in {languages} languages, {len(stories)} labelled stories;"
        f" {alerts} alerts (stories found that alert), {alerts / len(stories):.2f} per story"
    )
    print(f"B-cubed precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}")
    print(f"wrong merges (found stories holding two labelled ones): {wrong}")
    if args.errors:
        by_story: dict[str, list[str]] = defaultdict(list)
        for label, story, alerted in results:
            by_story[label["story"]].append(f"{label['lang']}:{story if alerted else '-'}")
        for name, found in sorted(by_story.items()):
            print(f"  {name}: {' '.join(found)}")


if __name__ == "__main__":
    main()
