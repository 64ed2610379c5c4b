"""CPU-bound work (parsing a feed, matching an article) off the event loop.

The daemon's loop must stay free for timers, `/healthz` and signals: a feed of 100,000 items
parsed on it would stall every fetch's timeout and a stop. The work runs in one worker thread,
in order; the thread is a daemon thread, so a stop that gives up on a long parse is not held
back by it at exit (a ThreadPoolExecutor's threads are joined at exit).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

_jobs: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]] = (
    queue.SimpleQueue()
)
_started = threading.Lock()
_thread: threading.Thread | None = None


async def in_worker(function: Callable[..., T], *args: Any) -> T:
    """FUNCTION(*ARGS) in the worker thread; cancelling the wait leaves the call to finish."""
    global _thread
    with _started:
        if _thread is None:
            _thread = threading.Thread(target=_work, name="monitor-worker", daemon=True)
            _thread.start()
    future: Future[T] = Future()
    _jobs.put((future, function, args))
    return await asyncio.wrap_future(future)


def _work() -> None:
    while True:
        future, function, args = _jobs.get()
        if not future.set_running_or_notify_cancel():
            continue  # its caller gave up before it started
        try:
            future.set_result(function(*args))
        except BaseException as e:  # handed to the caller, whatever it is
            future.set_exception(e)
