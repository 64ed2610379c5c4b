"""A real HTTP server on 127.0.0.1 that serves feeds, and misbehaves on request, for fetcher tests.

Modelled on httpx's own test server (tests/conftest.py in encode/httpx: a server run in a thread,
its URL handed to the test), but stdlib only: `http.server.ThreadingHTTPServer` in a daemon
thread, one thread per connection. Each test registers the routes it needs:

    with FeedServer() as server:
        url = server.route("/feed.xml", fixture_bytes("guardian_us_rss.xml"))
        server.hang("/stuck.xml")
        ...  # poll url with the real fetcher; assert on server.requests

Nothing here sleeps to synchronise: a test waits on the server's own signals (`wait_for_requests`,
`wait_idle`), and every slow or hanging handler waits on an Event that `close()` sets, so closing
is prompt whatever the handlers are doing.
"""

from __future__ import annotations

import contextlib
import hashlib
import select
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from gzip import compress as gzip_compress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, NamedTuple, cast

import pytest

from tests.shared import shared_bytes

# What the named bad behaviours send by default: a page and a feed of our own.
_OWN_PAGE = (
    b"<!DOCTYPE html><html><head><title>News portal</title>"
    b'<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>'
    b"<body><h1>News portal</h1><p>Read our feed instead.</p></body></html>"
)
_OWN_FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Drip</title>'
    b"<item><title>One byte at a time</title><link>http://127.0.0.1/drip</link></item>"
    b"</channel></rss>"
)

# How a route sends its response; the helper methods of FeedServer choose these for you.
Behaviour = Literal["normal", "hang", "slow_drip", "huge", "endless"]

