"""Decide whether a rule fires on an article's hits. Pure: no I/O, no state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from monitor.config.model import Condition, Rule
from monitor.models import Article, ConditionResult, Event, Field, Hit, RuleResult
from monitor.text.segments import Segments


def evaluate_all(
    rules: Sequence[Rule],
    article: Article,
    hits: Sequence[Hit],
    events: Sequence[Event] = (),
) -> list[RuleResult]:
    """Every rule's verdict. A rule with `unless_fired` stays silent where one of those rules
    fired: a story that is already a country alert is not told again as an entity alert. The list
    names in the article ride along with whichever rule fired, so the alert still says who."""
    grouped = _by_watchlist(hits)
    results = [evaluate(rule, article, hits, grouped, events) for rule in rules]
    fired = {r.rule for r in results if r.fired}
    listed = tuple(h for h in hits if h.ref is not None)
    out = []
    for rule, result in zip(rules, results, strict=True):
        if not result.fired:
            out.append(result)
            continue
        silenced = [n for n in rule.unless_fired if n in fired]
        if silenced:
            out.append(replace(result, fired=False, reason=f"silent: {silenced[0]} fired"))
            continue
        extra = tuple(h for h in listed if h not in result.evidence)
        out.append(replace(result, evidence=result.evidence + extra) if extra else result)
    return out


def evaluate(
    rule: Rule,
    article: Article,
    hits: Sequence[Hit],
    grouped: Mapping[str, Sequence[Hit]] | None = None,
    events: Sequence[Event] = (),
) -> RuleResult:
    """One rule's verdict; `grouped` is the hits by watchlist, when the caller has them."""
    if not rule.all and not rule.any:
        return RuleResult(rule.name, False, "reports list changes, not articles")
    if grouped is None:
        grouped = _by_watchlist(hits)
    results = tuple(
        _condition(group, c, hits, grouped, rule.min_score)
        for group, conditions in (("all", rule.all), ("any", rule.any), ("none", rule.none))
        for c in conditions
    )
    by_group = {g: [r for r in results if r.group == g] for g in ("all", "any", "none")}
    missing = [r.watchlist for r in by_group["all"] if not r.ok]
    if missing:
        return RuleResult(rule.name, False, f"no hit for {_names(missing)}", results)
    if by_group["any"] and not any(r.ok for r in by_group["any"]):
        return RuleResult(
            rule.name,
            False,
            f"no hit for any of {_names(r.watchlist for r in by_group['any'])}",
            results,
        )
    vetoes = [r for r in by_group["none"] if r.ok]
    if vetoes:
        seen = ", ".join(sorted({h.text for r in vetoes for h in r.hits}))
        return RuleResult(
            rule.name, False, f"vetoed by {_names(r.watchlist for r in vetoes)} ({seen})", results
        )
    evidence: tuple[Hit, ...] = tuple(h for r in results if r.group != "none" for h in r.hits)
    if rule.within is not None and len(rule.all) > 0:
        group = _close_group(rule, article, [list(r.hits) for r in by_group["all"]])
        if group is None:
            where = "the same sentence" if rule.within == "sentence" else f"{rule.within} words"
            return RuleResult(
                rule.name,
                False,
                f"{_names(r.watchlist for r in by_group['all'])} never within {where}",
                results,
            )
        evidence = group
    if rule.selects_events and not any(_selected(rule, e) for e in events):
        return RuleResult(rule.name, False, f"no event {_wanted(rule)}", results)
    found = "; ".join(
        f"{r.watchlist}: {', '.join(_entries(r.hits))}"
        for r in results
        if r.ok and r.group != "none"
    )
    return RuleResult(rule.name, True, found, results, evidence)


def _by_watchlist(hits: Sequence[Hit]) -> dict[str, list[Hit]]:
    grouped: dict[str, list[Hit]] = {}
    for h in hits:
        grouped.setdefault(h.watchlist, []).append(h)
    return grouped


def _condition(
    group: str,
    c: Condition,
    hits: Sequence[Hit],
    grouped: Mapping[str, Sequence[Hit]],
    min_score: float,
) -> ConditionResult:
    floor = min_score if c.min_score is None else c.min_score
    # The hits of its watchlist, in order; of several with hits, the article's hits filtered.
    present = [w for w in c.watchlists if w in grouped]
    seen = grouped[present[0]] if len(present) == 1 else hits if present else ()
    taken = tuple(
        h
        for h in seen
        if h.watchlist in c.watchlists
        and h.field in c.fields
        and h.score >= floor
        and (not c.entries or h.entry in c.entries)
    )
    ok = len({h.entry for h in taken}) >= c.min_count
    return ConditionResult(group, c.watchlist, ok, taken)  # type: ignore[arg-type]


def _close_group(
    rule: Rule, article: Article, per_condition: list[list[Hit]]
) -> tuple[Hit, ...] | None:
    """Hits of every `all` condition inside one sentence, or within `within` words of a hit of
    the first condition; None when there is no such place."""
    segments = {f: Segments.of(article.text(f)) for f in ("title", "body")}
    counts = [c.min_count for c in rule.all]
    sentence = rule.within == "sentence"

    def place(hit: Hit) -> tuple[Field, int]:
        seg = segments[hit.field]
        return hit.field, seg.sentence(hit.start) if sentence else seg.word(hit.start)

    # Each condition's hits by their place, found once: a sentence's are then one look-up.
    placed: list[dict[tuple[Field, int], list[Hit]]] = []
    for hits in per_condition:
        by_place: dict[tuple[Field, int], list[Hit]] = {}
        for h in hits:
            by_place.setdefault(place(h), []).append(h)
        placed.append(by_place)
    for field, where in placed[0]:  # the first condition's places, in the order of its hits
        group: list[Hit] = []
        for by_place, count in zip(placed, counts, strict=True):
            if sentence:
                near = by_place.get((field, where), [])
            else:
                near = [
                    h
                    for p, hs in by_place.items()
                    for h in hs
                    if _is_near(p, field, where, int(rule.within or 0))
                ]
            if len({h.entry for h in near}) < count:
                break
            group.extend(near)
        else:
            return tuple(dict.fromkeys(group))
    return None


def _is_near(place: tuple[Field, int], field: Field, where: int, words: int) -> bool:
    return place[0] == field and abs(place[1] - where) <= words


def _selected(rule: Rule, event: Event) -> bool:
    return (
        (not rule.events or event.type in rule.events)
        and (not rule.imposers or not rule.imposers.isdisjoint(event.imposers))
        and (not rule.targets or not rule.targets.isdisjoint(event.targets))
    )


def _wanted(rule: Rule) -> str:
    parts = [
        f"{what} {' or '.join(sorted(given))}"
        for what, given in (("of type", rule.events), ("by", rule.imposers), ("on", rule.targets))
        if given
    ]
    return " ".join(parts)


def _names(watchlists: Iterable[str]) -> str:
    return " and ".join(dict.fromkeys(watchlists))


def _entries(hits: Iterable[Hit]) -> list[str]:
    texts: dict[str, list[str]] = {}
    for h in hits:
        texts.setdefault(h.entry, [])
        if h.text.casefold() != h.entry.casefold() and h.text not in texts[h.entry]:
            texts[h.entry].append(h.text)
    return [f"{e} ({', '.join(t[:3])})" if t else e for e, t in texts.items()]
