"""The long-running daemon: it schedules the cycle's steps (cycle.py), reloads, and stops.

`run` holds the state folder's lock for its life, refreshes the lists that are due before the
first poll, then gives each source an APScheduler interval job (with jitter, never two polls of
one source at once, missed runs coalesced, the first poll at start), a delivery job (woken early
by a poll that raised alerts) and a list job; it reloads rules.yaml when it changes (the new file
is validated first; an invalid one is logged and the old rules keep running) and stops cleanly
on SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import Config, Source, load_config
from monitor.cycle import Cycle
from monitor.errors import ConfigError, SettingError
from monitor.health import HealthServer
from monitor.pipeline import PollReport
from monitor.sources.fetch import Fetcher
from monitor.store import StateLock, Store, StoreError

log = logging.getLogger("monitor")
RELOAD_CHECK = 5.0  # seconds between looks at rules.yaml's modification time
PRUNE_EVERY = 6 * 3600.0
DELIVERY_CHECK = 10.0  # seconds between looks at the outbox for retries that are due
LIST_CHECK = 600.0  # seconds between looks for lists due for a refresh
STOP_GRACE = 7.0  # seconds work under way may take to finish after SIGTERM (all within 10)


async def run_once(config: Config, state_dir: Path, report: Callable[[PollReport], None]) -> int:
    """One cycle (lists, every source, deliveries) under the state folder's lock; the number
    of new alerts. Raises StateBusy when another process writes to the folder."""
    with StateLock(state_dir, "once"):
        store = Store(state_dir)
        fetcher = Fetcher(config.settings)
        try:
            return await Cycle(config, store, fetcher).once(report)
        finally:
            await fetcher.aclose()
            store.close()


class Daemon:
    def __init__(self, rules_path: Path, state_dir: Path, config: Config, http: str | None = None):
        self.rules_path = rules_path
        self.http = http  # host:port of /healthz and /metrics, or None
        self.config = config
        self.lock = StateLock(state_dir, "run")
        self.lock.acquire()  # before anything is written: a second daemon stops here
        self.store = Store(state_dir)
        self.fetcher = Fetcher(config.settings)
        self.cycle = Cycle(config, self.store, self.fetcher)
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.stopping = asyncio.Event()
        self.polls = self.failures = self.alerts = 0
        self.started = datetime.now(UTC)
        self.last_cycle: datetime | None = None  # the end of the last poll
        self.last_success: datetime | None = None
        self._mtime = self._rules_mtime()
        self._work: set[asyncio.Task[None]] = set()  # polls and deliveries under way

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop, sig)
        health = HealthServer(self.health)
        if self.http:
            try:
                await health.start(self.http)  # before the first poll: a taken port stops here
            except SettingError:
                await self.fetcher.aclose()
                self.store.close()
                self.lock.release()
                raise
        if self.cycle.lists_missing():
            # A fresh state folder: the first polls wait for the lists (or a stop), so that
            # the names on them are already known.
            first = self._track(self._refresh_lists_now())
            stop = asyncio.ensure_future(self.stopping.wait())
            await asyncio.wait([first, stop], return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
        if not self.stopping.is_set():
            self._start_scheduler()
            await self.stopping.wait()
        await self._shut_down(health)

    def _start_scheduler(self) -> None:
        self._schedule(self.config.sources)
        self.scheduler.add_job(self._reload, IntervalTrigger(seconds=RELOAD_CHECK), id="reload")
        self.scheduler.add_job(self._prune, IntervalTrigger(seconds=PRUNE_EVERY), id="prune")
        for job, every in ((self._refresh_lists, LIST_CHECK), (self._deliver, DELIVERY_CHECK)):
            self.scheduler.add_job(
                job,
                IntervalTrigger(seconds=every),
                id=job.__name__.strip("_"),
                max_instances=1,
                coalesce=True,
                next_run_time=datetime.now(UTC),
            )
        self.scheduler.start()
        log.info(
            "watching %d sources with %d rules; state in %s",
            len(self.config.sources),
            len(self.config.rules),
            self.store.path,
        )

    async def _shut_down(self, health: HealthServer) -> None:
        """Stop scheduling, let work under way finish for a few seconds (a cancelled poll is
        simply polled again next time; an unacknowledged delivery stays in the outbox), close."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._work:
            _, late = await asyncio.wait(self._work, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await health.close()
        await self.fetcher.aclose()
        self.store.close()
        self.lock.release()
        log.info("stopped: %d polls, %d failed, %d alerts", self.polls, self.failures, self.alerts)

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Healthy: the scheduler runs, a poll succeeded lately, the store takes writes."""
        now = datetime.now(UTC)
        longest = max(
            [s.interval or self.config.settings.interval for s in self.config.sources] or [0]
        )
        blind_after = max(3 * longest, 3600.0)
        problems = []
        if not self.scheduler.running:
            problems.append("the scheduler is not running")
        if (
            self.config.sources
            and (now - (self.last_success or self.started)).total_seconds() > blind_after
        ):
            problems.append(f"no successful poll for more than {blind_after / 3600:g} h")
        try:
            self.store.check_writable()
            sources = self.store.sources()
            lists = self.store.list_states()
            pending = len(self.store.alerts(limit=10_000, status="pending"))
            failed = len(self.store.alerts(limit=10_000, status="failed"))
        except StoreError as e:
            problems.append(str(e))
            sources, lists, pending, failed = [], [], 0, 0
        details = {
            "problems": problems,
            "scheduler": "running" if self.scheduler.running else "stopped",
            "started": self.started.isoformat(timespec="seconds"),
            "last_cycle": self.last_cycle.isoformat(timespec="seconds")
            if self.last_cycle
            else None,
            "sources": {
                r["name"]: {
                    "last_success": r.get("last_success"),
                    "last_error": r.get("last_error"),
                    "error_count": r.get("error_count"),
                    "backoff_until": r.get("backoff_until"),
                }
                for r in sources
            },
            "lists": {
                r["list"]: {k: r[k] for k in ("version", "entities", "last_refresh", "last_error")}
                for r in lists
            },
            "alerts": {"pending": pending, "failed": failed},
        }
        return not problems, details

    def _track(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run `coroutine` as work under way, which a stop waits for (for a while)."""
        task = asyncio.ensure_future(coroutine)
        self._work.add(task)
        task.add_done_callback(self._work.discard)
        return task

    def _stop(self, sig: signal.Signals) -> None:
        log.info("%s received: stopping", sig.name)
        self.stopping.set()

    def _schedule(self, sources: tuple[Source, ...]) -> None:
        wanted = {s.name: s for s in sources}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("source:") and job.id[7:] not in wanted:
                job.remove()
        for source in sources:
            interval = source.interval or self.config.settings.interval
            self.scheduler.add_job(
                self._poll,
                IntervalTrigger(seconds=interval, jitter=self.config.settings.jitter),
                args=[source.name],
                id=f"source:{source.name}",
                replace_existing=True,
                max_instances=1,  # never two polls of one source at once
                coalesce=True,  # after a pause, one poll, not a burst of missed ones
                misfire_grace_time=None,
                next_run_time=datetime.now(UTC),
            )

    async def _poll(self, name: str) -> None:
        await _finished(self._track(self._poll_now(name)))

    async def _poll_now(self, name: str) -> None:
        source = next((s for s in self.config.sources if s.name == name), None)
        if source is None:
            return
        state = self.store.source_state(name)
        until = state.get("backoff_until")
        if until and datetime.fromisoformat(until) > datetime.now(UTC):
            return  # failing, or asked to wait: the backoff decides
        result = await self.cycle.poll(source)
        self.last_cycle = datetime.now(UTC)
        if result.error is None:
            self.last_success = self.last_cycle
        self.polls += 1
        self.failures += result.error is not None
        self.alerts += len(result.alerts)
        (log.warning if result.error else log.info)("%s", result.line())
        if result.alerts:
            await self.cycle.deliver()  # folded into the pass under way, if one is

    async def _refresh_lists(self) -> None:
        await _finished(self._track(self._refresh_lists_now()))

    async def _refresh_lists_now(self) -> None:
        if any((await self.cycle.refresh_lists()).values()):
            await self.cycle.deliver()

    async def _deliver(self) -> None:
        await _finished(self._track(self.cycle.deliver()))

    async def _reload(self) -> None:
        mtime = self._rules_mtime()
        if mtime == self._mtime:
            return
        self._mtime = mtime
        try:
            config = load_config(self.rules_path)
        except ConfigError as e:
            log.error(
                "%s changed but is invalid; the old rules keep running:\n%s", self.rules_path, e
            )
            return
        self.config = config
        self.cycle.use(config)
        self._schedule(config.sources)
        log.info(
            "reloaded %s: %d sources, %d rules",
            self.rules_path,
            len(config.sources),
            len(config.rules),
        )

    async def _prune(self) -> None:
        try:
            removed = self.store.prune(self.config.settings.retention)
            log.info("pruned %d old articles", removed)
        except StoreError as e:
            log.error("%s", e)

    def _rules_mtime(self) -> float:
        try:
            return self.rules_path.stat().st_mtime
        except OSError:
            return 0.0


async def _finished(task: asyncio.Task[None]) -> None:
    """Wait for `task`, work under way. A stop cancels the scheduler's jobs at once: the job
    ends quietly (no traceback to log) while the work, shielded, gets its grace period."""
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.shield(task)
