"""Polling real documents from a real HTTP server on 127.0.0.1: formats, conditional GET,
hostile servers, one alert per story. Everything but the internet is real here."""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

import monitor.store.db as store_module
from monitor.config.load import parse_config
from monitor.daemon import run_once
from monitor.models import AlertPayload
from monitor.pipeline import Monitor, Pipeline, PollReport
from monitor.sources.fetch import Fetcher
from monitor.store import Store
from tests.conftest import DEFAULT_RULES_TAIL, rules_with_sources, run_cli, seed_article
from tests.feedserver import FeedServer, billion_laughs, feed_server, fixture_bytes

__all__ = ["feed_server"]  # the fixture, used by name


def config_for(sources: list[dict[str, object]], **settings: object) -> object:
    base = {"timeout": "3s", "max_bytes": 2_000_000, **settings}
    head = yaml.safe_dump(
        {"settings": base, "builtin": {"sources": False}, "sources": sources}, allow_unicode=True
    )
    return parse_config(head + DEFAULT_RULES_TAIL, "test-rules.yaml", {})


def poll_all(config: object, state: Path) -> list[PollReport]:
    async def go() -> list[PollReport]:
        store = Store(state)
        fetcher = Fetcher(config.settings)  # type: ignore[attr-defined]
        try:
            return await Monitor(Pipeline(config), store, fetcher).poll_all()  # type: ignore[arg-type]
        finally:
            await fetcher.aclose()
            store.close()

    return asyncio.run(go())


def rss(*items: tuple[str, str, str, str], lang: str = "en") -> bytes:
    """An RSS 2.0 document of (guid, title, link, description) items."""
    body = "".join(
        f"<item><guid>{html.escape(g)}</guid><title>{html.escape(t)}</title>"
        f"<link>{html.escape(link)}</link><description>{html.escape(d)}</description></item>"
        for g, t, link, d in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<language>{lang}</language>{body}</channel></rss>"
    ).encode()


