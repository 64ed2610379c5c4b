"""An alert as a message a person reads on a phone: what happened, where, and why it matched.

The message is built here as spans of plain text, some bold, some links (render.py), from the
template's paragraphs; each service's renderer then writes it in that service's own syntax, so a
headline such as `U.S. sanctions *Rosneft* traders_in [Dubai] <oil>` arrives as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor.config.model import template_fields
from monitor.models import AlertPayload, Article, Hit, ListChange
from monitor.notify.render import Message, Paragraph, Span, safe_url
from monitor.store.outbox import Delivery
from monitor.text.clean import cut

__all__ = [
    "DEFAULT_TEMPLATE",
    "Message",
    "alert_message",
    "digest_messages",
    "event_lead",
    "named_entries",
]

_SNIPPET = 100  # characters of context on each side of the first matched words
_HEADLINE = 1000  # a headline longer than this is cut at a word (Telegram takes 4,096 in all)
_ENTRIES = 800

# The message's paragraphs; a paragraph whose fields are all empty is left out; `**` makes bold
# and a leading `> ` a quotation. Users may set their own in rules.yaml (settings.template) with
# the same {fields}.
DEFAULT_TEMPLATE = (
    "**{link}**\n\n{where}\n\nRule: {rule} ({severity})\n\n{changes}\n\n{entries}\n\n> {snippet}"
    "\n\nListed: {listed}\n\nAlso carried by: {also}"
)


def alert_message(
    rule: str,
    severity: str,
    payload: AlertPayload,
    outlets: Sequence[str],
    template: str = DEFAULT_TEMPLATE,
) -> Message:
    article = payload.article
    headline = " ".join((article.title or "(no headline)").split())
    url = safe_url(article.url)
    parts = (article.source, article.published, article.lang)
    others = [o for o in outlets if o != article.source]
    shown = cut(headline, _HEADLINE)
    event = payload.events[0] if payload.events else None
    values: dict[str, tuple[Span, ...]] = {
        "event": (Span(event.summary(upper=True) if event else ""),),
        "imposers": (Span(", ".join(event.imposers) if event else ""),),
        "targets": (Span(", ".join(event.targets) if event else ""),),
        "headline": (Span(shown),),
        "url": (Span(url, url=url),) if url else (),
        "link": (Span(shown, url=url),),
        "where": (Span(" · ".join(x for x in parts if x)),),
        "outlet": (Span(article.source or ""),),
        "published": (Span(article.published or ""),),
        "lang": (Span(article.lang or ""),),
        "rule": (Span(rule),),
        "severity": (Span(severity),),
        "entries": (Span(cut(named_entries(payload.hits), _ENTRIES)),),
        "snippet": _snippet(article, payload.evidence or payload.hits),
        "also": (Span(", ".join(others)),),
        "listed": listed_entries(payload.hits),
        "changes": list_changes(payload.changes, payload.more_changes),
    }
    paragraphs = tuple(
        _fill(p, values)
        for p in template.split("\n\n")
        if not template_fields(p) or any(_text(values[f]) for f in template_fields(p))
    )
    return Message(f"[{severity.upper()}] {event_lead(payload)}{cut(headline, 240)}", paragraphs)


def event_lead(payload: AlertPayload) -> str:
    """What happened, before a headline: `LIFTED · United States → Syria: `; none without an
    event."""
    return f"{payload.events[0].summary(upper=True)}: " if payload.events else ""


def _text(spans: Sequence[Span]) -> str:
    return "".join(s.text for s in spans)


def _fill(paragraph: str, values: dict[str, tuple[Span, ...]]) -> Paragraph:
    """A template paragraph with its fields' spans in place; `**` toggles bold."""
    quote = paragraph.startswith("> ")
    spans: list[Span] = []
    bold = False
    for piece in re.split(r"(\{\w+\}|\*\*)", paragraph.removeprefix("> ")):
        if piece == "**":
            bold = not bold
        elif piece.startswith("{") and piece.endswith("}") and piece[1:-1] in values:
            spans += [Span(s.text, s.bold or bold, s.url) for s in values[piece[1:-1]]]
        elif piece:
            spans.append(Span(piece, bold))
    return Paragraph(tuple(spans), quote)


