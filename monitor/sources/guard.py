"""Which addresses a link taken from a feed may make the daemon fetch.

A feed is third-party input: its links must not turn the daemon into a proxy for the network it
runs in (cloud metadata at 169.254.169.254, the admin network, localhost services). A link is
fetched only when its host is the feed's own host, or resolves only to public addresses.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


async def link_allowed(url: str, feed_url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname.lower() == (urlsplit(feed_url).hostname or "").lower():
        return True  # the feed's own server: the user chose to trust it
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname,
            parts.port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM,
        )
    except (OSError, UnicodeError):
        return False
    return bool(infos) and all(_public(str(info[4][0])) for info in infos)


def _public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
