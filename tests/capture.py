"""A capture endpoint on 127.0.0.1 for `json://` notifications: it records every request body
and answers with the status codes a test scripts (say 500 three times, then 200)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from monitor.models import EVENT_TYPES

_TYPES = "|".join(t.replace("_", " ").upper() for t in EVENT_TYPES)
_LEAD = re.compile(rf"^(?:\[[A-Z]+\] )?(?:- )?(?:(?:{_TYPES})(?: · [^:]+)?: )?")


def headline_of(title: str) -> str:
    """The headline in a message's title or a digest's line, without the severity and the
    event that lead it (`[HIGH] LIFTED · United States → Syria: `)."""
    return _LEAD.sub("", title, count=1)


class CaptureServer:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []  # JSON bodies that were answered 2xx
        self.attempts = 0
        self.statuses: list[int] = []  # answered in order, then 200 for ever
        self.delay = 0.0  # seconds before answering: a slow service, for kills mid-send
        self.retry_after: str | None = None  # sent with 429 and 503 answers
        self._lock = threading.Condition()
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with capture._lock:
                    capture.attempts += 1
                    status = capture.statuses.pop(0) if capture.statuses else 200
                    capture._lock.notify_all()
                if capture.delay:
                    time.sleep(capture.delay)  # the service is slow to acknowledge
                with capture._lock:
                    if status < 300:
                        capture.received.append(json.loads(body or b"{}"))
                    capture._lock.notify_all()
                self.send_response(status)
                if status in (429, 503) and capture.retry_after:
                    self.send_header("Retry-After", capture.retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: tests read `received`

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_until(self, done: Callable[[CaptureServer], bool], timeout: float = 30.0) -> bool:
        """Block until `done(self)` holds (checked on every request), or the timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: done(self), timeout)

    def url(self, path: str = "/hook") -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    server = CaptureServer()
    yield server
    server.close()
