"""The feed test server itself: conditional GET, gzip, and bad behaviours that end on close()."""

from __future__ import annotations

import gzip
import threading
import time
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection, HTTPMessage
from typing import NamedTuple

import pytest

from tests.feedserver import HUGE_SIZE, FeedServer, billion_laughs, fixture_bytes, http_date
from tests.feedserver import feed_server as feed_server  # the fixture; `as` marks it re-used

# A feed of our own, big enough for gzip to shrink it.
FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
    + "".join(
        f"<item><title>Story {i}</title><link>http://127.0.0.1/s/{i}</link>"
        f"<description>Body of story {i}, with the same words as the others.</description></item>"
        for i in range(40)
    )
    + "</channel></rss>"
).encode()


class Reply(NamedTuple):
    status: int
    headers: HTTPMessage
    body: bytes


def get(server: FeedServer, path: str, headers: dict[str, str] | None = None) -> Reply:
    """GET PATH with the stdlib client (no redirects followed, nothing decoded)."""
    # http.client, not httpx: these tests check the server's raw answers, and need no extra
    # dependency.
    conn = HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def test_serves_route_bytes_and_a_stable_etag(feed_server: FeedServer) -> None:
    """A route answers its exact bytes, with an ETag hashed from them and the given type."""
    url = feed_server.route("/feed.xml", FEED)
    assert url == f"http://127.0.0.1:{feed_server.port}/feed.xml"
    first, second = get(feed_server, "/feed.xml"), get(feed_server, "/feed.xml")
    assert first.status == 200
    assert first.body == FEED
    assert first.headers["Content-Type"] == "application/xml"
    assert first.headers["ETag"] == second.headers["ETag"]


def test_matching_if_none_match_gets_304_and_is_logged(feed_server: FeedServer) -> None:
    """A request repeating the ETag gets 304 with no body, and the log shows the header."""
    feed_server.route("/feed.xml", FEED)
    etag = get(feed_server, "/feed.xml").headers["ETag"]
    again = get(feed_server, "/feed.xml", {"If-None-Match": etag})
    assert again.status == 304
    assert again.body == b""
    assert again.headers["ETag"] == etag
    method, path, headers = feed_server.requests[-1]
    assert (method, path, headers["if-none-match"]) == ("GET", "/feed.xml", etag)


def test_set_body_changes_etag_so_the_old_one_gets_200(feed_server: FeedServer) -> None:
    """After set_body the old ETag no longer matches: the client gets the new feed."""
    feed_server.route("/feed.xml", b"<rss>v1</rss>")
    old = get(feed_server, "/feed.xml").headers["ETag"]
    feed_server.set_body("/feed.xml", b"<rss>v2</rss>")
    changed = get(feed_server, "/feed.xml", {"If-None-Match": old})
    assert changed.status == 200
    assert changed.body == b"<rss>v2</rss>"
    assert changed.headers["ETag"] != old


def test_if_modified_since_gets_304_until_last_modified_moves(feed_server: FeedServer) -> None:
    """Last-Modified alone drives 304s; moving it forward serves the body again."""
    then = datetime(2025, 1, 31, 12, 0, tzinfo=UTC)
    feed_server.route("/feed.xml", FEED, etag=False, last_modified=then)
    first = get(feed_server, "/feed.xml")
    assert first.headers["Last-Modified"] == "Fri, 31 Jan 2025 12:00:00 GMT"
    assert "ETag" not in first.headers
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert get(feed_server, "/feed.xml", since).status == 304
    feed_server.set_body("/feed.xml", b"<rss/>", last_modified=then + timedelta(hours=1))
    assert get(feed_server, "/feed.xml", since).status == 200


