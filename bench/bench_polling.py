"""Polling throughput on loopback: 1,000 feeds served by a real HTTP server on 127.0.0.1.

    python bench/bench_polling.py [--feeds 1000] [--items N]

Each feed is the real Al Jazeera America document of ../shared/fixtures (50 items) made the
feed's own, or with --items (or without ../shared) a document of N items written here. Three
cycles over the same sources: cold (every item new: fetch, parse, match, store),
warm (every feed answers 304 Not Modified), and one new item per feed. Then the latency from a
new item appearing on a feed to its alert committed in the store. The server runs in this
process's threads, so the figures include serving; compare them with each other, not with a
faster machine.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from monitor.config.load import parse_config  # noqa: E402
from monitor.pipeline import Monitor, Pipeline  # noqa: E402
from monitor.sources.fetch import Fetcher  # noqa: E402
from monitor.store import Store  # noqa: E402
from tests.feedserver import FeedServer, fixture_bytes  # noqa: E402
from tests.shared import shared_available  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def extra_item(i: int) -> bytes:
    title = html.escape(f"Weather in Lisbon, report {i}")
    return (
        f"<item><guid>new-{i}</guid><title>{title}</title><link>http://127.0.0.1/n/{i}</link>"
        f"<description>{title}. Brussels acted on Friday.</description></item>"
    ).encode()


def feed(template: bytes, i: int, extra: bytes = b"") -> bytes:
    """The real document made feed i's own: unique links and headlines, so nothing is a copy."""
    body = template.replace(b"america.aljazeera.com", f"h{i}.example".encode())
    body = body.replace(b"<title>", f"<title>[{i}] ".encode())
    return body.replace(b"<item>", extra + b"<item>", 1) if extra else body


async def cycle(monitor: Monitor) -> tuple[float, int, int]:
    started = time.perf_counter()
    reports = await monitor.poll_all()
    elapsed = time.perf_counter() - started
    return elapsed, sum(r.new for r in reports), sum(r.error is not None for r in reports)


def written_feed(items: int) -> bytes:
    """A feed of ITEMS items of our own, shaped like the real one (host, titles, summaries)."""
    body = "".join(
        f"<item><guid>http://america.aljazeera.com/a/{n}</guid><title>Story {n} of the day"
        f"</title><link>http://america.aljazeera.com/a/{n}</link><description>What happened"
        f" in story {n}, told in a sentence or two for the feed.</description></item>"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Written'
        f"</title>{body}</channel></rss>"
    ).encode()


async def main(feeds: int, items: int | None) -> None:
    if items is None and shared_available():
        template, items = fixture_bytes("aljazeera_america_rss_2016.xml"), 50  # real items
    else:
        template, items = written_feed(items or 30), items or 30
    watchlists = (ROOT / "rules.yaml").read_text(encoding="utf-8").split("\nwatchlists:\n", 1)[1]
    with FeedServer() as server, tempfile.TemporaryDirectory() as state:
        # Each feed is the real document with its links made unique, so every item is new.
        urls = [server.route(f"/f{i}.xml", feed(template, i)) for i in range(feeds)]
        sources = [{"name": f"f{i}", "url": u, "fetch_body": False} for i, u in enumerate(urls)]
        settings = {"per_host": 16, "timeout": "60s"}
        text = yaml.safe_dump({"settings": settings, "sources": sources})
        config = parse_config(text + "watchlists:\n" + watchlists, "bench.yaml", {})
        store, fetcher = Store(state), Fetcher(config.settings)
        monitor = Monitor(Pipeline(config), store, fetcher)
        print(f"{feeds} feeds of {items} items on 127.0.0.1; per-host limit {settings['per_host']}")
        for label in ("cold: all new", "warm: 304 Not Modified"):
            elapsed, new, errors = await cycle(monitor)
            print(
                f"  {label:<24} {feeds / elapsed:8.1f} sources/s  {new:6d} new articles "
                f"{errors} errors  {elapsed:6.2f} s  peak RSS {peak_mb():.0f} MB"
            )
        for i in range(feeds):
            server.set_body(f"/f{i}.xml", feed(template, i, extra_item(i)))
        elapsed, new, errors = await cycle(monitor)
        print(
            f"  {'one new item per feed':<24} {feeds / elapsed:8.1f} sources/s  {new:6d} new "
            f"articles {errors} errors  {elapsed:6.2f} s  peak RSS {peak_mb():.0f} MB"
        )

        # Latency: a new item on one feed until its alert is committed.
        story = (
            b"<item><guid>latency</guid><title>US Treasury sanctions Iranian oil tanker network"
            b"</title><link>http://127.0.0.1/latency</link><description>Washington imposed "
            b"sanctions on Iran's shadow fleet.</description></item>"
        )
        server.set_body("/f0.xml", feed(template, 0, story))
        started = time.perf_counter()
        report = await monitor.poll(config.sources[0])
        latency = time.perf_counter() - started
        print(
            f"  new item -> alert in the store: {latency * 1000:.0f} ms after the poll starts "
            f"({len(report.alerts)} alert); plus up to the source's interval before that poll"
        )
        await fetcher.aclose()
        store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, help="items of a feed written here (default: real)")
    args = parser.parse_args()
    asyncio.run(main(args.feeds, args.items))
