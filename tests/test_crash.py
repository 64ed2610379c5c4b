"""Nothing lost, nothing twice: the daemon is killed (SIGKILL) again and again while alerts are
being delivered; after the last restart every alert has arrived, and the only duplicates are
the sends that were in flight at a kill."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.capture import CaptureServer, capture, headline_of
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


def killed_while_sending(
    feed_server: FeedServer,
    capture: CaptureServer,
    tmp_path: Path,
    kill_at: tuple[int, ...],
    settings: str = "",
) -> tuple[Path, str, int]:
    """The ten stories in a feed and the daemon killed (SIGKILL) once the notifier has seen
    each of KILL_AT attempts: (rules, state folder, kills)."""
    items = [(f"g{i}", h, f"http://127.0.0.1/n/{i}", h + ".") for i, h in enumerate(HEADLINES)]
    url = feed_server.route("/f.xml", rss(*items))
    rules = tmp_path / "rules.yaml"
    rules_file(rules, f"  - {{name: wire, url: '{url}', fetch_body: false}}\n")
    text = rules.read_text(encoding="utf-8").replace(
        "default: ${MONITOR_NOTIFY_URL:-}", f"default: {capture.url()}"
    )
    rules.write_text(text.replace("\nsettings:\n", f"\nsettings:\n{settings}"), "utf-8")
    capture.delay = 0.3  # each acknowledgement takes a while: kills land mid-send
    state = str(tmp_path / "state")
    for target in kill_at:
        daemon = Process("run", "--rules", str(rules), "--state", state)
        reached = capture.wait_until(lambda c, t=target: c.attempts >= t, timeout=30)
        daemon.proc.send_signal(signal.SIGKILL)
        daemon.proc.wait(timeout=10)
        daemon.close()
        assert reached, "the daemon delivered nothing before the kill"
    capture.delay = 0.0
    return rules, state, len(kill_at)


def test_sigkill_during_delivery_loses_nothing(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    rules, state, kills = killed_while_sending(feed_server, capture, tmp_path, (1, 3, 5, 7))
    daemon = Process("run", "--rules", str(rules), "--state", state)
    try:
        assert capture.wait_until(
            lambda c: {headline_of(m["title"]) for m in c.received} >= set(HEADLINES),
            timeout=60,
        ), f"not every alert arrived: {[m['title'] for m in capture.received]}"
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=10) == 0
    finally:
        daemon.close()
    titles = [m["title"] for m in capture.received]
    assert len(titles) - len(HEADLINES) <= kills, titles


def test_sigkill_during_digests_loses_nothing(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    """Ten stories at once and a flood limit of two: two single alerts, the rest in a digest.
    Killed again and again mid-send, the daemon still delivers every headline; the only
    repeats are whole messages that were in flight at a kill."""
    rules, state, kills = killed_while_sending(
        feed_server, capture, tmp_path, (1, 2, 3), settings="  flood_limit: 2\n"
    )

    def headlines(c: CaptureServer) -> list[str]:
        return [h for m in c.received for h in headlines_of(m["title"], m["message"])]

    daemon = Process("run", "--rules", str(rules), "--state", state)
    try:
        assert capture.wait_until(lambda c: set(headlines(c)) >= set(HEADLINES), timeout=60), (
            f"not every alert arrived: {[m['title'] for m in capture.received]}"
        )
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=10) == 0
    finally:
        daemon.close()
    messages = [(m["title"], m["message"]) for m in capture.received]
    assert len(messages) - len(set(messages)) <= kills, [t for t, _ in messages]
    # a headline arrives twice only inside a repeated message
    once = {h for t, body in set(messages) for h in headlines_of(t, body)}
    assert once == set(HEADLINES)
    assert sum(len(headlines_of(t, b)) for t, b in set(messages)) == len(HEADLINES)


def headlines_of(title: str, body: str) -> list[str]:
    if "DIGEST" not in title:
        return [headline_of(title)]
    return [headline_of(line).split(" <", 1)[0] for line in body.splitlines()]
