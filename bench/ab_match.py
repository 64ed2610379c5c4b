"""`match` of this tree against an earlier revision's, in one process: which is faster, and
whether they find the same. The machines are shared and their speed moves by a third between
runs; two versions alternating on the same articles in one process see the same machine.

    python bench/ab_match.py REV [--rounds 40] [--lists]

The revision's package, with its own built-in data, is taken with `git archive` into a
temporary folder and imported under another name (`monitor_then`).
Articles: the benchmark corpus of bench/bench_matcher.py, 50 at a time, the two versions taking
turns to go first; with `--lists`, both hold the official lists of bench/bench_matcher.py
(../shared/fixtures/lists). Reported: the articles whose hits or rule verdicts differ, and the
median and quartiles of this tree's speed over the revision's.
"""

from __future__ import annotations

import argparse
import gc
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_matcher import corpus  # noqa: E402
from bench.official_lists import official_lists  # noqa: E402
from monitor.config import load_config  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from tests.shared import SHARED_FIXTURES  # noqa: E402

THEN = "monitor_then"
_IMPORTS = re.compile(r"\b(from|import) monitor\b")


def package_at(rev: str, folder: Path) -> ModuleType:
    """The package as it was at `rev`, importable as `monitor_then` from `folder`."""
    archive = subprocess.run(
        ["git", "archive", rev, "monitor"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "monitor").rename(folder / THEN)
    for path in (folder / THEN).rglob("*.py"):
        text = _IMPORTS.sub(rf"\1 {THEN}", path.read_text(encoding="utf-8"))
        path.write_text(text.replace('"monitor.', f'"{THEN}.'), encoding="utf-8")
    sys.path.insert(0, str(folder))
    __import__(f"{THEN}.pipeline")
    __import__(f"{THEN}.config")
    return sys.modules[THEN]


def verdict(result: Any) -> tuple[object, ...]:
    hits = [(h.watchlist, h.entry, h.start, h.end) for h in result.hits]
    return tuple(hits), tuple((r.rule, r.fired) for r in result.rules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the revision to compare with (a commit, a tag, HEAD~3)")
    parser.add_argument("--rounds", type=int, default=40, help="paired runs of 50 articles")
    parser.add_argument("--lists", action="store_true", help="both with the official lists")
    args = parser.parse_args()
    articles = corpus(200)
    # The entries are plain values: the revision's pipeline reads this tree's as its own.
    lists = official_lists(SHARED_FIXTURES / "lists") if args.lists else None
    now = Pipeline(load_config(ROOT / "rules.yaml"), lists)
    with tempfile.TemporaryDirectory() as folder:
        then_pkg = package_at(args.rev, Path(folder))
        then_config = sys.modules[f"{THEN}.config"].load_config(ROOT / "rules.yaml")
        then = sys.modules[f"{THEN}.pipeline"].Pipeline(then_config, lists)
        article_type = sys.modules[f"{THEN}.models"].Article
        olds = [article_type(a.id, a.title, a.body) for a in articles]
        differ = [
            a.id
            for a, o in zip(articles, olds, strict=True)
            if verdict(now.match(a)) != verdict(then.match(o))
        ]
        print(f"{THEN} from {args.rev} ({then_pkg.__file__})")
        print(f"articles whose hits or verdicts differ: {len(differ)} {differ[:8]}")
        gc.disable()
        ratios = []
        for r in range(args.rounds):
            lo = (r // 2 % 4) * 50
            took = {}
            order = (("now", now, articles), ("then", then, olds))
            for name, pipeline, items in order if r % 2 else order[::-1]:
                start = time.process_time()
                for item in items[lo : lo + 50]:
                    pipeline.match(item)
                took[name] = time.process_time() - start
            ratios.append(took["then"] / took["now"])
        gc.enable()
    ratios.sort()
    n = len(ratios)
    print(
        f"this tree's speed over {args.rev}'s: median {ratios[n // 2]:.3f}, "
        f"quartiles {ratios[n // 4]:.3f}-{ratios[3 * n // 4]:.3f} ({n} paired runs)"
    )


if __name__ == "__main__":
    main()
