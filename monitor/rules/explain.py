"""A person's view of a match: every rule, fired or not and why, hits shown in context."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from monitor.models import Hit, MatchResult

Mark = Callable[[str], str]
_CONTEXT = 40  # characters of context on each side of a hit


def plain_mark(text: str) -> str:
    return f"«{text}»"


def ansi_mark(text: str) -> str:
    return f"\033[1;33m{text}\033[0m"


def explain(result: MatchResult, lang: str | None, mark: Mark = plain_mark) -> str:
    article = result.article
    lines = [f"Article {article.id}: {article.title or '(no title)'}"]
    lines.append(f"  language: {lang or 'unknown'}" + ("" if article.lang else " (detected)"))
    for i, event in enumerate(result.events):
        where = f"{event.field} {event.start}–{event.end}"
        lines.append(
            f"{'Event' if i == 0 else '  also'}: {event.summary()} (cue '{event.text}', {where})"
        )
    if not result.events:
        lines.append("Event: none (no sentence with a sanctions word)")
    lines.append("")
    lines.append("Rules:")
    for rule in result.rules:
        verdict = "FIRED" if rule.fired else "not fired"
        lines.append(f"  {'✔' if rule.fired else '✘'} {rule.rule}: {verdict} — {rule.reason}")
        for c in rule.conditions:
            entries = ", ".join(dict.fromkeys(h.entry for h in c.hits)) or "no hit"
            state = (
                ("vetoed" if c.ok else "ok") if c.group == "none" else ("ok" if c.ok else "missing")
            )
            lines.append(f"      {c.group:<4} {c.watchlist}: {state} ({entries})")
        if rule.fired and rule.evidence:
            field = rule.evidence[0].field
            same = [h for h in rule.evidence if h.field == field]
            lines.append(f"      evidence ({field}): {in_context(article.text(field), same, mark)}")
    lines.append("")
    lines.append(_hits_by_entry(result.hits, result, mark))
    return "\n".join(lines)


def _hits_by_entry(hits: Sequence[Hit], result: MatchResult, mark: Mark) -> str:
    """Hits grouped by watchlist entry: the words seen, how often, the first place in context."""
    if not hits:
        return "Hits: none"
    groups: dict[tuple[str, str], list[Hit]] = {}
    for hit in hits:
        groups.setdefault((hit.watchlist, hit.entry), []).append(hit)
    lines = [f"Hits ({len(hits)}):"]
    for (watchlist, entry), group in groups.items():
        seen = ", ".join(dict.fromkeys(map(_seen, group)))
        lines.append(f"  {watchlist}/{entry} ×{len(group)}: {seen}")
        first = group[0]
        where = in_context(result.article.text(first.field), [first], mark)
        lines.append(f"      {first.field} {first.start}-{first.end}: {where}")
    return "\n".join(lines)


def _seen(hit: Hit) -> str:
    weak = ", a weak name confirmed in its sentence" if hit.weak else ""
    origin = f", {hit.origin}" if hit.origin else ""
    return f"{hit.text!r} ({hit.alias}{origin}, {hit.score:g}{weak})"


def in_context(text: str, hits: Sequence[Hit], mark: Mark) -> str:
    """The stretch of `text` around `hits`, each hit marked, on one line."""
    spans = sorted({(h.start, h.end) for h in hits})
    start = max(0, spans[0][0] - _CONTEXT)
    end = min(len(text), spans[-1][1] + _CONTEXT)
    out, pos = [], start
    for s, e in spans:
        if s < pos:
            continue  # overlapping hits: the first one is marked
        out.append(text[pos:s])
        out.append(mark(text[s:e]))
        pos = e
    out.append(text[pos:end])
    snippet = " ".join("".join(out).split())
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")
