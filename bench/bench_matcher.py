"""Matcher throughput against two baselines run in the same process (these machines are noisy).

    python bench/bench_matcher.py [--quick]

Articles: ~3,000-character texts assembled from the real articles of tests/fixtures/devset.
Watchlists: the default rules.yaml, then the default plus synthetic name lists of 2,000 and
50,000 aliases. Baselines: (a) rapidfuzz partial_ratio of every alias against the text, the
naive loop; (b) one exact Aho-Corasick scan of all aliases over the normalised text, no word
boundaries or filtering. Reported: articles/s, the ratio to each baseline, index build time and
the memory the index adds (RSS).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import ahocorasick
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.config import AliasSpec, Config, Entry, Watchlist, load_config  # noqa: E402
from monitor.config.model import ListImport  # noqa: E402
from monitor.lists.formats import read_ofac_csv  # noqa: E402
from monitor.lists.watchlist import fill  # noqa: E402
from monitor.models import Article  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from monitor.text.normalize import fold, fold_plain  # noqa: E402

SYLLABLES = (
    "al ab ba da dar de di fa gar ha hu ka kha la li ma mi mo mu na ni no ra ri ro sa sha so ta "
    "ti to va vi ya yu za zo ber dan mir kov nov ov ev in an ar is us os ek"
).split()
FORMS = ("LLC", "JSC", "Trading", "Shipping", "Group", "Holding", "Industries", "Company")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def corpus(n: int) -> list[Article]:
    records = [json.loads(x) for x in (ROOT / "tests/fixtures/devset/articles.jsonl").open()]
    texts = [f"{r['title']}. {r['body']}" for r in records if r.get("body")]
    rng = random.Random(7)
    out = []
    for i in range(n):
        parts: list[str] = []
        while sum(map(len, parts)) < 3000:
            parts.append(rng.choice(texts))
        body = "\n".join(parts)[:3000]
        out.append(Article(str(i), body[:90], body))
    return out


def synthetic_watchlist(n: int, seed: int = 1) -> Watchlist:
    """n made-up names shaped like list entries: persons of 2-3 parts, companies with forms."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    entries = []
    for i in range(n):
        if i % 3:
            name = " ".join(word() for _ in range(rng.randint(2, 3)))
        else:
            name = f"{word()} {rng.choice(FORMS)}"
        entries.append(Entry(f"E{i} {name}", (AliasSpec(name),)))
    return Watchlist("synthetic", tuple(entries))


def with_watchlist(config: Config, extra: Watchlist | None) -> Config:
    if extra is None:
        return config
    return replace(config, watchlists={**config.watchlists, extra.name: extra})


def rate(fn: Callable[[Article], object], articles: list[Article], budget: float = 3.0) -> float:
    """Articles per second, over as many passes of `articles` as fit in about `budget` seconds."""
    gc.collect()
    done, start = 0, time.perf_counter()
    while True:
        for article in articles:
            fn(article)
        done += len(articles)
        elapsed = time.perf_counter() - start
        if elapsed >= budget:
            return done / elapsed


def naive(aliases: list[str]) -> Callable[[Article], object]:
    def run(article: Article) -> object:
        text = fold_plain(article.text("title") + " " + article.text("body"))
        return [a for a in aliases if fuzz.partial_ratio(a, text, score_cutoff=90)]

    return run


def exact_scan(aliases: list[str]) -> Callable[[Article], object]:
    automaton = ahocorasick.Automaton()
    for a in aliases:
        automaton.add_word(a, a)
    automaton.make_automaton()

    def run(article: Article) -> object:
        text = fold(article.text("title") + " " + article.text("body")).text
        return list(automaton.iter(text))

    return run


def measure(label: str, config: Config, articles: list[Article], budget: float) -> dict[str, float]:
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    pipeline = Pipeline(config)
    build = time.perf_counter() - start
    memory = rss_mb() - before
    aliases = sorted(
        {a.norm for a in pipeline.matcher.aliases if a.regex is None and not a.exclude}
    )
    ours = rate(pipeline.match, articles, budget)
    scan = rate(exact_scan(aliases), articles, budget)
    naive_articles = articles[: max(3, int(200_000 / max(len(aliases), 1)))]
    slow = rate(naive(aliases), naive_articles, budget)
    row = {
        "aliases": len(aliases),
        "build_s": build,
        "index_mb": memory,
        "ours": ours,
        "exact_scan": scan,
        "naive": slow,
    }
    print(
        f"{label:<22} {len(aliases):>7} {build:>7.2f} {memory:>8.1f} {ours:>9.0f} "
        f"{scan:>9.0f} {slow:>8.1f} {ours / slow:>8.0f}x {ours / scan:>7.2f}"
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (for a smoke test)")
    parser.add_argument("--rules", default=str(ROOT / "rules.yaml"), help="the rules file")
    args = parser.parse_args()
    budget = 0.3 if args.quick else 3.0
    articles = corpus(200)
    default = load_config(args.rules)
    print(f"{len(articles)} articles of ~3,000 characters; one process, one thread")
    print(
        f"{'watchlists':<22} {'aliases':>7} {'build s':>7} {'index MB':>8} {'ours/s':>9} "
        f"{'exact/s':>9} {'naive/s':>8} {'vs naive':>9} {'vs exact':>7}"
    )
    sdn = read_ofac_csv(
        {
            n: (ROOT / "tests/fixtures/lists/ofac_sdn_csv_2019" / n).read_bytes()
            for n in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
        }
    )
    with_sdn = replace(
        default,
        watchlists={
            **default.watchlists,
            "ofac_sdn": fill(Watchlist("ofac_sdn", (), imports=ListImport("ofac-csv", "-")), sdn),
        },
    )
    rows = {
        "default": measure("default rules.yaml", default, articles, budget),
        "sdn": measure("default + OFAC SDN 2019", with_sdn, articles, budget),
        "2k": measure(
            "default + 2,000", with_watchlist(default, synthetic_watchlist(2_000)), articles, budget
        ),
        "50k": measure(
            "default + 50,000",
            with_watchlist(default, synthetic_watchlist(50_000)),
            articles,
            budget,
        ),
    }
    slowdown = rows["2k"]["ours"] / rows["50k"]["ours"]
    print(f"slowdown from default + 2,000 to default + 50,000 aliases: {slowdown:.2f}x")
    print(
        f"slowdown from the default alone to default + 50,000: "
        f"{rows['default']['ours'] / rows['50k']['ours']:.2f}x"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