HUGE_SIZE = 50 * 1024 * 1024  # "huge": 50 MiB announced and streamed
_CHUNK = 64 * 1024  # the unit huge and endless bodies are written in
_ITEM = b"<item><title>filler</title><description>" + b"x" * 200 + b"</description></item>\n"
# One reusable block of filler, built once per process: huge and endless write it again and
# again, so a 50 MB response never exists in memory.
_FILLER = _ITEM * (_CHUNK // len(_ITEM))
_NO_BODY_STATUSES = {204, 304}


class LoggedRequest(NamedTuple):
    """One request as the server received it; header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Route:
    """What the server answers on one path. Frozen: changes swap in a new Route atomically."""

    body: bytes
    status: int = 200
    content_type: str = "application/xml"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: datetime | None = None
    behaviour: Behaviour = "normal"
    auto_etag: bool = False  # the ETag follows the body (recomputed by set_body)
    interval: float = 0.5  # slow_drip: seconds between bytes; endless: between chunks
    size: int = HUGE_SIZE  # huge: bytes announced and sent


def fixture_bytes(name: str) -> bytes:
    """The bytes of the real feed or page NAME of ../shared/fixtures/feeds, exactly as published
    (see PROVENANCE.md there); a test that asks is skipped where that folder is absent."""
    return shared_bytes(f"feeds/{name}")


def billion_laughs(levels: int = 9, fanout: int = 10) -> bytes:
    """An RSS document whose one item title expands to `fanout ** levels` copies of "lol".

    With the defaults that is the classic "billion laughs" entity bomb: under 1 KB on the wire,
    3 GB once expanded. A feed parser must refuse entity declarations (or cap expansion);
    `billion_laughs(levels=3)` expands to a harmless 3,000 characters, for checking the document.
    """
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE rss [", '  <!ENTITY lol0 "lol">']
    for level in range(1, levels + 1):
        lines.append(f'  <!ENTITY lol{level} "{f"&lol{level - 1};" * fanout}">')
    lines += [
        "]>",
        '<rss version="2.0"><channel><title>Laughs</title><link>http://127.0.0.1/</link>',
        f"<item><title>&lol{levels};</title><link>http://127.0.0.1/lol</link></item>",
        "</channel></rss>",
        "",
    ]
    return "\n".join(lines).encode("ascii")


def http_date(moment: datetime) -> str:
    """An aware datetime as an HTTP-date (RFC 9110), e.g. 'Tue, 15 Nov 1994 08:12:31 GMT'."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _body_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def _etag_matches(if_none_match: str, etag: str) -> bool:
    # Weak comparison (RFC 9110 §13.1.2), which is what If-None-Match uses.
    def opaque(tag: str) -> str:
        return tag.strip().removeprefix("W/")

    candidates = [opaque(tag) for tag in if_none_match.split(",")]
    return "*" in candidates or opaque(etag) in candidates


def _not_modified_since(if_modified_since: str, last_modified: datetime) -> bool:
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unparsable date is ignored, as RFC 9110 §13.1.3 requires
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    # HTTP dates have whole seconds; compare at that precision.
    return last_modified.replace(microsecond=0) <= since


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that tracks its connections so FeedServer.close() can end them."""

    daemon_threads = True  # a handler that ever got stuck must not keep the test run alive

    def __init__(self, feed: FeedServer) -> None:
        self.feed = feed
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=f"feedserver-conn-{client_address[1]}",
            daemon=True,
        )
        with self.feed._changed:
            self.feed._connections[thread] = request
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        # ThreadingMixIn.process_request_thread, plus the bookkeeping close() and wait_idle() use.
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            with self.feed._changed:
                self.feed._connections.pop(threading.current_thread(), None)
                self.feed._changed.notify_all()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Kept, not printed: FeedServer.close() raises them so a broken helper fails the test.
        self.feed.errors.append(cast(BaseException, sys.exc_info()[1]))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive like real servers, and chunked for "endless"

    @property
    def feed(self) -> FeedServer:
        return cast(_HTTPServer, self.server).feed

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one stderr line per request would bury the test output

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError):
            # The client went away (an aborted download, a fetcher's timeout) or close() shut
            # the socket: both are what these tests provoke, not server faults.
            self.close_connection = True

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        self.feed._log(LoggedRequest(self.command, self.path, headers))

        route = self.feed._lookup(self.path)
        if route is None:
            route = Route(b"no route\n", status=404, content_type="text/plain")
        if route.behaviour == "hang":
            return self._hang()
        if route.behaviour == "normal" and self._not_modified(route, headers):
            return self._send_head(304, route, content_length=None)
        if route.behaviour == "huge":
            return self._huge(route, send_body)
        if route.behaviour == "endless":
            return self._endless(route, send_body)

        has_body = route.status not in _NO_BODY_STATUSES
        self._send_head(route.status, route, content_length=len(route.body) if has_body else None)
        if not (send_body and has_body):
            return
        if route.behaviour == "slow_drip":
            return self._slow_drip(route)
        self.wfile.write(route.body)

    def _not_modified(self, route: Route, headers: dict[str, str]) -> bool:
        if route.status != 200:
            return False
        if "if-none-match" in headers:
            # When both are sent, If-None-Match alone decides (RFC 9110 §13.1.3).
            return route.etag is not None and _etag_matches(headers["if-none-match"], route.etag)
        if "if-modified-since" in headers and route.last_modified is not None:
            return _not_modified_since(headers["if-modified-since"], route.last_modified)
        return False

    def _send_head(self, status: int, route: Route, *, content_length: int | None) -> None:
        self.send_response(status)
        # Defaults first; a route's own headers replace them name for name.
        fields = {} if status == 304 else {"Content-Type": route.content_type}
        if content_length is not None:
            fields["Content-Length"] = str(content_length)
        if route.etag is not None:
            fields["ETag"] = route.etag
        if route.last_modified is not None:
            fields["Last-Modified"] = http_date(route.last_modified)
        overrides = {name.lower() for name in route.headers}
        for name, value in fields.items():
            if name.lower() not in overrides:
                self.send_header(name, value)
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _hang(self) -> None:
        # Accepted, request read, and then nothing at all until the server closes. The wait is
        # sliced only to notice a client that gave up, so wait_idle() can see it leave.
        while not self.feed._closing.wait(0.05):
            if self._client_gone():
                break
        self.close_connection = True

    def _client_gone(self) -> bool:
        sock = self.connection
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            # Readable with nothing to read is the client's FIN; a pipelined request is not.
            return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
        except OSError:  # reset by the client
            return True

    def _slow_drip(self, route: Route) -> None:
        for index in range(len(route.body)):
            self.wfile.write(route.body[index : index + 1])
            if self.feed._closing.wait(route.interval):
                self.close_connection = True  # cut off mid-body: the connection is unusable
                return

    def _huge(self, route: Route, send_body: bool) -> None:
        head = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n'
        tail = b"</channel></rss>\n"
        self._send_head(200, route, content_length=route.size)
        if not send_body:
            return
        self.wfile.write(head)
        remaining = route.size - len(head) - len(tail)
        filler = memoryview(_FILLER)
        while remaining > 0:
            if self.feed._closing.is_set():
                self.close_connection = True
                return
            if remaining >= len(filler):
                self.wfile.write(filler)
                remaining -= len(filler)
            else:
                # Whitespace, not a cut item, so a client that reads it all gets well-formed XML.
                self.wfile.write(b" " * remaining)
                remaining = 0
        self.wfile.write(tail)

    def _endless(self, route: Route, send_body: bool) -> None:
        route = replace(route, headers={**route.headers, "Transfer-Encoding": "chunked"})
        self._send_head(200, route, content_length=None)
        self.close_connection = True  # the response never ends, so neither can the connection
        if not send_body:
            return
        first = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n'
        self.wfile.write(b"%x\r\n%b\r\n" % (len(first), first))
        chunk = b"%x\r\n%b\r\n" % (len(_FILLER), _FILLER)
        while not self.feed._closing.is_set():
            self.wfile.write(chunk)  # raises once the client has gone: handle() ends us
            if route.interval > 0 and self.feed._closing.wait(route.interval):
                return


class FeedServer:
    """An HTTP server on 127.0.0.1 (a free port) serving routes registered by the test.

    Use it as a context manager, or through the `feed_server` fixture. Every route method
    returns the route's absolute URL. `requests` logs each request received, in order.
    """

    def __init__(self) -> None:
        self.requests: list[LoggedRequest] = []
        self.errors: list[BaseException] = []  # unexpected handler exceptions; close() raises
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition()  # notified on each request and connection end
        self._connections: dict[threading.Thread, socket.socket] = {}
        self._closing = threading.Event()  # set by close(): every waiting handler wakes on it
        self._closed = False
        # Bound (and listening) here, so url() works and connections queue before start().
        self._httpd = _HTTPServer(self)
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FeedServer:
        """Serve in a daemon thread; returns self."""
        if self._thread is None:
            # A short poll interval keeps close() prompt: shutdown() waits for the next poll.
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.01},
                name="feedserver",
                daemon=True,
            )
            self._thread.start()
        return self

    def close(self, timeout: float = 2.0) -> None:
        """Stop serving and end every connection, even ones whose handler hangs or streams.

        Raises RuntimeError if a handler thread outlives `timeout` or a handler failed.
        """
        if self._closed:
            return
        self._closed = True
        self._closing.set()  # hang, slow_drip, huge and endless handlers stop on this
        if self._thread is not None:
            self._httpd.shutdown()  # no new connections after this returns
            self._thread.join()
        with self._changed:
            open_sockets = list(self._connections.values())
        for sock in open_sockets:
            # Unblocks a handler stuck reading (an idle keep-alive connection) or writing (a
            # client that stopped reading): both calls now fail or return at once.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        with self._changed:
            stopped = self._changed.wait_for(lambda: not self._connections, timeout)
        self._httpd.server_close()
        if not stopped:
            raise RuntimeError(f"feed server: handlers still running after {timeout} s")
        self.raise_errors()

    def raise_errors(self) -> None:
        """Raise the first unexpected handler exception, if any (client disconnects are not)."""
        if self.errors:
            raise RuntimeError(f"feed server handler failed: {self.errors!r}") from self.errors[0]

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            # The test already failed: report that, not the server's view of it.
            with contextlib.suppress(RuntimeError):
                self.close()

    # -- addresses and waiting -------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._httpd.server_port

    def url(self, path: str = "/") -> str:
        """The absolute URL of PATH on this server, e.g. http://127.0.0.1:40123/feed.xml."""
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_for_requests(self, count: int, timeout: float = 2.0) -> bool:
        """Block until at least COUNT requests have arrived; False if `timeout` ran out first."""
        return self._wait(lambda: len(self.requests) >= count, timeout)

    def wait_idle(self, timeout: float = 2.0) -> bool:
        """Block until no connection is open; False if `timeout` ran out first.

        After a client aborts a download or gives up waiting, this returning True shows the
        server noticed and let go of the connection. A client that keeps an idle keep-alive
        connection open (an httpx.Client that is still open) counts as a connection.
        """
        return self._wait(lambda: not self._connections, timeout)

    @property
    def open_connections(self) -> int:
        with self._changed:
            return len(self._connections)

    # -- routes ----------------------------------------------------------------------------

    def route(
        self,
        path: str,
        body: bytes = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = "application/xml",
        etag: str | bool = True,
        last_modified: datetime | None = None,
        behaviour: Behaviour = "normal",
        interval: float = 0.5,
        size: int = HUGE_SIZE,
    ) -> str:
        """Serve BODY at PATH (replacing any earlier route there); returns its URL.

        `etag=True` sends a strong ETag hashed from the body (set_body updates it), `False`
        none, and a string that exact header value (quotes included, e.g. '"v1"'). With an
        ETag and/or `last_modified` (an aware datetime), a matching If-None-Match or
        If-Modified-Since gets 304 with no body. PATH may include a query string, which must
        then match exactly; otherwise the query is ignored when matching.
        """
        auto = etag is True and status == 200 and behaviour == "normal"
        self._set(
            path,
            Route(
                body=body,
                status=status,
                content_type=content_type,
                headers=dict(headers or {}),
                etag=_body_etag(body) if auto else (etag if isinstance(etag, str) else None),
                last_modified=last_modified,
                behaviour=behaviour,
                auto_etag=auto,
                interval=interval,
                size=size,
            ),
        )
        return self.url(path)

    def set_body(self, path: str, body: bytes, *, last_modified: datetime | None = None) -> None:
        """Change what PATH serves from now on, as a feed does between polls.

        An automatic ETag follows the new body; pass `last_modified` to move that forward too.
        BODY is sent as given: for a gzip route, call gzip() again instead.
        """
        with self._lock:
            old = self._routes[path]
            self._routes[path] = replace(
                old,
                body=body,
                etag=_body_etag(body) if old.auto_etag else old.etag,
                last_modified=last_modified or old.last_modified,
            )

    # -- named bad behaviours --------------------------------------------------------------

    def hang(self, path: str) -> str:
        """Accept the connection, read the request, then send nothing until close().

        The handler also lets go when the client hangs up (noticed within 50 ms).
        """
        return self.route(path, behaviour="hang", etag=False)

    def slow_drip(self, path: str, body: bytes | None = None, *, interval: float = 0.5) -> str:
        """Send the headers at once, then the body one byte per `interval` seconds."""
        body = body if body is not None else _OWN_FEED
        return self.route(path, body, behaviour="slow_drip", etag=False, interval=interval)

    def huge(self, path: str, *, size: int = HUGE_SIZE) -> str:
        """Announce Content-Length SIZE (50 MiB) and stream `<rss><channel>` filler up to it.

        The body is written from one reused 64 KiB block, never built in memory.
        """
        return self.route(path, behaviour="huge", etag=False, size=size)

    def endless(self, path: str, *, interval: float = 0.0) -> str:
        """Stream a chunked `<rss><channel>` that never ends, until close() or the client leaves.

        With interval 0 it streams as fast as the client reads (only a size or total-time
        limit stops it); a positive interval trickles one 64 KiB chunk per interval instead.
        """
        return self.route(path, behaviour="endless", etag=False, interval=interval)

    def status(
        self,
        path: str,
        code: int,
        body: bytes | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Answer CODE (e.g. 404, 500, 503) with a short text body and optional headers."""
        return self.route(
            path,
            body if body is not None else _reason(code),
            status=code,
            headers=headers,
            content_type="text/plain; charset=utf-8",
            etag=False,
        )

    def retry_after(self, path: str, *, status: int = 429, after: int | str = 120) -> str:
        """Answer STATUS (429 or 503) with `Retry-After: AFTER` (seconds, or an HTTP-date)."""
        return self.status(path, status, headers={"Retry-After": str(after)})

    def redirect(self, path: str, to: str, *, status: int = 301) -> str:
        """Redirect PATH to TO with STATUS; TO is sent verbatim (a path or an absolute URL)."""
        return self.status(path, status, headers={"Location": to})

    def redirect_loop(self, path: str, other: str, *, status: int = 302) -> str:
        """Redirect PATH to OTHER and OTHER back to PATH, for ever."""
        self.redirect(other, path, status=status)
        return self.redirect(path, other, status=status)

    def gzip(self, path: str, body: bytes, *, headers: dict[str, str] | None = None) -> str:
        """Serve BODY gzip-compressed with `Content-Encoding: gzip`, whatever Accept-Encoding says.

        The ETag is hashed from the compressed bytes, as servers do for the sent representation.
        """
        return self.route(
            path,
            gzip_compress(body, mtime=0),  # mtime 0: the same bytes, and ETag, on every run
            headers={"Content-Encoding": "gzip", **(headers or {})},
        )

    def wrong_content_type(self, path: str, body: bytes | None = None) -> str:
        """Serve an HTML page (text/html, 200 OK) where a feed is expected.

        By default a portal page of our own that links its RSS feed.
        """
        return self.route(path, body if body is not None else _OWN_PAGE, content_type="text/html")

    # -- internals used by the handler -----------------------------------------------------

    def _set(self, path: str, route: Route) -> None:
        self.url(path)  # validates the path
        with self._lock:
            self._routes[path] = route

    def _lookup(self, raw_path: str) -> Route | None:
        with self._lock:
            return self._routes.get(raw_path) or self._routes.get(raw_path.split("?", 1)[0])

    def _log(self, request: LoggedRequest) -> None:
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()

    def _wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(predicate, timeout)


def _reason(code: int) -> bytes:
    try:
        return f"{code} {HTTPStatus(code).phrase}\n".encode()
    except ValueError:
        return f"{code}\n".encode()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A started FeedServer for one test, closed (and its handler errors raised) afterwards."""
    with FeedServer() as server:
        yield server
