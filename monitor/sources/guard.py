"""Which addresses a link taken from a feed may make the daemon fetch.

A feed is third-party input: its links must not turn the daemon into a proxy for the network it
runs in (cloud metadata at 169.254.169.254, the admin network, localhost services). A link is
fetched only when its host is the feed's own host, or resolves only to public addresses; and
the address the connection really reached is checked again before a byte of the answer is read
(`public_address`), since a name can resolve one way for the check and another for the
connection (DNS rebinding).
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
    if same_host(url, feed_url):
        return True  # the feed's own server: the user chose to trust it
    try:
        addresses = await _resolve(
            parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
        )
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(public_address(a) for a in addresses)


def same_host(url: str, feed_url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() == (urlsplit(feed_url).hostname or "").lower()


async def _resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


# IPv6 ranges that carry an IPv4 address in their last 32 bits, where the packets really go:
# NAT64's well-known prefix (RFC 6052) and IPv4-compatible addresses (RFC 4291).
_EMBEDDING = tuple(ipaddress.ip_network(n) for n in ("64:ff9b::/96", "::/96"))
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: a private network


def public_address(address: str) -> bool:
    """A globally reachable unicast address, also in every IPv6 spelling of an IPv4 address
    (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo): the address under the wrapper must be
    public too."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    inner: list[ipaddress.IPv4Address] = []
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            inner.append(ip.ipv4_mapped)
        if ip.sixtofour:
            inner.append(ip.sixtofour)
        if ip.teredo:
            inner += ip.teredo
        if any(ip in net for net in _EMBEDDING):
            inner.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip in _LOCAL_NAT64:
            return False
    return all(x.is_global and not x.is_multicast for x in (ip, *inner))
