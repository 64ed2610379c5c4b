"""The one place where the stages meet: source -> articles -> hits -> rules -> store."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor import cached, index_cache, metrics
from monitor.config import Config, Source, load_config
from monitor.events import CUES, events_of
from monitor.lists import snapshots
from monitor.lists.model import ListEntity
from monitor.lists.watchlist import stored_lists, with_lists
from monitor.matching import Matcher
from monitor.models import Article, ListChange, MatchResult, RuleResult
from monitor.notify.deliver import targets_of
from monitor.rules import evaluate_all
from monitor.sources.canonical import canonical_url
from monitor.sources.fetch import Fetcher, FetchError
from monitor.sources.parse import ParseError
from monitor.sources.poll import needs_body, poll, with_body
from monitor.store import Store, StoreError
from monitor.store.store import DB_NAME
from monitor.stories import story_key
from monitor.worker import in_worker

log = logging.getLogger("monitor")
SHOWN_CHANGES = 10  # entries a list-change alert names of each kind (added, removed, changed)


class Pipeline:
    """Compiled rules. Building one indexes every alias; reuse it for many articles."""

    def __init__(
        self,
        config: Config,
        lists: Mapping[str, Sequence[ListEntity]] | None = None,
        matcher: Matcher | None = None,
    ):
        self.config = config
        self.matcher = matcher or Matcher(with_lists(config, lists or {}))
        # Imported lists with no entries to match: never refreshed into this state folder.
        self.unloaded = tuple(
            name
            for name, wl in config.watchlists.items()
            if wl.imports and name not in (lists or {})
        )

    @classmethod
    def from_cache(cls, config: Config) -> Pipeline:
        """Without lists: the compiled index of the rules and built-in data alone, from the
        user's cache folder while they are the same."""
        wanted = index_cache.key(config, {})
        folder = cached.user_folder()
        matcher = index_cache.load(folder, wanted)
        if matcher is None:
            matcher = Matcher(with_lists(config, {}))
            index_cache.save(folder, wanted, matcher)
        return cls(config, matcher=matcher)

    @classmethod
    def from_store(cls, config: Config, store: Store) -> Pipeline:
        """With the last good snapshot of every imported list. The compiled index is read from
        the state folder when neither the watchlists nor a list's version has changed."""
        versions = {
            name: (snapshots.latest_version(store, name) or {}).get("sha256")
            for name, wl in config.watchlists.items()
            if wl.imports
        }
        if not versions:
            return cls.from_cache(config)
        wanted = index_cache.key(config, versions)
        folder = store.path.parent
        matcher = index_cache.load(folder, wanted)
        if matcher is None:
            matcher = Matcher(with_lists(config, stored_lists(config, store)))
            index_cache.save(folder, wanted, matcher)
        pipeline = cls(config, matcher=matcher)
        pipeline.unloaded = tuple(name for name, version in versions.items() if version is None)
        return pipeline

    @classmethod
    def from_file(cls, path: str | Path, state_dir: Path | None = None) -> Pipeline:
        """The rules, with imported lists from the last good snapshots in `state_dir` (never
        downloaded here: `lists refresh`, `once` and `run` do that)."""
        config = load_config(path)
        if state_dir is None or not (state_dir / DB_NAME).exists():
            return cls.from_cache(config)
        store = Store(state_dir)
        try:
            return cls.from_store(config, store)
        finally:
            store.close()

    def match(self, article: Article) -> MatchResult:
        found = self.matcher.find(article)
        events = events_of(article, found)
        # The cues have told the events; the hits are what the article names.
        hits = tuple(h for h in found if h.watchlist != CUES)
        rules = tuple(evaluate_all(self.config.rules, article, hits, events))
        return MatchResult(article, hits, rules, events)


@dataclass(frozen=True)
class PollReport:
    """One poll of one source, as the log line and `status` tell it."""

    source: str
    new: int = 0
    matched: int = 0
    alerts: tuple[tuple[str, int], ...] = ()  # (rule, alert id) raised
    not_modified: bool = False
    error: str | None = None
    seconds: float = 0.0

    def line(self) -> str:
        took = f"{self.seconds:.2f}s"
        if self.error:
            return f"{self.source}: FAILED after {took}: {self.error}"
        if self.not_modified:
            return f"{self.source}: not modified ({took})"
        return (
            f"{self.source}: {self.new} new, {self.matched} matched, "
            f"{len(self.alerts)} alert{'s' if len(self.alerts) != 1 else ''} ({took})"
        )


