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
    lines.append("")
    lines.append(f"Hits ({len(result.hits)}):" if result.hits else "Hits: none")
    for hit in result.hits:
        lines.append(
            f"  {hit.watchlist}/{hit.entry}  alias {hit.alias!r}  score {hit.score:g}  "
            f"[{hit.field} {hit.start}-{hit.end}]"
        )
        lines.append(f"      {in_context(article.text(hit.field), [hit], mark)}")
    lines.append("")
    lines.append("Rules:")
    for rule in result.rules:
        verdict = "FIRED" if rule.fired else "not fired"
        lines.append(f"  {'✔' if rule.fired else '✘'} {rule.rule}: {verdict} — {rule.reason}")
        for c in rule.conditions:
            entries = ", ".join(dict.fromkeys(h.entry for h in c.hits)) or "no hit"
            state = "vetoed" if c.group == "none" and c.ok else ("ok" if c.ok else "missing")
            if c.group == "none" and not c.ok:
                state = "ok"
            lines.append(f"      {c.group:<4} {c.watchlist}: {state} ({entries})")
        if rule.fired and rule.evidence:
            field = rule.evidence[0].field
            same = [h for h in rule.evidence if h.field == field]
            lines.append(
                f"      evidence ({field}): {in_context(result.article.text(field), same, mark)}"
            )
    return "\n".join(lines)


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
