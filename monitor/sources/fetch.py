"""HTTP for every source: one shared httpx client, polite and bounded.

Timeouts (per read and for the whole fetch), a cap on the body size, a few redirects, gzip and
brotli, a clear User-Agent, conditional GET, a limit of concurrent requests per host and in all,
and `Retry-After` read from 429/503 answers. Failures are raised as FetchError with a one-line
message that never includes a URL's query string (it may hold a key).

The whole-fetch timeout counts only the time a request holds its connection slot: waiting for a
slot behind a thousand other sources at a first start is not the server being slow, and must
not be reported as a timeout.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import httpx

from monitor.config.model import Settings
from monitor.errors import MonitorError
from monitor.sources.guard import link_allowed, public_address, same_host

MAX_REDIRECTS = 5
MAX_CONNECTIONS = 100  # requests under way at once, all hosts together


class FetchError(MonitorError):
    def __init__(self, message: str, retry_after: datetime | None = None):
        super().__init__(message)
        self.retry_after = retry_after  # when the server asked us to come back


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


class Fetcher:
    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self.client = httpx.AsyncClient(
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(min(30.0, settings.timeout), connect=10.0),
            follow_redirects=False,  # followed by hand, so that each hop can be checked
            limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=20),
            transport=transport,
            trust_env=True,
        )
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host)
        )
        # Taken before the timer starts, so that httpx's own pool never makes a request wait.
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS)
        # Behind a proxy the connection's peer is the proxy, which resolves names itself.
        self._direct = not urllib.request.getproxies()

    async def aclose(self) -> None:
        await self.client.aclose()

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: dict[str, str] | None = None,
        guard_from: str | None = None,
        max_bytes: int | None = None,
    ) -> Fetched:
        """GET `url`. With `guard_from` (the feed's URL), every hop must pass `link_allowed`."""
        request_headers = dict(headers or {})
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        try:
            return await self._follow(
                url, request_headers, guard_from, max_bytes or self.settings.max_bytes
            )
        except TimeoutError:
            raise FetchError(f"timed out after {self.settings.timeout:g} s") from None
        except httpx.TooManyRedirects:
            raise FetchError("too many redirects") from None
        except httpx.HTTPError as e:
            raise FetchError(_in_words(e)) from None

    async def _follow(
        self, url: str, headers: dict[str, str], guard_from: str | None, max_bytes: int
    ) -> Fetched:
        loop = asyncio.get_running_loop()
        left = self.settings.timeout  # for all hops together, counted while a slot is held
        for _ in range(MAX_REDIRECTS + 1):
            if guard_from is not None and not await link_allowed(url, guard_from):
                raise FetchError(f"refused: {_safe(url)} is not a public address")
            async with self._hosts[urlsplit(url).netloc], self._slots:
                started = loop.time()
                async with asyncio.timeout(left):
                    guarded = (
                        guard_from is not None and self._direct and not same_host(url, guard_from)
                    )
                    fetched = await self._once(url, headers, max_bytes, guarded)
                left -= loop.time() - started
            if isinstance(fetched, Fetched):
                return fetched
            url = fetched  # a redirect's target
        raise FetchError("too many redirects")

    async def _once(
        self, url: str, headers: dict[str, str], max_bytes: int, guarded: bool = False
    ) -> Fetched | str:
        async with self.client.stream("GET", url, headers=headers) as response:
            if guarded:
                _check_peer(response, url)
            status = response.status_code
            if status in (301, 302, 303, 307, 308) and "location" in response.headers:
                return urljoin(url, response.headers["location"])
            if status == 304:
                return Fetched(
                    url,
                    b"",
                    "",
                    headers.get("If-None-Match"),
                    headers.get("If-Modified-Since"),
                    not_modified=True,
                )
            if status >= 400:
                retry = parse_retry_after(response.headers.get("retry-after"))
                raise FetchError(f"HTTP {status} {response.reason_phrase}".strip(), retry)
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"answer larger than {max_bytes:,} bytes")
            return Fetched(
                str(response.url),
                bytes(body),
                response.headers.get("content-type", ""),
                response.headers.get("etag"),
                response.headers.get("last-modified"),
            )


def _check_peer(response: httpx.Response, url: str) -> None:
    """The address this answer really came from must be public: what was checked before the
    connection was a name's resolution, which may have changed since."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and not public_address(str(peer[0])):
        raise FetchError(f"refused: {_safe(url)} connected to {peer[0]}, not a public address")


# What each of httpx's errors means, in words a user reads in `status` (no library names).
_WORDS: tuple[tuple[type[httpx.HTTPError], str], ...] = (
    (httpx.ConnectTimeout, "no connection within the timeout"),
    (httpx.TimeoutException, "the server stopped answering"),
    (httpx.ConnectError, "cannot connect"),
    (httpx.RemoteProtocolError, "the server broke the HTTP protocol"),
    (httpx.ReadError, "the connection broke while reading"),
    (httpx.WriteError, "the connection broke while sending"),
    (httpx.UnsupportedProtocol, "not an http or https address"),
    (httpx.DecodingError, "the answer's compression is broken"),
)


def _in_words(error: httpx.HTTPError) -> str:
    what = next((words for kind, words in _WORDS if isinstance(error, kind)), "request failed")
    detail = re.sub(r"^\[Errno -?\d+\]\s*", "", _no_secrets(str(error)))
    return f"{what}: {detail}" if detail else what


def parse_retry_after(value: str | None) -> datetime | None:
    """A `Retry-After` header (seconds or an HTTP date) as a moment."""
    if not value:
        return None
    now = datetime.now(UTC)
    if value.strip().isdigit():
        return now + timedelta(seconds=int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _safe(url: str) -> str:
    """A URL fit for a log line: scheme, host and path, no credentials or query."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{parts.path}"


def _no_secrets(message: str) -> str:
    return " ".join(_safe(w) if "://" in w else w for w in message.split())
