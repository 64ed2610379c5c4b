"""Alerts delivered through real Apprise URLs to a real local endpoint (`json://` on 127.0.0.1):
the message, retries while the notifier is down, each URL acknowledged on its own."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import yaml

from monitor.config.load import parse_config
from monitor.cycle import Cycle
from monitor.models import AlertPayload, Article
from monitor.notify.message import alert_message
from monitor.pipeline import Monitor, Pipeline
from monitor.sources.fetch import Fetcher
from monitor.store import Store
from tests.capture import CaptureServer, capture, headline_of
from tests.conftest import seed_article
from tests.feedserver import FeedServer, feed_server
from tests.test_polling import rss

__all__ = ["capture", "feed_server"]


def config(
    feed: str,
    notify: dict[str, object],
    rule_targets: list[str] | None = None,
    settings: dict[str, object] | None = None,
    **rule_options: object,
) -> object:
    rule: dict[str, object] = {
        "name": "sanctions-country",
        "severity": "high",
        "all": [{"watchlist": "countries"}, {"watchlist": "sanctions_terms"}],
        "within": "sentence",
    }
    if rule_targets is not None:
        rule["notify"] = rule_targets
    rule.update(rule_options)
    head = yaml.safe_dump(
        {
            "settings": {"timeout": "3s", **(settings or {})},
            "builtin": {"sources": False},
            "sources": [{"name": "republika", "url": feed, "fetch_body": False}],
        },
        allow_unicode=True,
    )
    tail = yaml.safe_dump({"rules": [rule], "notify": notify})
    return parse_config(head + tail, "t.yaml", {})


def cycle(cfg: object, state: Path, poll: bool = True) -> None:
    async def go() -> None:
        store, fetcher = Store(state), Fetcher(cfg.settings)  # type: ignore[attr-defined]
        try:
            if poll:
                await Monitor(Pipeline(cfg), store, fetcher).poll_all()  # type: ignore[arg-type]
            await Cycle(cfg, store, fetcher).deliver()  # type: ignore[arg-type]
        finally:
            await fetcher.aclose()
            store.close()

    asyncio.run(go())


def make_all_due(state: Path) -> None:
    """Bring every retry forward to now: the backoff is tested by its schedule, not by waiting."""
    store = Store(state)
    store.db.execute("UPDATE deliveries SET next_attempt = '2000-01-01T00:00:00+00:00'")
    store.close()


def distinct_headlines(n: int, seed: int) -> list[str]:
    """N sanctions headlines no two of which are one story."""
    import random

    rng = random.Random(seed)
    return [
        f"{rng.choice(['Russia', 'Iran', 'Syria', 'Cuba'])} sanctions "
        + " ".join(f"{rng.getrandbits(32):08x}" for _ in range(4))
        for _ in range(n)
    ]


def seed_feed(server: FeedServer) -> str:
    seed = seed_article()
    return server.route(
        "/r.xml",
        rss(
            ("rep-1", seed.title, "http://127.0.0.1/berita/rusia-iran", seed.body[:1500]), lang="id"
        ),
    )


def test_alert_reaches_a_json_endpoint_with_title_link_and_entries(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    cfg = config(seed_feed(feed_server), {"default": capture.url()})
    cycle(cfg, tmp_path)
    [message] = capture.received
    # The title leads with what happened: Russia and Iran answer the United States' sanctions.
    assert message["title"] == (
        "[HIGH] COUNTERED · Russia, Iran → United States: "
        "Rusia dan Iran Sepakat Lawan Sanksi AS Bersama-sama"
    )
    body = message["message"]
    # A raw webhook gets plain text: the headline, its link, the entries with their words.
    assert body.startswith(
        "Rusia dan Iran Sepakat Lawan Sanksi AS Bersama-sama <http://127.0.0.1/berita/rusia-iran>"
    )
    assert "Rule: sanctions-country (high)" in body
    assert "Russia (Rusia" in body and "United States (AS" in body
    assert "> Rusia dan Iran Sepakat Lawan Sanksi" in body
    cycle(cfg, tmp_path)  # a second cycle sends nothing more
    assert len(capture.received) == 1


def test_a_notifier_that_is_down_gets_every_alert_once_it_recovers(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    capture.statuses = [500, 500, 503]
    cfg = config(seed_feed(feed_server), {"default": capture.url()})
    cycle(cfg, tmp_path)
    for _ in range(5):
        make_all_due(tmp_path)
        cycle(cfg, tmp_path, poll=False)
    assert capture.attempts == 4  # three refusals, then the one that got through
    assert len(capture.received) == 1
    store = Store(tmp_path)
    [delivery] = store.query("SELECT status, attempts FROM deliveries")
    [alert] = store.alerts()
    store.close()
    assert delivery == {"status": "delivered", "attempts": 4}
    assert alert["status"] == "delivered"


def test_each_url_is_acknowledged_on_its_own(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    """One target down never sends a second copy to the other."""
    other = CaptureServer()
    try:
        other.statuses = [500]
        cfg = config(
            seed_feed(feed_server),
            {"slack": capture.url("/a"), "phones": other.url("/b")},
            rule_targets=["slack", "phones"],
        )
        cycle(cfg, tmp_path)
        assert len(capture.received) == 1 and other.received == []
        make_all_due(tmp_path)
        cycle(cfg, tmp_path, poll=False)
        assert len(capture.received) == 1 and len(other.received) == 1
    finally:
        other.close()


def test_a_delivery_that_never_succeeds_is_marked_failed(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    capture.statuses = [500] * 10
    cfg = config(
        seed_feed(feed_server), {"default": capture.url()}, settings={"delivery_max_age": "1h"}
    )
    cycle(cfg, tmp_path)
    store = Store(tmp_path)
    store.db.execute("UPDATE alerts SET created_at = '2000-01-01T00:00:00+00:00'")
    store.close()
    make_all_due(tmp_path)
    cycle(cfg, tmp_path, poll=False)
    store = Store(tmp_path)
    [delivery] = store.query("SELECT status, last_error FROM deliveries")
    [alert] = store.alerts()
    store.close()
    assert delivery["status"] == "failed" and alert["status"] == "failed"
    assert "127.0.0.1" not in (delivery["last_error"] or "")
    # the service's words, without Apprise's timestamp and level in front
    assert delivery["last_error"].startswith("Failed to send JSON POST notification")
    from tests.conftest import run_cli

    status = run_cli("status", "--state", str(tmp_path))
    assert status.returncode == 0
    assert "0 alerts pending, 1 failed" in status.stdout
    [row] = [line for line in status.stdout.splitlines() if line.startswith("default")]
    assert row.split()[:5] == ["default", "0", "0", "0", "1"]


def test_a_hostile_link_never_becomes_a_link_of_its_own() -> None:
    """Only http(s) links, with everything a service reads as syntax percent-encoded: a feed's
    link cannot close the alert's link and open one to another site, and javascript:, file:
    and data: links are dropped (the headline stays, as text)."""
    from monitor.notify.render import safe_url

    hostile = "http://host/a/h6>)**INJECTED**[Verify your account](<https://evil.example/login"
    assert safe_url(hostile) == (
        "http://host/a/h6%3E%29**INJECTED**%5BVerify%20your%20account%5D%28%3Chttps://evil.example/login"
    ).replace("**", "%2A%2A")
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>x</b>", "//x"):
        assert safe_url(bad) is None
    assert safe_url("https://example.com/a?b=1&c=2#f") == "https://example.com/a?b=1&c=2#f"
    assert safe_url("https://bücher.example/ü") == "https://xn--bcher-kva.example/%C3%BC"
    message = alert_message(
        "r",
        "high",
        AlertPayload(Article("a", "Headline", url="javascript:alert(1)")),
        [],
    )
    assert message.plain().startswith("Headline\n") and "javascript" not in message.html()


def test_notify_test_says_whether_the_message_arrived(
    capture: CaptureServer, tmp_path: Path
) -> None:
    from tests.conftest import run_cli

    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "watchlists: {w: {entries: [{name: Iran}]}}\nrules: [{name: r, all: [{watchlist: w}]}]\n"
        f"notify:\n  team: {capture.url()}\n  down: json://127.0.0.1:9/nothing-listens\n"
        "  later: ${LATER_URL:-}\n",
        encoding="utf-8",
    )
    ok = run_cli("notify-test", "team", "--rules", str(rules))
    assert ok.returncode == 0 and ok.stdout.strip() == "team: arrived"
    assert capture.received[0]["title"] == "sanctions-monitor test message"
    every = run_cli("notify-test", "--rules", str(rules))
    assert every.returncode == 1
    assert "down: FAILED" in every.stdout and "127.0.0.1:9" not in every.stdout
    assert "later: not configured" in every.stdout
    unknown = run_cli("notify-test", "slack", "--rules", str(rules))
    assert unknown.returncode == 1 and "no notify target 'slack'" in unknown.stderr


def test_retry_after_from_the_service_is_honoured(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    """A 429 with Retry-After: 900 puts the next attempt 15 minutes away, not 30 seconds."""
    from datetime import UTC, datetime

    capture.statuses = [429]
    capture.retry_after = "900"
    cfg = config(seed_feed(feed_server), {"default": capture.url()})
    cycle(cfg, tmp_path)
    store = Store(tmp_path)
    [row] = store.query("SELECT status, attempts, next_attempt FROM deliveries")
    store.close()
    wait = datetime.fromisoformat(row["next_attempt"]) - datetime.now(UTC)
    assert row["status"] == "pending" and row["attempts"] == 1
    assert 880 < wait.total_seconds() <= 900
    cycle(cfg, tmp_path, poll=False)  # not due yet: nothing is sent
    assert capture.attempts == 1


def test_a_flood_becomes_the_limit_of_single_alerts_plus_a_digest(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    """100 matching stories within a minute, a limit of 7: 7 single alerts, then one digest
    that lists the other 93, in as many parts as the service's size limit needs; every
    headline arrives exactly once."""
    headlines = distinct_headlines(100, seed=5)
    items = [(f"h{i}", h, f"http://127.0.0.1/h/{i}", h + ".") for i, h in enumerate(headlines)]
    url = feed_server.route("/flood.xml", rss(*items))
    cfg = config(
        url, {"default": capture.url()}, settings={"flood_limit": 7, "flood_window": "10m"}
    )
    cycle(cfg, tmp_path)
    singles = [m for m in capture.received if not m["title"].startswith("[DIGEST]")]
    digests = [m for m in capture.received if m["title"].startswith("[DIGEST]")]
    assert len(singles) == 7 and len(digests) > 1
    assert [m["title"] for m in digests] == [
        f"[DIGEST] 93 more alerts ({n}/{len(digests)})" for n in range(1, len(digests) + 1)
    ]
    assert all(len(m["message"]) <= 3500 for m in digests)
    seen = [headline_of(m["title"]) for m in singles]
    seen += [
        headline_of(line).split(" <", 1)[0] for m in digests for line in m["message"].splitlines()
    ]
    assert sorted(seen) == sorted(headlines)
    cycle(cfg, tmp_path, poll=False)  # nothing left to send
    assert len(capture.received) == 7 + len(digests)


def test_a_source_failing_too_long_is_told_once_and_its_recovery_once(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    url = feed_server.status("/down.xml", 500)
    cfg = config(url, {"default": capture.url()}, settings={"ops_after": "6h"})
    cycle(cfg, tmp_path)
    assert capture.received == []  # failing, but not for long yet
    store = Store(tmp_path)  # the failure began seven hours ago
    store.db.execute("UPDATE sources SET failing_since = '2000-01-01T00:00:00+00:00'")
    store.close()
    cycle(cfg, tmp_path)
    cycle(cfg, tmp_path)
    [opened] = capture.received
    assert opened["title"].startswith("OPS: source republika has failed for")
    assert "HTTP 500" in opened["message"]
    feed_server.route("/down.xml", rss(("w", "Weather", "http://127.0.0.1/w", "Sunny.")))
    cycle(cfg, tmp_path)
    cycle(cfg, tmp_path)
    assert [m["title"] for m in capture.received[1:]] == ["OPS: source republika has recovered"]


def test_a_rule_with_a_daily_digest_sends_one_message_a_day(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    headlines = [
        "EU adopts new sanctions package against Russia",
        "US Treasury sanctions Iranian oil tanker network",
        "Britain imposes sanctions on Syrian officials",
    ]
    items = [(f"d{i}", h, f"http://127.0.0.1/d/{i}", h + ".") for i, h in enumerate(headlines)]
    url = feed_server.route("/d.xml", rss(*items))
    cfg = config(url, {"default": capture.url()}, digest="daily")
    cycle(cfg, tmp_path)
    assert capture.received == []  # held for the day's digest
    store = Store(tmp_path)
    store.db.execute("UPDATE alerts SET created_at = '2000-01-01T00:00:00+00:00'")
    store.close()
    cycle(cfg, tmp_path, poll=False)
    cycle(cfg, tmp_path, poll=False)
    [digest] = capture.received
    assert digest["title"] == "[DIGEST] sanctions-country: 3 alerts"
    assert all(h in digest["message"] for h in headlines)


def test_users_can_change_the_message_template(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    template = "{severity} · {headline}\n\n{entries}\n\nSeen at: {also}"
    cfg = config(
        seed_feed(feed_server), {"default": capture.url()}, settings={"template": template}
    )
    cycle(cfg, tmp_path)
    [message] = capture.received
    body = message["message"]
    assert body.startswith("high · Rusia dan Iran Sepakat Lawan Sanksi AS Bersama-sama")
    assert "Russia (Rusia" in body
    assert "Seen at" not in body  # an empty field's paragraph is left out


def test_a_template_with_an_unknown_field_is_a_config_error() -> None:
    import pytest

    from monitor.errors import ConfigError

    with pytest.raises(ConfigError) as e:
        parse_config(
            "settings:\n  template: '{headline} {titel}'\nwatchlists: {w: {entries: [{name: X}]}}\n"
            "rules: [{name: r, all: [{watchlist: w}]}]\n",
            "rules.yaml",
            {},
        )
    assert str(e.value).startswith("rules.yaml:2: settings.template: unknown field {titel}")


def test_a_digest_that_fails_backs_off_gives_up_and_tells_ops_once(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    """A digest is a delivery like any other: after a failure it waits (backoff with jitter),
    is tried again when due, is failed for good after `delivery_max_age`, counted as failed in
    `status`, and ops hears of it once."""
    from tests.conftest import run_cli

    ops = CaptureServer()
    try:
        from tests.test_crash import HEADLINES

        items = [
            (f"h{i}", h, f"http://127.0.0.1/d/{i}", h + ".") for i, h in enumerate(HEADLINES[:3])
        ]
        cfg = config(
            feed_server.route("/d.xml", rss(*items)),
            {"default": capture.url(), "ops": ops.url()},
            settings={"flood_limit": 1, "flood_window": "10m", "delivery_max_age": "1h"},
        )
        capture.statuses = [200] + [500] * 10  # the single goes out; every digest fails
        cycle(cfg, tmp_path)
        assert len(capture.received) == 1 and capture.attempts == 2  # the single, a digest
        store = Store(tmp_path)
        held = store.query("SELECT status, attempts, next_attempt FROM deliveries WHERE id > 1")
        store.close()
        assert [r["status"] for r in held] == ["held", "held"]
        assert all(r["attempts"] == 1 and r["next_attempt"] > "2026" for r in held)
        cycle(cfg, tmp_path, poll=False)
        assert capture.attempts == 2  # backing off: not tried again before its time
        make_all_due(tmp_path)
        cycle(cfg, tmp_path, poll=False)
        assert capture.attempts == 3  # due again: tried again
        store = Store(tmp_path)
        store.db.execute("UPDATE alerts SET created_at = '2000-01-01T00:00:00+00:00'")
        store.close()
        make_all_due(tmp_path)
        cycle(cfg, tmp_path, poll=False)
        cycle(cfg, tmp_path, poll=False)
        assert capture.attempts == 4 and len(capture.received) == 1
        told = [m["title"] for m in ops.received]
        assert len(told) == 1 and told[0].startswith("OPS: a digest of 2 alerts to default failed")
        status = run_cli("status", "--state", str(tmp_path))
        [row] = [line for line in status.stdout.splitlines() if line.startswith("default")]
        assert row.split()[:5] == ["default", "1", "0", "0", "2"]  # delivered pending held failed
    finally:
        ops.close()


def test_a_story_reaches_a_target_once_whichever_rules_fire(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    """Two rules fire on the founding article, both for the same target: one message; the
    second rule's alert is recorded as covered by the first."""
    cfg = config(seed_feed(feed_server), {"default": capture.url()})
    second = replace(cfg.rules[0], name="sanctions-country-too")  # type: ignore[attr-defined]
    cfg = replace(cfg, rules=(*cfg.rules, second))  # type: ignore[type-var]
    cycle(cfg, tmp_path)
    cycle(cfg, tmp_path, poll=False)
    assert len(capture.received) == 1
    store = Store(tmp_path)
    statuses = sorted(a["status"] for a in store.alerts())
    store.close()
    assert statuses == ["covered", "delivered"]


