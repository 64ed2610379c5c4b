"""Under load the daemon stays honest: a fetch's timeout measures the server, not the queue in
front of it, and parsing a huge feed does not stall the event loop."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from monitor.pipeline import Monitor, Pipeline
from monitor.sources.fetch import Fetcher
from monitor.store import Store
from tests.feedserver import FeedServer, feed_server
from tests.test_polling import config_for, rss

__all__ = ["feed_server"]


def test_waiting_for_a_connection_slot_is_not_a_timeout(feed_server: FeedServer) -> None:
    """Four requests to one host allowed one at a time, each answered in about 1.2 s, with a
    3 s timeout: the last waits 3.6 s for its turn and still succeeds, because the timeout
    counts only the time a request holds its slot."""
    url = feed_server.slow_drip("/slow.xml", b"<rss/>\n", interval=0.2)
    config = config_for([], timeout="3s", per_host=1)

    async def go() -> list[object]:
        fetcher = Fetcher(config.settings)  # type: ignore[attr-defined]
        try:
            return await asyncio.gather(
                *(fetcher.get(url) for _ in range(4)), return_exceptions=True
            )
        finally:
            await fetcher.aclose()

    results = asyncio.run(go())
    assert [type(r).__name__ for r in results] == ["Fetched"] * 4, results


def test_a_huge_feed_is_parsed_off_the_event_loop(feed_server: FeedServer, tmp_path: Path) -> None:
    """30,000 items take seconds to parse; meanwhile the event loop goes on ticking (timers,
    /healthz and signals are served): no pause of more than two seconds."""
    items = [(f"g{i}", f"Title {i}", f"http://127.0.0.1/{i}", f"d {i}") for i in range(30_000)]
    url = feed_server.route("/huge.xml", rss(*items))
    config = config_for([{"name": "huge", "url": url, "fetch_body": False}], max_bytes=10**7)
    longest = 0.0

    async def go() -> None:
        nonlocal longest
        store, fetcher = Store(tmp_path), Fetcher(config.settings)  # type: ignore[attr-defined]
        monitor = Monitor(Pipeline(config), store, fetcher)  # type: ignore[arg-type]
        polling = asyncio.ensure_future(monitor.poll_all())
        last = time.monotonic()
        while not polling.done():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            longest, last = max(longest, now - last), now
        [report] = await polling
        await fetcher.aclose()
        store.close()
        assert report.error is None and report.new == 200  # the newest 200 are kept

    asyncio.run(go())
    assert longest < 2.0, f"the event loop stalled for {longest:.1f} s"


def test_sigterm_during_a_huge_parse_stops_within_ten_seconds(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """SIGTERM while a 60,000-item feed is being parsed (some ten seconds of work): the parse
    gets the grace period, the daemon exits 0 in under 10 s (Docker's kill comes at 10)."""
    import signal

    from tests.test_daemon import Process, rules_file

    items = [(f"g{i}", f"Title {i}", f"http://127.0.0.1/{i}", f"d {i}") for i in range(60_000)]
    url = feed_server.route("/huge.xml", rss(*items))
    rules = tmp_path / "rules.yaml"
    rules_file(rules, f"  - {{name: huge, url: '{url}', fetch_body: false}}\n")
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("\nsettings:\n", "\nsettings:\n  max_bytes: 20000000\n"), "utf-8")
    daemon = Process("run", "--rules", str(rules), "--state", str(tmp_path / "state"))
    try:
        assert feed_server.wait_for_requests(1, timeout=30)  # its 7 MB take a moment, its
        # parse some ten seconds: the stop lands on one or the other, and must not wait for it
        started = time.monotonic()
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=15) == 0
        assert time.monotonic() - started < 10
    finally:
        daemon.close()
    assert "Traceback" not in "\n".join(daemon.drain())
