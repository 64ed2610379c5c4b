"""Slack and Telegram verified at the wire: Apprise sends through an intercepting HTTPS proxy on
127.0.0.1 (mitmproxy, answering the requests itself), which records the exact payload each
service would receive. The services themselves cannot exist here; everything else is real."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from monitor.models import AlertPayload, Article, Hit
from monitor.notify.deliver import apprise_send
from monitor.notify.message import alert_message
from monitor.pipeline import Pipeline
from monitor.text.clean import cut
from tests.conftest import ROOT, free_port

MITMDUMP = os.environ.get("MITMDUMP") or shutil.which(
    "mitmdump", path=str(ROOT / ".venv-proxy" / "bin")
)
HEADLINE = "U.S. sanctions *Rosneft* traders_in [Dubai] & <Co>"
SLACK = "slack://T1ABCDEFG/B1ABCDEFG/abcdefghijklmnopqrstuvwx"
TELEGRAM = "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-100123456"


@pytest.fixture
def wire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A running proxy; yields the JSON Lines file of what it received."""
    if MITMDUMP is None:
        message = "mitmdump not found: `python3 -m venv .venv-proxy && .venv-proxy/bin/pip install mitmproxy`"
        if os.environ.get("REQUIRE_WIRE_TESTS"):  # CI installs it: there, missing is a failure
            pytest.fail(message)
        pytest.skip(message)
    log = tmp_path / "wire.jsonl"
    log.touch()
    port = free_port()
    confdir = tmp_path / "mitm"
    proc = subprocess.Popen(
        [
            MITMDUMP,
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            str(port),
            "-q",
            "--set",
            "connection_strategy=lazy",
            "--set",
            f"confdir={confdir}",
            "-s",
            str(ROOT / "tests" / "wire" / "addon.py"),
        ],
        env={**os.environ, "WIRE_LOG": str(log)},
    )
    try:
        deadline = time.monotonic() + 30
        while True:  # until the proxy accepts connections and its CA exists
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                if (confdir / "mitmproxy-ca-cert.pem").exists():
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "mitmdump did not start"
            assert proc.poll() is None, "mitmdump exited"
            time.sleep(0.05)
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(confdir / "mitmproxy-ca-cert.pem"))
        yield log
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def message() -> object:
    hits = (
        Hit("countries", "Russia", "Rosneft", "Rosneft", "title", 16, 23, 100.0),
        Hit("sanctions_terms", "sanctions", "sanction*", "sanctions", "title", 5, 14, 100.0),
    )
    article = Article(
        "a", HEADLINE, url="https://news.example/a?x=1&y=2", source="Example News", lang="en"
    )
    return alert_message(
        "sanctions-country",
        "high",
        AlertPayload(article, hits=hits),
        ["Example News", "Other Wire"],
    )


