"""One pass of the work, as `once`, `run` and `lists refresh` all drive it: refresh the lists
that are due -> poll the sources -> deliver what is due.

`once` runs the three steps one time each, in that order (arq's burst mode); `run` schedules
them (daemon.py) and does nothing else. Deliveries have one consumer per process: a pass asked
for while one runs is folded into it (the running pass goes round again), so that alerts raised
by many polls at once never meet two passes sending the same rows. Across processes the state
lock (store/lock.py) keeps one writer per folder, and each delivery is still claimed in the store
before it is sent (notify/deliver.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable

from monitor.config import Config, Source
from monitor.lists import snapshots
from monitor.lists.refresh import Refreshed, refresh_due
from monitor.notify.console import announce
from monitor.notify.deliver import Delivered, deliver_due
from monitor.notify.ops import check_lists, check_sources, tell
from monitor.pipeline import Monitor, PollReport
from monitor.sources.fetch import Fetcher
from monitor.store import Store, StoreError

log = logging.getLogger("monitor")


class Cycle:
    def __init__(self, config: Config, store: Store, fetcher: Fetcher):
        self.config = config
        self.store = store
        self.fetcher = fetcher
        self.monitor = Monitor.from_store(config, store, fetcher)
        # A cycle runs under the state folder's lock: a claim left in the store is of a
        # process that died mid-send, and its delivery is due again now, not when it expires.
        store.release_claims()
        self.refreshed: list[Refreshed] = []  # the outcome of the last list refresh
        self._delivering = asyncio.Lock()
        self._again = False
        self._refreshing = asyncio.Lock()  # never two refreshes of a list at once

    def use(self, config: Config) -> None:
        """New rules: the matcher is rebuilt, the next steps follow them."""
        self.config = config
        self.monitor.rebuild(config)

    async def refresh_lists(self, names: list[str] | None = None) -> dict[str, int]:
        """Refresh the lists that are due (or NAMES, due or not); a new version rebuilds the
        matcher and raises its list-change alerts. Returns the alerts raised, per list."""
        if self._refreshing.locked():
            return {}  # the refresh under way covers it
        async with self._refreshing:
            return await self._refresh_lists(names)

    async def _refresh_lists(self, names: list[str] | None) -> dict[str, int]:
        leftover = self.raise_list_changes()  # of a version saved just before an interruption
        results = await refresh_due(self.config, self.store, self.fetcher, names)
        for result in results:
            (log.info if result.version or result.message == "unchanged" else log.warning)(
                "list %s: %s", result.name, result.message
            )
        self.refreshed = results
        if any(r.version for r in results):
            self.monitor.rebuild(self.config)
        return dict(Counter(leftover) + Counter(self.raise_list_changes()))

    def raise_list_changes(self) -> dict[str, int]:
        """The list-change alerts of every stored version whose change has not been raised yet.

        Derived from the stored versions, not from the refresh that saved them: a kill between
        the new version and its alerts loses nothing, the next pass raises them (and an alert
        already recorded is not recorded again)."""
        raised: dict[str, int] = {}
        try:
            for name, version in self.store.untold_list_changes():
                count = self.monitor.record_list_change(name, version)
                self.store.mark_list_change_told(name, version)
                raised[name] = raised.get(name, 0) + count
        except StoreError as e:
            log.error("list changes: %s", e)
        return raised

    def lists_missing(self) -> bool:
        """Some imported list has no version yet (a fresh state folder)."""
        return any(
            snapshots.latest_version(self.store, name) is None
            for name, wl in self.config.watchlists.items()
            if wl.imports
        )

    async def poll(self, source: Source) -> PollReport:
        return await self.monitor.poll(source)

    async def deliver(self) -> None:
        """Print what has no target, send what is due, tell ops of what went wrong; never
        raises (the daemon goes on). One pass at a time: asked again meanwhile, it goes round
        once more when done."""
        if self._delivering.locked():
            self._again = True
            return
        async with self._delivering:
            self._again = True
            while self._again:
                self._again = False
                await self._deliver_once()

    async def _deliver_once(self) -> None:
        config, store = self.config, self.store
        try:
            announce(store)
            result = await deliver_due(
                store, config, gave_up=lambda text: tell(config, f"OPS: {text}")
            )
            if result != Delivered():
                log.info(
                    "deliveries: %d sent, %d to retry, %d failed, %d held for %d digests",
                    result.sent,
                    result.retrying,
                    result.failed,
                    result.held,
                    result.digests,
                )
            await check_sources(store, config)
            await check_lists(store, config)
        except StoreError as e:
            log.error("%s", e)
        except Exception:  # the delivery boundary: a bug here must not stop the polling
            log.exception("delivery: unexpected error")

    async def once(self, report: Callable[[PollReport], None]) -> int:
        """Each step one time: the number of new alerts (list changes and articles)."""
        raised = sum((await self.refresh_lists()).values())
        polls = [asyncio.ensure_future(self.poll(s)) for s in self.config.sources]
        for finished in asyncio.as_completed(polls):
            result = await finished
            raised += len(result.alerts)
            report(result)
        await self.deliver()
        self.store.prune(self.config.settings.retention)
        return raised