def named_entries(hits: Sequence[Hit]) -> str:
    """`Russia (Rusia), Iran, United States (AS) · sanctions (sanksi)`: each watchlist's entries
    in English with the words the article used, the watchlists in the order first seen; an
    official list's entries with their programs: `ofac_sdn: MAHAN AIR [18143] [SDGT, IFSR]`."""
    groups: dict[str, dict[str, list[str]]] = {}
    for hit in hits:
        label = hit.entry + (f" [{', '.join(hit.ref.programs)}]" if hit.ref else "")
        words = groups.setdefault(hit.watchlist, {}).setdefault(label, [])
        if hit.text.casefold() != hit.entry.casefold() and hit.text not in words:
            words.append(hit.text)
    listed = {h.watchlist for h in hits if h.ref}
    return " · ".join(
        (f"{watchlist}: " if watchlist in listed else "")
        + ", ".join(f"{e} ({', '.join(w[:3])})" if w else e for e, w in entries.items())
        for watchlist, entries in groups.items()
    )


def listed_entries(hits: Sequence[Hit]) -> tuple[Span, ...]:
    """The official lists' entries named, each linked to its entry on the list where the list
    gives one: `MAHAN AIR` (linked) ` (ofac_sdn: SDGT, IFSR)`."""
    seen: dict[tuple[str, str], tuple[Span, ...]] = {}
    for hit in hits:
        if hit.ref is None or (hit.ref.list, hit.ref.id) in seen:
            continue
        where = f"{hit.ref.list}: {', '.join(hit.ref.programs)}".rstrip(": ")
        seen[(hit.ref.list, hit.ref.id)] = (
            Span(hit.entry.rsplit(" [", 1)[0], url=safe_url(hit.ref.link)),
            Span(f" ({where})"),
        )
    spans: list[Span] = []
    for i, entry in enumerate(seen.values()):
        spans += [Span(", ")] * bool(i) + list(entry)
    return tuple(spans)


def list_changes(changes: Sequence[ListChange], more: int) -> tuple[Span, ...]:
    """A list-change alert's entries, a line each, linked to the list: `added: NAME (PROGRAMS)`,
    then how many more there are."""
    spans: list[Span] = []
    for change in changes:
        spans += [
            Span(f"{change.change}: "),
            Span(change.name, url=safe_url(change.link)),
            Span(f" ({', '.join(change.programs)})\n" if change.programs else "\n"),
        ]
    if more:
        spans.append(Span(f"and {more} more (sanctions-monitor lists diff)"))
    elif spans:
        spans[-1] = Span(spans[-1].text.removesuffix("\n"))
    return tuple(spans)


def _snippet(article: Article, hits: Sequence[Hit]) -> tuple[Span, ...]:
    """The stretch of text around the first hits of one field, matched words in bold."""
    if not hits:
        return ()
    field = hits[0].field
    text = article.text(field)
    spans = sorted({(h.start, h.end) for h in hits if h.field == field})
    start = max(0, spans[0][0] - _SNIPPET)
    end = min(len(text), spans[0][1] + _SNIPPET)
    out, pos = [Span("…")] if start else [], start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out += [Span(_oneline(text[pos:s])), Span(_oneline(text[s:e]), bold=True)]
        pos = e
    out.append(Span(_oneline(text[pos:end]) + ("…" if end < len(text) else "")))
    return tuple(x for x in out if x.text)


def _oneline(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def digest_messages(
    alerts: Sequence[Delivery], rule: str | None, limit: int
) -> list[tuple[list[Delivery], Message]]:
    """Held alerts as messages listing every headline, each at most LIMIT characters, every
    headline in exactly one of them: a flood's overflow, or a rule's scheduled digest. Returns
    each part with the alerts it lists."""
    items = []
    for alert in alerts:
        article = alert.payload.article
        headline = cut(" ".join((article.title or "(no headline)").split()), 300)
        url = safe_url(article.url)
        lead = event_lead(alert.payload)
        line = (Span(f"- {lead}"), Span(headline, url=url), Span(f" ({alert.rule})"))
        # Services count what the reader sees, which the plain text is (and a line end).
        size = len(Message("", (Paragraph(line),)).plain()) + 1
        items.append((alert, line, size))
    parts: list[list[tuple[Delivery, tuple[Span, ...], int]]] = [[]]
    for item in items:
        if parts[-1] and sum(x[2] for x in parts[-1]) + item[2] > limit:
            parts.append([])
        parts[-1].append(item)
    out = []
    for number, part in enumerate(parts, 1):
        of = f" ({number}/{len(parts)})" if len(parts) > 1 else ""
        title = (
            f"[DIGEST] {rule}: {len(alerts)} alerts{of}"
            if rule
            else f"[DIGEST] {len(alerts)} more alerts{of}"
        )
        spans = [s for i, (_, line, _) in enumerate(part) for s in (Span("\n"),) * bool(i) + line]
        out.append(([a for a, _, _ in part], Message(title, (Paragraph(tuple(spans)),))))
    return out