def received(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


HOSTILE = [
    HEADLINE,
    "Breaking * _ [ ] < > & \\ ~ | ` <!channel> <@U123> [x](https://evil.example) **bold**",
    "> Quoted: US sanctions Rosneft & <oil> traders",
    "عقوبات أمريكية جديدة على روسيا — new US sanctions (RTL) ‏",
    "Sanctions 🚫🇷🇺 on Russian oil ⛽️ traders_in *Dubai*",
    "Russia sanctions " + "very long headline " * 280,  # 5,000+ characters
]
LINK = "http://host/a/h6>)**INJECTED**[Verify your account](<https://evil.example/login"


def hostile_message(headline: str) -> object:
    start = headline.find("Russia")
    found = Hit("countries", "Russia", "Russia", "Russia", "title", start, start + 6, 100.0)
    return alert_message(
        "sanctions-country",
        "high",
        AlertPayload(
            Article("a", headline, url=LINK, source="Example"),
            hits=() if start < 0 else (found,),
        ),
        [],
    )


def shown(headline: str) -> str:
    """The headline as a message shows it: whitespace collapsed, a very long one cut."""
    return cut(" ".join(headline.split()), 1000)


def slack_view(text: str) -> tuple[str, list[str], list[str]]:
    """What Slack shows of a message text (Slack's message formatting rules): `<...>` is a
    link, labelled or not, or a mention; `&amp; &lt; &gt;` are the three escapes; a bare
    address is linked and shown as itself. Returns the visible text, the links whose text is
    not their address (`<url|label>`, what a feed must never make) and the mentions."""
    specials = re.findall(r"<([^<>]*)>", text)
    mentions = [x for x in specials if x.startswith(("!", "@", "#"))]
    labelled = [x for x in specials if "|" in x and x not in mentions]
    visible = re.sub(r"<([^<>|]*)\|?([^<>]*)>", lambda m: m.group(2) or m.group(1), text)
    visible = visible.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return visible, labelled, mentions


class HTMLView(HTMLParser):
    """What Telegram shows of a parse_mode=HTML text (Bot API, "HTML style"): the tags it
    knows format the text, every other `<` must be an entity. Not strict, what a mail reader
    shows of an HTML body."""

    ALLOWED: ClassVar = {"b", "strong", "i", "em", "u", "s", "a", "code", "pre", "blockquote"}

    def __init__(self, text: str, strict: bool = True):
        super().__init__(convert_charrefs=True)
        self.strict = strict  # Telegram's tags only (False: any HTML, as in an e-mail)
        self.visible: list[str] = []
        self.links: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in self.ALLOWED or not self.strict, f"Telegram refuses <{tag}>"
        if tag == "a":
            self.links.append(dict(attrs)["href"] or "")

    def handle_data(self, data: str) -> None:
        self.visible.append(data)


@pytest.mark.parametrize("headline", HOSTILE, ids=range(len(HOSTILE)))
def test_slack_shows_every_headline_as_written_and_no_link_of_the_feed(
    wire: Path, headline: str
) -> None:
    assert apprise_send(SLACK, hostile_message(headline)) is None  # type: ignore[arg-type]
    [request] = received(wire)
    assert request["host"] == "hooks.slack.com"
    attachment = json.loads(str(request["body"]))["attachments"][0]
    visible, labelled, mentions = slack_view(attachment["text"])
    first = visible.splitlines()[0]
    assert first.startswith(shown(headline) + " ")
    address = first.removeprefix(shown(headline) + " ")
    assert urlsplit(address).hostname == "host" and " " not in address  # one link, to the article
    assert "\\*" not in visible and "\\_" not in visible  # no backslash escapes
    assert labelled == [] and mentions == []
    title, _, _ = slack_view(attachment["title"])
    assert title == "[HIGH] " + cut(" ".join(headline.split()), 240)


@pytest.mark.parametrize("headline", HOSTILE, ids=range(len(HOSTILE)))
def test_telegram_shows_every_headline_as_written_and_no_link_of_the_feed(
    wire: Path, headline: str
) -> None:
    assert apprise_send(TELEGRAM, hostile_message(headline)) is None  # type: ignore[arg-type]
    [request] = [r for r in received(wire) if "sendMessage" in str(r["path"])]
    assert request["host"] == "api.telegram.org"
    payload = json.loads(str(request["body"]))
    assert payload["parse_mode"].lower() == "html"
    view = HTMLView(payload["text"])
    visible = "".join(view.visible)
    assert len(visible) <= 4096  # Telegram's limit, after entities are parsed
    assert shown(headline) in visible.splitlines()
    assert view.links and all(urlsplit(link).hostname == "host" for link in view.links)


def send_mail(message: object) -> list[str]:
    """What a real SMTP server on 127.0.0.1 (aiosmtpd) receives when `mailto://` sends."""
    from aiosmtpd.controller import Controller

    received: list[str] = []

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            received.append(envelope.content.decode("utf-8", "replace"))  # type: ignore[attr-defined]
            return "250 OK"

    port = free_port()
    smtp = Controller(Handler(), hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        url = f"mailto://127.0.0.1:{port}?from=monitor@example.com&to=analyst@example.com&mode=insecure"
        assert apprise_send(url, message) is None  # type: ignore[arg-type]
    finally:
        smtp.stop()
    return received


def test_email_gets_html_and_a_plain_subject() -> None:
    import email
    from email import policy

    [raw] = send_mail(message())
    mail = email.message_from_string(raw, policy=policy.default)
    assert mail["Subject"] == f"[HIGH] {HEADLINE}"
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert '<a href="https://news.example/a?x=1&amp;y=2">' in html
    assert "&amp; &lt;Co&gt;" in html and "<b>Rosneft</b>" in html


@pytest.mark.parametrize("headline", HOSTILE, ids=range(len(HOSTILE)))
def test_email_shows_every_headline_as_written_and_no_link_of_the_feed(headline: str) -> None:
    import email
    from email import policy

    [raw] = send_mail(hostile_message(headline))
    mail = email.message_from_string(raw, policy=policy.default)
    assert mail["Subject"] == "[HIGH] " + cut(" ".join(headline.split()), 240)
    view = HTMLView(mail.get_body(("html",)).get_content(), strict=False)  # type: ignore[union-attr]
    assert shown(headline) in "".join(view.visible).splitlines()
    assert view.links and all(urlsplit(link).hostname == "host" for link in view.links)


def test_the_event_leads_the_message_in_slack_telegram_and_email(
    wire: Path, default_pipeline: Pipeline
) -> None:
    """What happened and who acts on whom, as the events stage says it, before the headline."""
    article = Article(
        "a", "U.S. lifts sanctions on Syria", url="https://news.example/s", source="X", lang="en"
    )
    result = default_pipeline.match(article)
    payload = AlertPayload(article, hits=result.hits, events=result.events)
    sent = alert_message("sanctions-country", "high", payload, [])
    lead = "[HIGH] LIFTED · United States → Syria: U.S. lifts sanctions on Syria"
    assert apprise_send(SLACK, sent) is None
    [slack] = received(wire)
    title, _, _ = slack_view(json.loads(str(slack["body"]))["attachments"][0]["title"])
    assert title == lead
    assert apprise_send(TELEGRAM, sent) is None
    [telegram] = [r for r in received(wire) if "sendMessage" in str(r["path"])]
    visible = "".join(HTMLView(json.loads(str(telegram["body"]))["text"]).visible)
    assert visible.startswith(lead)
    import email
    from email import policy

    [raw] = send_mail(sent)
    assert email.message_from_string(raw, policy=policy.default)["Subject"] == lead