def test_gzip_route_sends_compressed_body_with_content_encoding(feed_server: FeedServer) -> None:
    """The gzip route's bytes are a gzip stream of the feed, labelled Content-Encoding: gzip."""
    feed_server.gzip("/feed.xml", FEED)
    response = get(feed_server, "/feed.xml", {"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.body) < len(FEED)
    assert gzip.decompress(response.body) == FEED


@pytest.mark.parametrize(
    ("register", "status", "header", "value"),
    [
        (lambda s: s.status("/x", 503), 503, "Content-Type", "text/plain; charset=utf-8"),
        (lambda s: s.status("/x", 404), 404, "Content-Length", "14"),
        (lambda s: s.retry_after("/x"), 429, "Retry-After", "120"),
        (lambda s: s.retry_after("/x", status=503, after=5), 503, "Retry-After", "5"),
        (lambda s: s.redirect("/x", "/feed.xml"), 301, "Location", "/feed.xml"),
        (lambda s: s.redirect_loop("/x", "/y"), 302, "Location", "/y"),
        (lambda s: s.wrong_content_type("/x"), 200, "Content-Type", "text/html"),
    ],
    ids=["503", "404", "429", "503-retry", "301", "loop", "html"],
)
def test_status_retry_redirect_and_html_routes(
    feed_server: FeedServer,
    register: Callable[[FeedServer], str],
    status: int,
    header: str,
    value: str,
) -> None:
    """Each named error route answers its status and the header a fetcher must act on."""
    register(feed_server)
    response = get(feed_server, "/x")
    assert (response.status, response.headers[header]) == (status, value)


def test_redirect_loop_points_back(feed_server: FeedServer) -> None:
    """The loop's second hop leads back to the first path."""
    feed_server.redirect_loop("/a", "/b")
    assert get(feed_server, "/b").headers["Location"] == "/a"


def test_unknown_path_is_404_and_nothing_is_printed(
    feed_server: FeedServer, capfd: pytest.CaptureFixture[str]
) -> None:
    """Unregistered paths get 404, and no request writes a log line to stderr."""
    feed_server.route("/feed.xml", FEED)
    assert get(feed_server, "/feed.xml").status == 200
    assert get(feed_server, "/nope").status == 404
    assert capfd.readouterr().err == ""


def test_hang_ends_on_close_within_one_second() -> None:
    """A client stuck on a hanging route is released as soon as the server closes."""
    server = FeedServer().start()
    server.hang("/stuck.xml")
    outcome: list[BaseException | int] = []

    def client() -> None:
        try:
            outcome.append(get(server, "/stuck.xml").status)
        except Exception as error:  # the expected end: the server hung up without answering
            outcome.append(error)

    thread = threading.Thread(target=client)
    thread.start()
    assert server.wait_for_requests(1, timeout=2)  # the handler is now hanging
    started = time.monotonic()
    server.close()
    assert time.monotonic() - started < 1.0
    thread.join(timeout=1)
    assert not thread.is_alive()
    assert isinstance(outcome[0], ConnectionError)


def test_hang_lets_go_when_the_client_gives_up(feed_server: FeedServer) -> None:
    """A client that times out on a hanging route and hangs up frees its handler at once."""
    feed_server.hang("/stuck.xml")
    conn = HTTPConnection("127.0.0.1", feed_server.port, timeout=0.1)
    conn.request("GET", "/stuck.xml")
    with pytest.raises(TimeoutError):
        conn.getresponse()  # the fetcher's read timeout, in miniature
    conn.close()
    assert feed_server.wait_idle(timeout=1)


def test_slow_drip_sends_headers_now_and_bytes_at_the_interval() -> None:
    """Headers arrive at once, then one byte per interval; close() cuts the drip short."""
    with FeedServer() as server:
        server.slow_drip("/drip.xml", b"<rss></rss>", interval=0.05)
        conn = HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.request("GET", "/drip.xml")
        response = conn.getresponse()
        assert response.headers["Content-Length"] == "11"
        started = time.monotonic()
        assert response.read(3) == b"<rs"
        assert time.monotonic() - started >= 0.09  # two intervals between three bytes
        started = time.monotonic()
        server.close()
        assert time.monotonic() - started < 1.0
        response.close()
        conn.close()


def test_huge_can_be_read_in_part_and_aborted_without_server_memory() -> None:
    """A 50 MiB route streams from a reused block: reading 1 MB and hanging up costs ~nothing."""
    with FeedServer() as server:
        server.huge("/huge.xml")
        tracemalloc.start()  # traces every thread's allocations, the server's included
        try:
            conn = HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("GET", "/huge.xml")
            response = conn.getresponse()
            assert int(response.headers["Content-Length"]) == HUGE_SIZE
            head = response.read(64 * 1024)
            received = len(head)
            while received < 1_000_000:
                received += len(response.read(64 * 1024))
            response.close()  # abort mid-body: the rest of the 50 MiB is never read
            conn.close()
            assert server.wait_idle(timeout=1)  # the handler saw the hang-up and let go
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert head.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>')
    assert peak < 5_000_000  # far below the 50 MiB a built-up body would need


def test_close_is_prompt_while_a_client_stalls_mid_download() -> None:
    """A handler blocked writing to a client that stopped reading is ended by close()."""
    with FeedServer() as server:
        server.huge("/huge.xml")
        conn = HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.request("GET", "/huge.xml")
        response = conn.getresponse()
        response.read(1024)  # then stop reading: the socket buffers fill and the server blocks
        started = time.monotonic()
        server.close()
        assert time.monotonic() - started < 1.0
        response.close()
        conn.close()


def test_endless_streams_chunks_until_the_client_leaves(feed_server: FeedServer) -> None:
    """The endless route is chunked with no end; a client can take 1 MB and hang up."""
    feed_server.endless("/endless.xml")
    conn = HTTPConnection("127.0.0.1", feed_server.port, timeout=5)
    conn.request("GET", "/endless.xml")
    response = conn.getresponse()
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in response.headers
    received = 0
    while received < 1_000_000:
        received += len(response.read(64 * 1024))
    response.close()
    conn.close()
    assert feed_server.wait_idle(timeout=1)


def test_billion_laughs_is_a_tiny_entity_bomb() -> None:
    """The bomb is under 1 KB; at 3 levels its item title expands to 1,000 'lol's."""
    assert len(billion_laughs()) < 1024
    assert b'<!ENTITY lol9 "&lol8;&lol8;' in billion_laughs()
    root = ET.fromstring(billion_laughs(levels=3))
    assert root.findtext("channel/item/title") == "lol" * 1000


def test_fixture_bytes_are_the_published_files() -> None:
    """fixture_bytes reads the real feeds of ../shared/fixtures byte for byte (a Latin-1 feed
    stays Latin-1)."""
    uol = fixture_bytes("uol_noticias_no_xml_decl_latin1_2018.xml")
    assert uol.startswith(b"<rss") and b"Not\xedcias" in uol


def test_http_date_formats_gmt() -> None:
    """http_date renders an aware datetime as an RFC 9110 date in GMT."""
    moment = datetime(2025, 1, 31, 13, 0, tzinfo=UTC) + timedelta(seconds=0.5)
    assert http_date(moment) == "Fri, 31 Jan 2025 13:00:00 GMT"