def test_the_payload_travels_through_the_outbox_unchanged() -> None:
    """What an alert carries (article, hits with their list entries, a list's changes) is read
    back from the store's JSON as it was written."""
    from monitor.models import Hit, ListChange, ListRef

    ref = ListRef("ofac_sdn", "12927", ("SDGT", "IFSR"), "https://example.org/12927")
    hit = Hit("ofac_sdn", "MAHAN AIR [12927]", "mahan air", "Mahan Air", "title", 0, 9, 97.5, ref)
    weak = Hit("ofac_sdn", "WAGNER", "wagner", "Wagner", "body", 3, 9, 100.0, weak=True)
    payload = AlertPayload(
        Article("a", "Mahan Air", "body", url="https://n.example/a", lang="en"),
        "reason",
        (hit, weak),
        (hit,),
        (ListChange("added", "NEW LLC", ("RUSSIA-EO14024",), None),),
        4,
    )
    assert AlertPayload.from_json(payload.to_json()) == payload


def test_one_pass_delivers_everything_that_is_due(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    """150 alerts due at once (no flood limit in the way): one delivery pass sends them all,
    not the first hundred."""
    headlines = distinct_headlines(150, seed=11)
    items = [(f"h{i}", h, f"http://127.0.0.1/h/{i}", h + ".") for i, h in enumerate(headlines)]
    cfg = config(
        feed_server.route("/many.xml", rss(*items)),
        {"default": capture.url()},
        settings={"flood_limit": 1000},
    )
    cycle(cfg, tmp_path)
    assert sorted(headline_of(m["title"]) for m in capture.received) == sorted(headlines)
