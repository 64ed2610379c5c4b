"""The daemon's HTTP face (`MONITOR_HTTP=host:port`): `/healthz` for orchestrators and people,
`/metrics` for Prometheus. A few lines of asyncio: two read-only routes need no framework."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from monitor.errors import SettingError
from monitor.metrics import REGISTRY

log = logging.getLogger("monitor")
_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


class HealthServer:
    def __init__(self, health: Callable[[], tuple[bool, dict[str, Any]]]):
        self.health = health  # (healthy?, details): the daemon decides
        self.server: asyncio.Server | None = None

    async def start(self, address: str) -> None:
        """Listen on ADDRESS (host:port), or raise SettingError saying why it cannot."""
        host, _, port = address.rpartition(":")
        try:
            self.server = await asyncio.start_server(self._handle, host or "127.0.0.1", int(port))
        except (OSError, ValueError, OverflowError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            raise SettingError(
                f"MONITOR_HTTP={address}: cannot listen there ({reason}); choose a free"
                " host:port, or leave MONITOR_HTTP unset"
            ) from None
        log.info("health and metrics on http://%s/healthz and /metrics", address)

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
            method, path, *_ = request.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
            status, content_type, body = self._route(method, path.split("?", 1)[0])
            head = (
                f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + (body if method != "HEAD" else b""))
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass  # a client that sent nothing usable gets nothing
        finally:
            writer.close()

    def _route(self, method: str, path: str) -> tuple[int, str, bytes]:
        if method not in ("GET", "HEAD"):
            return 405, "text/plain", b"GET only\n"
        if path == "/healthz":
            healthy, details = self.health()
            body = json.dumps({"healthy": healthy, **details}, indent=1).encode()
            return (200 if healthy else 503), "application/json", body
        if path == "/metrics":
            return 200, CONTENT_TYPE_LATEST, generate_latest(REGISTRY)
        return 404, "text/plain", b"try /healthz or /metrics\n"
