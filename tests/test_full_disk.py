"""A full disk: polls fail with a clear error and the daemon goes on; once space is back, every
alert is recorded and delivered exactly once. The disk is a real one: a 3 MB tmpfs mounted for
the test (it needs root; without it the test is skipped, and says why)."""

from __future__ import annotations

import asyncio
import errno
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.cycle import Cycle
from monitor.pipeline import Monitor, Pipeline
from monitor.sources.fetch import Fetcher
from monitor.store import Store
from tests.capture import CaptureServer, capture
from tests.feedserver import FeedServer, feed_server
from tests.test_delivery import config, seed_feed

__all__ = ["capture", "feed_server"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of `disk`; remove the returned file to give them back."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
                f.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC
    return filler


def test_a_full_disk_loses_nothing_and_sends_nothing_twice(
    small_disk: Path, feed_server: FeedServer, capture: CaptureServer
) -> None:
    """As in `run`: one store open for the daemon's life, the disk filling up under it."""
    state = small_disk / "state"
    cfg = config(seed_feed(feed_server), {"default": capture.url()})
    store = Store(state)
    loop = asyncio.new_event_loop()
    fetcher = Fetcher(cfg.settings)  # type: ignore[attr-defined]

    def cycle(poll: bool = True) -> list[str | None]:
        async def go() -> list[str | None]:
            reports = []
            if poll:
                monitor = Monitor(Pipeline(cfg), store, fetcher)  # type: ignore[arg-type]
                reports = [r.error for r in await monitor.poll_all()]
            await Cycle(cfg, store, fetcher).deliver()  # type: ignore[arg-type]
            return reports

        return loop.run_until_complete(go())

    try:
        filler = fill(small_disk)
        [error] = cycle()  # a poll on a full disk fails, says why, raises nothing
        assert error is not None and "database or disk is full" in error
        assert capture.received == []

        filler.unlink()
        capture.statuses = [500]  # the notifier is down too: the alert waits in the outbox
        assert cycle() == [None]
        assert capture.received == []

        # The notifier is back but the disk is full again: the message goes out, and its
        # "delivered" mark waits in memory until the store can take it.
        store.db.execute("UPDATE deliveries SET next_attempt = '2000-01-01T00:00:00+00:00'")
        filler = fill(small_disk)
        cycle(poll=False)
        assert len(capture.received) == 1
        cycle(poll=False)  # not offered again while the mark is unwritten
        assert len(capture.received) == 1

        filler.unlink()
        assert cycle() == [None] and cycle() == [None]
        assert len(capture.received) == 1
        [row] = store.query("SELECT status FROM deliveries")
        assert row["status"] == "delivered" and store.alerts()[0]["status"] == "delivered"
    finally:
        loop.run_until_complete(fetcher.aclose())
        loop.close()
        store.close()
    check = sqlite3.connect(state / "monitor.db")
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()