class Monitor:
    """Polling, matching and recording: what `once` and `run` do, one source at a time.

    Every failure of a source (network, parse, store) is caught here and returned in its
    report, so that one source never stops or delays the others."""

    def __init__(self, pipeline: Pipeline, store: Store, fetcher: Fetcher):
        self.store = store
        self.fetcher = fetcher
        self._use(pipeline)

    @classmethod
    def from_store(cls, config: Config, store: Store, fetcher: Fetcher) -> Monitor:
        """A monitor whose matcher includes the last good snapshot of every imported list."""
        return cls(Pipeline.from_store(config, store), store, fetcher)

    def rebuild(self, config: Config) -> None:
        """New rules or a new list version. The old index is let go before the new one is
        built, so that two are never in memory together: nothing else runs meanwhile (the build
        does not yield to the event loop), and polls under way go on with the new one."""
        self._use(Pipeline(config, matcher=Matcher({})))
        try:
            self._use(Pipeline.from_store(config, self.store))
        except StoreError as e:
            log.error("%s: the official lists are left out until the next rebuild", e)
            self._use(Pipeline(config))

    def _use(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self._targets = targets_of(pipeline.config)
        self._digest_rules = frozenset(r.name for r in pipeline.config.rules if r.digest)

    @property
    def config(self) -> Config:
        return self.pipeline.config

    async def poll(self, source: Source) -> PollReport:
        started = time.monotonic()
        state = self.store.source_state(source.name)
        try:
            polled = await poll(source, self.fetcher, state.get("etag"), state.get("last_modified"))
            new, matched, alerts = await self._record(source, polled.articles)
        except (FetchError, ParseError, StoreError) as e:
            return self._failed(source, state, str(e), started, getattr(e, "retry_after", None))
        except Exception as e:  # the per-source boundary: a bug must not kill the daemon
            log.exception("%s: unexpected error", source.name)
            return self._failed(source, state, f"internal error: {type(e).__name__}", started)
        outcome = "not_modified" if polled.not_modified else "ok"
        metrics.POLLS.labels(source.name, outcome).inc()
        metrics.ARTICLES.labels(source.name).inc(new)
        metrics.POLL_SECONDS.observe(time.monotonic() - started)
        self.store.record_poll(
            source.name,
            error=None,
            etag=polled.etag,
            last_modified=polled.last_modified,
            new_articles=new,
            new_alerts=len(alerts),
        )
        return PollReport(
            source.name,
            new,
            matched,
            tuple(alerts),
            polled.not_modified,
            seconds=time.monotonic() - started,
        )

    def _failed(
        self,
        source: Source,
        state: dict[str, Any],
        error: str,
        started: float,
        retry_after: datetime | None = None,
    ) -> PollReport:
        failures = int(state.get("error_count") or 0) + 1
        interval = source.interval or self.config.settings.interval
        delay = min(interval * 2 ** (failures - 1), self.config.settings.max_backoff)
        until = datetime.now(UTC) + timedelta(seconds=delay * random.uniform(0.8, 1.2))
        if retry_after is not None:
            until = max(until, retry_after)
        metrics.POLLS.labels(source.name, "error").inc()
        try:
            self.store.record_poll(source.name, error=error, backoff_until=until)
        except StoreError as e:
            log.error("%s: cannot record the failure: %s", source.name, e)
        return PollReport(source.name, error=error, seconds=time.monotonic() - started)

    async def _record(
        self, source: Source, articles: list[Article]
    ) -> tuple[int, int, list[tuple[str, int]]]:
        new = matched = 0
        alerts: list[tuple[str, int]] = []
        severities = {r.name: r.severity for r in self.config.rules}
        # Identities from the feed's own text, so that they are stable from poll to poll.
        keyed = [(a, story_key(a), canonical_url(a.url) if a.url else None) for a in articles]
        known = self.store.known(
            source.name,
            [a.guid for a, _, _ in keyed if a.guid],
            [c for _, _, c in keyed if c],
            [k.fingerprint for _, k, _ in keyed],
        )
        for i, (article, key, canonical) in enumerate(keyed):
            seen = known.get(article.guid, canonical, key.fingerprint)
            if seen is not None and seen.fingerprint == key.fingerprint:
                continue
            article = replace(article, id=article.guid or article.url or f"{source.name}#{i}")
            # A page is fetched only for items whose headline or summary already names
            # something on a watchlist: a feed of 50 summaries costs 2-3 page fetches, not 50.
            pipeline = self.pipeline  # the same one throughout, should a reload swap it
            named = needs_body(article, source) and bool(
                await in_worker(pipeline.matcher.find, article)
            )
            if named:
                try:
                    article = await with_body(article, source, self.fetcher)
                except (FetchError, ParseError) as e:
                    log.info("%s: using the summary of %s: %s", source.name, article.id, e)
            result = await in_worker(pipeline.match, article)
            new += seen is None
            matched += bool(result.fired)
            for rule in result.fired:
                metrics.MATCHES.labels(rule).inc()
            recorded = self.store.record(
                source.name,
                article,
                key,
                canonical,
                result,
                severities,
                self.config.settings.story_window,
                seen,
                self._targets,
                self._digest_rules,
            )
            alerts.extend((rule, recorded.story_id or 0) for rule in recorded.new_alerts)
            for rule in recorded.new_alerts:
                metrics.ALERTS.labels(rule).inc()
        return new, matched, alerts

    def record_list_change(self, name: str, version: int) -> int:
        """One alert per rule that reports changes of list `name`: what the new version added,
        removed and changed (under the rule's programs). Returns the alerts raised."""
        change = snapshots.diff(self.store, name, version)
        source = f"list:{name}"
        rules = [r for r in self.config.rules if name in r.list_changes]
        guids = {r.name: f"{name}:v{version}:{r.name}" for r in rules}
        told = self.store.known(source, list(guids.values()), [], []).by_guid
        raised = 0
        for rule in rules:
            if guids[rule.name] in told:
                continue  # raised before an interruption: never twice
            wanted = rule.list_programs

            def kept(e: ListEntity, wanted: frozenset[str] = wanted) -> bool:
                return not wanted or bool(wanted & set(e.programs))

            added = [e for e in change.added if kept(e)]
            removed = [e for e in change.removed if kept(e)]
            changed = [new for old, new in change.changed if kept(new) or kept(old)]
            if not (added or removed or changed):
                continue
            programs = sorted({p for e in added for p in e.programs if not wanted or p in wanted})
            under = f" under {', '.join(programs[:5])}" if programs else ""
            title = (
                f"{name}: {len(added)} {'entry' if len(added) == 1 else 'entries'} added{under}, "
                f"{len(removed)} removed, "
                f"{len(changed)} changed (version {version})"
            )
            lines = [
                f"{label} {e.caption} ({', '.join(e.programs)}) {e.link or ''}".rstrip()
                for label, group in (
                    ("added:", added),
                    ("removed:", removed),
                    ("changed:", changed),
                )
                for e in group[:100]
            ]
            changes = tuple(
                ListChange(label, e.caption, e.programs, e.link)
                for label, group in (("added", added), ("removed", removed), ("changed", changed))
                for e in group[:SHOWN_CHANGES]
            )
            more = sum(max(0, len(g) - SHOWN_CHANGES) for g in (added, removed, changed))
            article = Article(
                id=f"{name}:v{version}",
                title=title,
                body="\n".join(lines),
                source=source,
                guid=guids[rule.name],
            )
            result = MatchResult(article, (), (RuleResult(rule.name, True, title),))
            recorded = self.store.record(
                source,
                article,
                story_key(article),
                None,
                result,
                {rule.name: rule.severity},
                0.0,
                None,
                self._targets,
                self._digest_rules,
                own_story=True,
                changes=changes,
                more_changes=more,
            )
            raised += len(recorded.new_alerts)
        return raised

    async def poll_all(self, sources: list[Source] | None = None) -> list[PollReport]:
        """Every source once, concurrently; a failing source fails alone."""
        chosen = list(self.config.sources if sources is None else sources)
        return list(await asyncio.gather(*(self.poll(s) for s in chosen)))
