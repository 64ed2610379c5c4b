"""An alert as a message a person reads on a phone: what happened, where, and why it matched.

Written once, in CommonMark with every piece of article text escaped; Apprise turns it into each
service's own format (Slack mrkdwn with &, <, > entity-escaped, Telegram HTML or MarkdownV2,
e-mail HTML), so a headline such as `U.S. sanctions *Rosneft* traders_in [Dubai]` arrives as
written instead of being refused or reformatted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from monitor.config.model import template_fields

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")
_SNIPPET = 100  # characters of context on each side of the first matched words


@dataclass(frozen=True)
class Message:
    title: str  # CommonMark, like the body
    body: str  # CommonMark

    def plain(self) -> tuple[str, str]:
        """Title and body as plain text, for raw webhooks (json://, form://, xml://)."""
        return _plain(self.title), _plain(self.body)


def _plain(markdown: str) -> str:
    text = re.sub(r"\[((?:\\.|[^\]])*)\]\(<([^>]*)>\)", r"\1 <\2>", markdown)
    return re.sub(r"\\(.)", r"\1", text.replace("**", ""))


def escape(text: str) -> str:
    """Literal text in CommonMark: every ASCII punctuation that could start markup, escaped."""
    return _SPECIAL.sub(r"\\\1", text)


# The message's paragraphs; a paragraph whose fields are all empty is left out. Users may set
# their own in rules.yaml (settings.template) with the same {fields}.
DEFAULT_TEMPLATE = (
    "**{link}**\n\n{where}\n\nRule: {rule} ({severity})\n\n{entries}\n\n> {snippet}"
    "\n\nListed: {listed}\n\nAlso carried by: {also}"
)


def alert_message(
    alert: dict[str, Any],
    payload: dict[str, Any],
    outlets: Sequence[str],
    template: str = DEFAULT_TEMPLATE,
) -> Message:
    article = payload["article"]
    headline = " ".join((article.get("title") or alert.get("title") or "(no headline)").split())
    url = article.get("url") or ""
    parts = (article.get("source"), article.get("published"), article.get("lang"))
    others = [o for o in outlets if o != article.get("source")]
    values = {
        "headline": escape(headline),
        "url": url,
        "link": f"[{escape(headline)}](<{url}>)" if url else escape(headline),
        "where": " · ".join(escape(x) for x in parts if x),
        "outlet": escape(article.get("source") or ""),
        "published": escape(article.get("published") or ""),
        "lang": escape(article.get("lang") or ""),
        "rule": escape(alert["rule"]),
        "severity": escape(alert["severity"]),
        "entries": escape(named_entries(payload["hits"])),
        "snippet": _snippet(article, payload.get("evidence") or payload["hits"]),
        "also": escape(", ".join(others)),
        "listed": listed_entries(payload["hits"]),
    }
    paragraphs = [
        p.format_map(values)
        for p in template.split("\n\n")
        if not template_fields(p) or any(values[f] for f in template_fields(p))
    ]
    severity = str(alert["severity"]).upper()
    # The title is CommonMark too: Apprise reads it in the body's format.
    return Message(escape(f"[{severity}] {headline[:240]}"), "\n\n".join(paragraphs))


def named_entries(hits: list[dict[str, Any]]) -> str:
    """`Russia (Rusia), Iran, United States (AS) · sanctions (sanksi)`: each watchlist's entries
    in English with the words the article used, the watchlists in the order first seen; an
    official list's entries with their programs: `ofac_sdn: MAHAN AIR [18143] [SDGT, IFSR]`."""
    groups: dict[str, dict[str, list[str]]] = {}
    for hit in hits:
        listed = hit.get("list")
        label = hit["entry"] + (f" [{', '.join(listed['programs'])}]" if listed else "")
        words = groups.setdefault(hit["watchlist"], {}).setdefault(label, [])
        if hit["text"].casefold() != hit["entry"].casefold() and hit["text"] not in words:
            words.append(hit["text"])
    return " · ".join(
        (
            f"{watchlist}: "
            if any(h.get("list") and h["watchlist"] == watchlist for h in hits)
            else ""
        )
        + ", ".join(f"{e} ({', '.join(w[:3])})" if w else e for e, w in entries.items())
        for watchlist, entries in groups.items()
    )


def listed_entries(hits: list[dict[str, Any]]) -> str:
    """The official lists' entries named, each linked to its entry on the list where the list
    gives one: `[MAHAN AIR](<https://sanctionssearch…>) (ofac_sdn: SDGT, IFSR)`."""
    seen: dict[tuple[str, str], str] = {}
    for hit in hits:
        listed = hit.get("list")
        if not listed or (listed["list"], listed["id"]) in seen:
            continue
        name = escape(hit["entry"].rsplit(" [", 1)[0])
        where = escape(f"{listed['list']}: {', '.join(listed['programs'])}".rstrip(": "))
        link = f"[{name}](<{listed['link']}>)" if listed.get("link") else name
        seen[(listed["list"], listed["id"])] = f"{link} ({where})"
    return ", ".join(seen.values())


def _snippet(article: dict[str, Any], hits: list[dict[str, Any]]) -> str:
    """The stretch of text around the first hits of one field, matched words in bold."""
    if not hits:
        return ""
    field = hits[0]["field"]
    text = article.get(field) or ""
    spans = sorted({(h["start"], h["end"]) for h in hits if h["field"] == field})
    start = max(0, spans[0][0] - _SNIPPET)
    end = min(len(text), spans[0][1] + _SNIPPET)
    out, pos = [], start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"**{escape(text[s:e])}**")
        pos = e
    out.append(escape(text[pos:end]))
    return (
        ("…" if start else "") + " ".join("".join(out).split()) + ("…" if end < len(text) else "")
    )


def digest_messages(
    alerts: Sequence[dict[str, Any]], rule: str | None, limit: int
) -> list[tuple[list[dict[str, Any]], Message]]:
    """Held alerts as messages listing every headline, each body at most LIMIT characters,
    every headline in exactly one of them: a flood's overflow, or a rule's scheduled digest.
    Returns each part with the alerts it lists."""
    items = []
    for alert in alerts:
        article = json.loads(alert["payload"])["article"]
        headline = escape(_cut(" ".join((article.get("title") or alert["title"]).split())))
        url = article.get("url")
        item = f"[{headline}](<{url}>)" if url else headline
        items.append((alert, f"- {item} ({escape(alert['rule'])})"))
    parts: list[list[tuple[dict[str, Any], str]]] = [[]]
    size = 0
    for alert, line in items:
        if parts[-1] and size + len(line) + 1 > limit:
            parts.append([])
            size = 0
        parts[-1].append((alert, line))
        size += len(line) + 1
    out = []
    for number, part in enumerate(parts, 1):
        of = f" ({number}/{len(parts)})" if len(parts) > 1 else ""
        title = (
            f"[DIGEST] {rule}: {len(alerts)} alerts{of}"
            if rule
            else f"[DIGEST] {len(alerts)} more alerts{of}"
        )
        out.append(([a for a, _ in part], Message(escape(title), "\n".join(x for _, x in part))))
    return out


def _cut(headline: str, most: int = 300) -> str:
    """A headline short enough for a list of them: cut at a word, marked with an ellipsis."""
    if len(headline) <= most:
        return headline
    return headline[:most].rsplit(" ", 1)[0].rstrip() + "…"
