"""Nothing lost, nothing twice: the daemon is killed (SIGKILL) again and again while alerts are
being delivered; after the last restart every alert has arrived, and the only duplicates are
the sends that were in flight at a kill."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.capture import CaptureServer, capture
from tests.feedserver import FeedServer, feed_server
from tests.test_daemon import Process, rules_file
from tests.test_polling import rss

__all__ = ["capture", "feed_server"]

HEADLINES = [
    "EU adopts 19th sanctions package against Russia",
    "US Treasury sanctions Iranian oil tanker network",
    "UN Security Council extends North Korea sanctions panel",
    "Britain imposes sanctions on Syrian officials",
    "Washington reimposes oil sanctions on Venezuela",
    "Cuba embargo vote: General Assembly condemns US measures",
    "Belarus potash exports hit by new EU restrictions sanctions",
    "Myanmar junta jet fuel suppliers blacklisted by OFAC sanctions",
    "Kremlin says Western sanctions on Russian banks will backfire",
    "Tehran vows to evade sanctions on drone components, Iran says",
]


def test_sigkill_during_delivery_loses_nothing(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    items = [(f"g{i}", h, f"http://127.0.0.1/n/{i}", h + ".") for i, h in enumerate(HEADLINES)]
    url = feed_server.route("/f.xml", rss(*items))
    rules = tmp_path / "rules.yaml"
    rules_file(rules, f"  - {{name: wire, url: '{url}', fetch_body: false}}\n")
    text = rules.read_text(encoding="utf-8").replace(
        "default: ${MONITOR_NOTIFY_URL:-}", f"default: {capture.url()}"
    )
    rules.write_text(text, encoding="utf-8")
    capture.delay = 0.3  # each acknowledgement takes a while: kills land mid-send
    state = str(tmp_path / "state")
    kills = 0
    for target in (1, 3, 5, 7):
        daemon = Process("run", "--rules", str(rules), "--state", state)
        reached = capture.wait_until(lambda c, t=target: c.attempts >= t, timeout=30)
        daemon.proc.send_signal(signal.SIGKILL)
        daemon.proc.wait(timeout=10)
        daemon.close()
        kills += 1
        assert reached, "the daemon delivered nothing before the kill"
    capture.delay = 0.0
    daemon = Process("run", "--rules", str(rules), "--state", state)
    try:
        assert capture.wait_until(
            lambda c: {m["title"].split("] ", 1)[1] for m in c.received} >= set(HEADLINES),
            timeout=60,
        ), f"not every alert arrived: {[m['title'] for m in capture.received]}"
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=10) == 0
    finally:
        daemon.close()
    titles = [m["title"] for m in capture.received]
    assert len(titles) - len(HEADLINES) <= kills, titles
