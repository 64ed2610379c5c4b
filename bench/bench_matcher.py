"""Matcher throughput against two baselines run in the same process (these machines are noisy).

    python bench/bench_matcher.py [--quick]

Articles: ~3,000-character texts assembled from the real articles of the dev set (tests/devset.py,
texts from ../shared/fixtures/feeds). Watchlists: the default rules.yaml; the default plus
synthetic name lists of 2,000 and 50,000 aliases; the default with the real OFAC SDN (January
2019) and UN (February 2026) lists imported (../shared/fixtures/lists); and those plus a
synthetic list of 100,000 aliases. Without ../shared, one line says so: the articles are then
assembled from the test cases we wrote (tests/cases/languages/) and the rows with the real
lists are left out. Baselines: (a)
rapidfuzz partial_ratio of every alias against the text, the naive loop; (b) one exact
Aho-Corasick scan of all aliases over the normalised text, no word boundaries or filtering.
Reported: articles/s, the ratio to each baseline and to the default rules alone, index build
time, the time to read the index back from the state folder's cache, the memory the index adds
(RSS), and the peak RSS of a separate process that only builds the largest index and matches.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import ahocorasick
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.official_lists import official_lists  # noqa: E402
from monitor import index_cache  # noqa: E402
from monitor.config import AliasSpec, Config, Entry, Watchlist, load_config  # noqa: E402
from monitor.config.model import ListImport  # noqa: E402
from monitor.lists.model import ListEntity, ListName  # noqa: E402
from monitor.models import Article  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from monitor.text.normalize import fold, fold_plain  # noqa: E402
from tests.devset import devset  # noqa: E402
from tests.shared import ABSENT, SHARED_FIXTURES, shared_available  # noqa: E402
from tests.written import written_cases  # noqa: E402

SYLLABLES = (
    "al ab ba da dar de di fa gar ha hu ka kha la li ma mi mo mu na ni no ra ri ro sa sha so ta "
    "ti to va vi ya yu za zo ber dan mir kov nov ov ev in an ar is us os ek"
).split()
FORMS = ("LLC", "JSC", "Trading", "Shipping", "Group", "Holding", "Industries", "Company")


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory now, or with "VmHWM" its peak (which, unlike ru_maxrss,
    does not count what the parent used before the exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def corpus(n: int) -> list[Article]:
    records = devset(SHARED_FIXTURES / "feeds") if shared_available() else written_cases()
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


def synthetic_list(n: int, seed: int = 2) -> list[ListEntity]:
    """Made-up list entries with about n aliases once indexed: people "SURNAME, Given" (indexed
    as written and given name first) and companies with a legal form or descriptor."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).upper()

    out = []
    for i in range(n * 2 // 5):
        if i % 2:
            out.append(ListEntity(f"S{i}", "individual", (ListName(f"{word()}, {word()}"),)))
        else:
            name = f"{word()} {word()} {rng.choice(FORMS)}"
            out.append(ListEntity(f"S{i}", "entity", (ListName(name),)))
    return out


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


def measure(
    label: str,
    config: Config,
    articles: list[Article],
    budget: float,
    lists: dict[str, list[ListEntity]] | None = None,
) -> dict[str, float]:
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    pipeline = Pipeline(config, lists)
    build = time.perf_counter() - start
    memory = rss_mb() - before
    with tempfile.TemporaryDirectory() as folder:
        index_cache.save(Path(folder), "k", pipeline.matcher)
        start = time.perf_counter()
        assert index_cache.load(Path(folder), "k") is not None
        cached = time.perf_counter() - start
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
        "cached_s": cached,
        "index_mb": memory,
        "ours": ours,
        "exact_scan": scan,
        "naive": slow,
    }
    print(
        f"{label:<30} {len(aliases):>7} {build:>7.2f} {cached:>6.2f} {memory:>8.1f} {ours:>8.0f} "
        f"{scan:>8.0f} {slow:>8.1f} {ours / slow:>8.0f}x {ours / scan:>7.2f}"
    )
    return row


def largest(config: Config) -> tuple[Config, dict[str, list[ListEntity]]]:
    """The default rules with the real lists and a synthetic list of ~100,000 aliases imported,
    as the daemon holds them: entries in the store, indexed, not in rules.yaml."""
    spec = ListImport("-", "-", weak_needs=frozenset({"sanctions_terms"}))
    synthetic = Watchlist("synthetic_list", (), imports=spec)
    lists = {**official_lists(SHARED_FIXTURES / "lists"), "synthetic_list": synthetic_list(100_000)}
    return with_watchlist(config, synthetic), lists


def memory_only(rules: str) -> None:
    """Build the largest index and match the corpus, as the daemon would: the process's peak."""
    config, lists = largest(load_config(rules))
    pipeline = Pipeline(config, lists)
    del lists  # the daemon keeps no list entries once they are indexed
    for article in corpus(200):
        pipeline.match(article)
    print(rss_mb("VmHWM"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (for a smoke test)")
    parser.add_argument("--rules", default=str(ROOT / "rules.yaml"), help="the rules file")
    parser.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_only:
        memory_only(args.rules)
        return
    budget = 0.3 if args.quick else 3.0
    articles = corpus(200)
    default = load_config(args.rules)
    print(f"{len(articles)} articles of ~3,000 characters; one process, one thread")
    print(
        f"{'watchlists':<30} {'aliases':>7} {'build s':>7} {'cache s':>6} {'index MB':>8} "
        f"{'ours/s':>8} {'exact/s':>8} {'naive/s':>8} {'vs naive':>9} {'vs exact':>7}"
    )
    rows = {
        "default": measure("default rules.yaml", default, articles, budget),
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
    if not shared_available():
        print(f"the rows with the real lists skipped: {ABSENT}")
    else:
        big, big_lists = largest(default)
        rows["lists"] = measure(
            "default + SDN 2019 + UN 2026",
            default,
            articles,
            budget,
            official_lists(SHARED_FIXTURES / "lists"),
        )
        rows["100k"] = measure("default + lists + ~100,000", big, articles, budget, big_lists)
    print(
        "slowdown from default + 2,000 to default + 50,000: "
        f"{rows['2k']['ours'] / rows['50k']['ours']:.2f}x"
    )
    if "lists" not in rows:
        return
    base = rows["default"]["ours"]
    for key in ("lists", "100k"):
        print(f"default alone / {key}: {base / rows[key]['ours']:.2f}x slower")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (every row and baseline): {peak:.0f} MB")
    alone = subprocess.run(
        [sys.executable, __file__, "--memory-only", "--rules", args.rules],
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"peak RSS of a process with the largest index, matching: {float(alone.stdout):.0f} MB")


if __name__ == "__main__":
    main()