def real_feeds(folder: Path) -> list[str]:
    """The real feeds of ../shared/fixtures/feeds that parse into items (not the truncated one
    nor the single Federal Register documents)."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.suffix in (".xml", ".json", ".gz")
        and "truncated" not in p.name
        and "document_" not in p.name
    )


def test_every_real_feed_format_and_encoding_parses(
    feed_server: FeedServer, tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    """RSS 0.9x/1.0/2.0, Atom, RDF, JSON Feed, the Federal Register API, legacy encodings
    (windows-1251, GB2312, ISO-8859-1 with and without declaration), gzip without a header."""
    feeds = real_feeds(shared_file("feeds"))
    sources = [
        {
            "name": name,
            "url": feed_server.route(f"/{name}", fixture_bytes(name)),
            "fetch_body": False,
        }
        for name in feeds
    ]
    reports = {r.source: r for r in poll_all(config_for(sources), tmp_path)}
    for name in feeds:
        report = reports[name]
        assert report.error is None, f"{name}: {report.error}"
        if "zero_results" not in name:
            assert report.new > 0, name
    store = Store(tmp_path)
    titles = {r["title"] for r in store.query("SELECT title FROM articles")}
    store.close()
    assert "В Бузулуке главные стройплощадки – детсад и Ледовый дворец" in titles  # windows-1251
    assert any("习近平" in t for t in titles)  # GB2312
    assert any("Mãe de utente" in t for t in titles)  # ISO-8859-1


def test_second_poll_uses_conditional_get(feed_server: FeedServer, tmp_path: Path) -> None:
    """The ETag of the first answer is sent back; the 304 costs nothing and is not an error."""
    url = feed_server.route("/guardian.xml", fixture_bytes("guardian_us_rss.xml"))
    config = config_for([{"name": "guardian", "url": url, "fetch_body": False}])
    [first] = poll_all(config, tmp_path)
    [second] = poll_all(config, tmp_path)
    assert first.new == 55 and not first.not_modified
    assert second.not_modified and second.error is None and second.new == 0
    assert feed_server.requests[-1].headers.get("if-none-match")


def test_hostile_and_broken_servers_are_survived_and_reported(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """A 500, a hang, 50 MB, an endless body, a truncated feed, an entity bomb, a redirect loop
    and an HTML page: each fails alone, is reported in status, and a good source in the same
    cycle still raises its alert."""
    seed = seed_article()
    good = feed_server.route(
        "/good.xml", rss(("s1", seed.title, "http://127.0.0.1/x", seed.body[:1500]), lang="id")
    )
    bad = {
        "error500": feed_server.status("/500", 500),
        "hangs": feed_server.hang("/hang"),
        "huge": feed_server.huge("/huge"),
        "endless": feed_server.endless("/endless"),
        "truncated": feed_server.route(  # the server failed after the channel's header
            "/trunc", rss().removesuffix(b"</channel></rss>") + b"<!-- error rendering module -->"
        ),
        "bomb": feed_server.route("/bomb", billion_laughs()),
        "loop": feed_server.redirect_loop("/loop-a", "/loop-b"),
        "html": feed_server.wrong_content_type("/page"),
    }
    sources = [{"name": "good", "url": good, "fetch_body": False}] + [
        {"name": n, "url": u} for n, u in bad.items()
    ]
    reports = {r.source: r for r in poll_all(config_for(sources, timeout="2s"), tmp_path)}
    assert reports["good"].error is None and len(reports["good"].alerts) == 1
    expected = {
        "error500": "HTTP 500",
        "hangs": "timed out",
        "huge": "larger than",
        "endless": "larger than",
        "truncated": "not a feed",
        "bomb": "declares entities",
        "loop": "too many redirects",
        "html": "an HTML page, not a feed",
    }
    for name, words in expected.items():
        assert words in (reports[name].error or ""), (name, reports[name].error)
    store = Store(tmp_path)
    rows = {r["name"]: r for r in store.sources()}
    store.close()
    for name in expected:
        assert rows[name]["error_count"] == 1 and rows[name]["backoff_until"]
    assert rows["good"]["last_error"] is None and rows["good"]["alerts"] == 1


def test_retry_after_is_honoured(feed_server: FeedServer, tmp_path: Path) -> None:
    url = feed_server.retry_after("/busy", status=429, after=7200)
    config = config_for([{"name": "busy", "url": url, "interval": "1m"}])
    [report] = poll_all(config, tmp_path)
    assert report.error is not None and "429" in report.error
    store = Store(tmp_path)
    [row] = store.sources()
    store.close()

    wait = datetime.fromisoformat(row["backoff_until"]) - datetime.now(UTC)
    assert wait.total_seconds() > 7000  # not the 1-minute interval: the server's word


def test_one_alert_per_story(feed_server: FeedServer, tmp_path: Path) -> None:
    """Polling twice raises one alert; another outlet's copy with its own URL and a reworded
    headline raises none (it is recorded on the story); a new story raises one."""
    first = (
        "a1",
        "EU imposes new sanctions on Russia over Ukraine war",
        "http://127.0.0.1/a/eu-sanctions-russia?utm_source=rss",
        "The European Union imposed new sanctions on Russia on Friday, targeting its oil.",
    )
    url_a = feed_server.route("/a.xml", rss(first))
    config = config_for([{"name": "outlet-a", "url": url_a, "fetch_body": False}])
    assert [len(r.alerts) for r in poll_all(config, tmp_path)] == [1]
    feed_server.set_body("/a.xml", rss(first) + b" ")  # a changed document, same item
    assert [len(r.alerts) for r in poll_all(config, tmp_path)] == [0]

    copy = (
        "b7",
        "EU imposes fresh sanctions on Russia over war in Ukraine",
        "http://127.0.0.1/b/2025/eu-russia",
        "Brussels - The European Union imposed new sanctions on Russia on Friday.",
    )
    url_b = feed_server.route("/b.xml", rss(copy))
    both = config_for(
        [
            {"name": "outlet-a", "url": url_a, "fetch_body": False},
            {"name": "outlet-b", "url": url_b, "fetch_body": False},
        ]
    )
    assert sum(len(r.alerts) for r in poll_all(both, tmp_path)) == 0

    new = (
        "b8",
        "US sanctions Iranian drone makers",
        "http://127.0.0.1/b/iran-drones",
        "The US Treasury sanctioned Iranian companies that build drones for Russia.",
    )
    feed_server.set_body("/b.xml", rss(copy, new))
    assert sum(len(r.alerts) for r in poll_all(both, tmp_path)) == 1

    store = Store(tmp_path)
    alerts = store.alerts()
    copies = store.story_copies(alerts[-1]["story_id"])
    store.close()
    assert len(alerts) == 2
    assert {c["source"] for c in copies} == {"outlet-a", "outlet-b"}


def test_an_edited_article_alerts_again_only_for_a_newly_fired_rule(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    item = ("e1", "Markets wrap", "http://127.0.0.1/e1", "Stocks rose in Tokyo.")
    url = feed_server.route("/e.xml", rss(item))
    config = config_for([{"name": "e", "url": url, "fetch_body": False}])
    assert [len(r.alerts) for r in poll_all(config, tmp_path)] == [0]
    edited = (*item[:3], "Stocks rose in Tokyo. Later, the EU imposed sanctions on Belarus.")
    feed_server.set_body("/e.xml", rss(edited))
    assert [len(r.alerts) for r in poll_all(config, tmp_path)] == [1]
    again = (*item[:3], edited[3] + " Minsk condemned the sanctions.")
    feed_server.set_body("/e.xml", rss(again))
    assert [len(r.alerts) for r in poll_all(config, tmp_path)] == [0]


def test_links_to_internal_addresses_are_not_fetched(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """A feed cannot make the daemon fetch cloud metadata or the admin network: the item is
    matched on its summary, and the page is never requested."""
    item = (
        "x1",
        "Russia sanctions news",
        "http://169.254.169.254/latest/meta-data/",
        "New sanctions on Russia.",
    )
    own = ("x2", "Iran sanctions news", "/own-page", "New sanctions on Iran.")
    feed_server.route(
        "/own-page",
        b"<html><body><p>" + b"Iran sanctions. " * 50 + b"</p></body></html>",
        content_type="text/html",
    )
    url = feed_server.route("/x.xml", rss(item, own))
    config = config_for([{"name": "x", "url": url, "fetch_body": True}], timeout="2s")
    [report] = poll_all(config, tmp_path)
    assert report.error is None and report.new == 2
    paths = [r.path for r in feed_server.requests]
    assert "/own-page" in paths  # the feed's own host is trusted
    assert not any("meta-data" in p for p in paths)


def test_once_with_default_rules_and_the_founding_article(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """`once` as a user runs it: exactly one alert naming Russia, Iran and the United States,
    printed because no notification target is configured; a second `once` raises none. The
    four official lists the default rules import are read from our samples in tests/fixtures
    (tests/conftest.py points their MONITOR_*_LIST_URL variables there)."""
    seed = seed_article()
    url = feed_server.route(
        "/republika.xml",
        rss(("rep-1", seed.title, "http://127.0.0.1/berita/rusia-iran", seed.body), lang="id"),
    )
    path = tmp_path / "rules.yaml"
    path.write_text(
        rules_with_sources(f"  - {{name: republika, url: '{url}', fetch_body: false}}\n"),
        encoding="utf-8",
    )
    state = tmp_path / "state"
    first = run_cli("once", "--rules", str(path), "--state", str(state))
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("ALERT [high] sanctions-country") == 1
    assert first.stdout.count("ALERT [") == 1
    assert "Rusia dan Iran Sepakat Lawan Sanksi AS" in first.stdout
    for name in ("ofac_sdn", "un_sc", "eu_fsf", "uk_sanctions"):
        assert f"list {name}: version 1:" in first.stdout + first.stderr
    status = run_cli("status", "--rules", str(path), "--state", str(state))
    assert "uk_sanctions" in status.stdout and "eu_fsf" in status.stdout
    # the next poll: the source's interval (settings.interval, 15 minutes) after the last
    store = Store(state)
    [source] = store.sources()
    store.close()
    due = datetime.fromisoformat(source["last_poll"]) + timedelta(minutes=15)
    [line] = [x for x in status.stdout.splitlines() if x.startswith("republika")]
    assert due.isoformat(timespec="seconds") in line
    second = run_cli("once", "--rules", str(path), "--state", str(state))
    assert second.returncode == 0 and "ALERT" not in second.stdout
    store = Store(state)
    [alert] = store.alerts()
    store.close()
    entries = {h["entry"] for h in json.loads(alert["payload"])["hits"]}
    assert {"Russia", "Iran", "United States"} <= entries
    assert "Russia (Rusia" in first.stdout and "United States (AS" in first.stdout
    payload_all = json.loads(alert["payload"])
    assert payload_all["article"]["lang"] == "id"


def test_once_with_an_invalid_rules_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("watchlists: {}\nrules: [{name: r, all: [{watchlist: nope}]}]\n")
    result = run_cli("once", "--rules", str(path), "--state", str(tmp_path / "s"))
    assert result.returncode == 2
    assert "rules.yaml:2: rules[0].all[0].watchlist: unknown watchlist 'nope'" in result.stderr


def test_run_once_helper_counts_alerts(feed_server: FeedServer, tmp_path: Path) -> None:
    seed = seed_article()
    url = feed_server.route("/s.xml", rss(("s", seed.title, "http://127.0.0.1/s", seed.body[:900])))
    config = config_for([{"name": "s", "url": url, "fetch_body": False}])
    lines: list[str] = []
    assert asyncio.run(run_once(config, tmp_path, lambda r: lines.append(r.line()))) == 1  # type: ignore[arg-type]
    assert lines == [lines[0]] and lines[0].startswith("s: 1 new, 1 matched, 1 alert")


@pytest.mark.parametrize("article", [replace(seed_article(), id="x")])
def test_store_survives_a_second_process(article: object, tmp_path: Path) -> None:
    """Two stores on one file (WAL): the second sees what the first committed."""
    a, b = Store(tmp_path), Store(tmp_path)
    a.record_poll("s", error=None, new_articles=3)
    assert b.source_state("s")["articles"] == 3
    a.close()
    b.close()


def test_html_listing_and_article_pages_in_their_own_encoding(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """An HTML listing: links picked by a CSS selector, each page fetched and its main text
    extracted (trafilatura), whatever its encoding (here windows-1251 and UTF-8)."""
    text_ru = "Евросоюз ввёл новые санкции против России. " * 30
    page_ru = (
        "<html><head><meta charset='windows-1251'><title>Санкции</title></head><body>"
        f"<nav>menu</nav><article><h1>ЕС ввёл санкции против России</h1><p>{text_ru}</p>"
        "</article></body></html>"
    ).encode("cp1251")
    feed_server.route("/news/ru-1", page_ru, content_type="text/html")
    page_en = fixture_bytes("article_cnn_arabic_syria_ar_2013.html")
    feed_server.route("/news/ar-1", page_en, content_type="text/html; charset=utf-8")
    listing = (
        b"<html><body><ul class='news'>"
        b"<li><a class='headline' href='/news/ru-1'>EU sanctions</a></li>"
        b"<li><a class='headline' href='/news/ar-1'>Syria</a></li>"
        b"</ul><a href='/about'>About us</a></body></html>"
    )
    url = feed_server.route("/list", listing, content_type="text/html")
    config = config_for(
        [
            {
                "name": "listing",
                "url": url,
                "type": "html",
                "link_selector": "a.headline",
                "fetch_body": True,
            }
        ]
    )
    [report] = poll_all(config, tmp_path)
    assert report.error is None and report.new == 2
    assert len(report.alerts) == 1  # the Russian page: sanctions against Russia
    assert "/about" not in [r.path for r in feed_server.requests]
    store = Store(tmp_path)
    [alert] = store.alerts()
    store.close()
    hits = json.loads(alert["payload"])["hits"]
    assert {"санкции", "России"} <= {h["text"] for h in hits}


def test_a_locked_database_fails_the_poll_not_the_daemon(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """Another process holding the database: the poll reports a store error, the file is not
    damaged, and the next poll after the lock is released records the article."""
    import sqlite3

    seed = seed_article()
    url = feed_server.route("/s.xml", rss(("s", seed.title, "http://127.0.0.1/s", seed.body[:900])))
    config = config_for([{"name": "s", "url": url, "fetch_body": False}])
    Store(tmp_path).close()  # create the schema
    holder = sqlite3.connect(tmp_path / "monitor.db", timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    original = store_module.BUSY_TIMEOUT_MS
    store_module.BUSY_TIMEOUT_MS = 100  # fail fast: the default waits 5 s for the lock
    try:
        [report] = poll_all(config, tmp_path)
    finally:
        store_module.BUSY_TIMEOUT_MS = original
        holder.rollback()
        holder.close()
    assert report.error is not None and "database is locked" in report.error
    [again] = poll_all(config, tmp_path)
    assert again.error is None and len(again.alerts) == 1
    check = sqlite3.connect(tmp_path / "monitor.db")
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()


def test_generic_json_api_with_a_field_mapping(feed_server: FeedServer, tmp_path: Path) -> None:
    doc = {
        "data": {
            "stories": [
                {
                    "uid": 1,
                    "headline": "US sanctions Venezuelan officials",
                    "lede": "OFAC acted.",
                    "link": "/s/1",
                    "at": "2025-01-01",
                },
                {
                    "uid": 2,
                    "headline": "Weather",
                    "lede": "Sunny.",
                    "link": "/s/2",
                    "at": "2025-01-01",
                },
            ]
        }
    }
    url = feed_server.route("/api", json.dumps(doc).encode(), content_type="application/json")
    source = {
        "name": "api",
        "url": url,
        "type": "json",
        "fetch_body": False,
        "items": "data.stories",
        "fields": {"title": "headline", "body": "lede", "url": "link", "date": "at", "id": "uid"},
    }
    [report] = poll_all(config_for([source]), tmp_path)
    assert report.error is None and report.new == 2 and len(report.alerts) == 1


def test_a_redirect_to_an_internal_address_is_refused(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """Each hop of an article link is checked, not only the first."""
    feed_server.redirect("/go", "http://10.0.0.1/admin")
    item = ("r1", "Russia sanctions", feed_server.url("/go"), "New sanctions on Russia.")
    other_host_feed = feed_server.route("/r.xml", rss(item))
    config = config_for([{"name": "r", "url": other_host_feed, "fetch_body": True}], timeout="2s")
    [report] = poll_all(config, tmp_path)
    assert report.error is None and report.new == 1  # matched on its summary instead
    assert [r.path for r in feed_server.requests].count("/go") == 1


def test_backoff_doubles_while_failing_and_resets_on_recovery(
    feed_server: FeedServer, tmp_path: Path
) -> None:

    url = feed_server.status("/flaky", 503)
    config = config_for([{"name": "flaky", "url": url, "interval": "10m"}])

    def wait_minutes() -> float:
        store = Store(tmp_path)
        [row] = store.sources()
        store.close()
        if not row["backoff_until"]:
            return 0.0
        return (
            datetime.fromisoformat(row["backoff_until"]) - datetime.now(UTC)
        ).total_seconds() / 60

    poll_all(config, tmp_path)
    first = wait_minutes()
    poll_all(config, tmp_path)
    second = wait_minutes()
    assert 7 < first < 13 and 15 < second < 25  # 10 min, then 20, each within ±20 % jitter
    feed_server.route("/flaky", rss(("f", "Fine", "http://127.0.0.1/f", "ok")))
    [report] = poll_all(config, tmp_path)
    assert report.error is None and wait_minutes() == 0.0


def test_hostile_item_text_is_bounded_and_cleaned(feed_server: FeedServer, tmp_path: Path) -> None:
    """A 500 kB headline is cut at a word, a huge body bounded, NUL, other controls and bidi
    overrides removed from what is kept and shown; 1,000 items become the 200 newest."""
    from monitor.sources.poll import MAX_BODY, MAX_ITEMS, MAX_TITLE

    title = "Russia sanctions \x00\u202egnp.exe\u202c widen " + "word " * 100_000
    items = [("big", title, "http://127.0.0.1/big", "body " * 40_000)]
    items += [(f"i{n}", f"Item {n}", f"http://127.0.0.1/i/{n}", "x") for n in range(1000)]
    document = rss(*items).replace(
        b"</item>",
        b"<pubDate>Mon, 01 Dec 2025 00:00:00 GMT</pubDate></item>",
        1,  # the big item is the newest; the others carry no date
    )
    url = feed_server.route("/hostile.xml", document)
    [report] = poll_all(config_for([{"name": "h", "url": url, "fetch_body": False}]), tmp_path)
    assert report.error is None and report.new == MAX_ITEMS
    store = Store(tmp_path)
    titles = [r["title"] for r in store.query("SELECT title FROM articles")]
    [alert] = store.alerts()
    store.close()
    [big] = [t for t in titles if t.startswith("Russia")]
    assert len(big) <= MAX_TITLE and big.endswith("word…")
    assert big.startswith("Russia sanctions gnp.exe widen word")  # no NUL, no override
    assert len(AlertPayload.from_json(alert["payload"]).article.body) == MAX_BODY


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("[64:ff9b::a00:1]", False),  # NAT64 of 10.0.0.1
        ("[64:ff9b::a9fe:a9fe]", False),  # NAT64 of the cloud metadata address
        ("[64:ff9b:1::808:808]", False),  # local-use NAT64: a private network
        ("[::127.0.0.2]", False),  # IPv4-compatible loopback
        ("[::ffff:169.254.169.254]", False),  # IPv4-mapped
        ("[2002:a00:1::]", False),  # 6to4 of 10.0.0.1
        ("[2001:0:4136:e378:8000:63bf:3fff:fdd2]", False),  # Teredo
        ("[fd00::1]", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0177.0.0.1", False),  # octal spelling of 127.0.0.1
        ("8.8.8.8", True),
        ("[2606:4700::1111]", True),
        ("[64:ff9b::808:808]", True),  # NAT64 of a public address is public
    ],
)
def test_every_spelling_of_a_private_address_is_refused(host: str, allowed: bool) -> None:
    """A link is refused before any connection when its address, or the IPv4 address an IPv6
    wrapper carries, is not public (address literals: nothing is resolved or connected)."""
    from monitor.sources.guard import link_allowed

    assert asyncio.run(link_allowed(f"http://{host}/x", "http://127.0.0.1/feed")) is allowed


def test_a_name_that_resolves_anew_to_a_private_address_is_refused_at_the_socket(
    feed_server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: a link's name resolves to a public address for the check, then to a
    private one for the connection. The address really connected is checked before the answer
    is read: the page is not used, the item is matched on its summary. (This machine has no DNS
    of ours to rebind: the check's resolution is made to answer a public address.)"""
    import monitor.sources.guard as guard

    async def public(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    monkeypatch.setattr(guard, "_resolve", public)
    port = feed_server.url("/").split(":")[2].split("/")[0]
    feed_server.route(
        "/internal", b"<html><body><p>" + b"Secret admin page. " * 50 + b"</p></body></html>"
    )
    item = ("r1", "Russia sanctions news", f"http://localhost:{port}/internal", "On Russia.")
    url = feed_server.route("/r.xml", rss(item))
    config = config_for([{"name": "r", "url": url, "fetch_body": True}])
    [report] = poll_all(config, tmp_path)
    assert report.error is None and report.new == 1
    store = Store(tmp_path)
    [alert] = store.alerts()
    store.close()
    body = AlertPayload.from_json(alert["payload"]).article.body
    assert "Secret admin page" not in body and body == "On Russia."


def test_a_refused_connection_is_reported_in_words(tmp_path: Path) -> None:
    """What `status` shows of a source nobody answers for: words, not a library's class name."""
    [report] = poll_all(config_for([{"name": "down", "url": "http://127.0.0.1:9/feed"}]), tmp_path)
    assert report.error is not None and report.error.startswith("cannot connect")
    assert "Error" not in report.error and "httpx" not in report.error


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
def test_pages_and_apis_that_do_not_say_their_encoding_are_read_right(
    feed_server: FeedServer, tmp_path: Path, encoding: str
) -> None:
    """An HTML listing and a JSON API without a declared charset, in UTF-8 or windows-1251:
    the headlines are stored as written, not as Latin-1 mojibake."""
    headline, other = "Россия ответила на санкции ЕС", "Минск ввёл ответные меры"
    page = f"<html><body><a class='h' href='/a/1'>{headline}</a></body></html>".encode(encoding)
    api = json.dumps({"items": [{"title": other, "url": "/b/1"}]}, ensure_ascii=False)
    sources = [
        {
            "name": "listing",
            "url": feed_server.route("/list", page, content_type="text/html"),
            "type": "html",
            "link_selector": "a.h",
            "fetch_body": False,
        },
        {
            "name": "api",
            "url": feed_server.route("/api", api.encode(encoding), content_type="application/json"),
            "type": "json",
            "items": "items",
            "fetch_body": False,
        },
    ]
    reports = poll_all(config_for(sources), tmp_path)
    assert [r.error for r in reports] == [None, None]
    store = Store(tmp_path)
    titles = sorted(r["title"] for r in store.query("SELECT title FROM articles"))
    store.close()
    assert titles == sorted([headline, other])
