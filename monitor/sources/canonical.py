"""Canonical article URLs, so that the same article reached by different links is one article."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "ga_")
_TRACKING = frozenset(
    "fbclid gclid dclid msclkid yclid igshid mkt_tok ocid cmpid ref ref_src smid "
    "partner at_medium at_campaign rss cid ito src".split()
)
_MOBILE_HOSTS = ("m.", "mobile.", "amp.")


def canonical_url(url: str) -> str:
    """Scheme, `www.`/mobile/AMP variants, tracking parameters, fragment and trailing slash folded.

    >>> canonical_url("https://m.example.com/news/a/amp/?utm_source=x&id=7#top")
    'example.com/news/a?id=7'
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    for prefix in ("www.", *_MOBILE_HOSTS):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    path = parts.path
    for amp in ("/amp/", "/amp"):
        if path.endswith(amp):
            path = path[: -len(amp)] or "/"
    if path.startswith("/amp/"):
        path = path[4:]
    if path.endswith(".amp"):
        path = path[:-4]
    path = path.rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
        and k.lower() not in _TRACKING
        and not (k.lower() in ("amp", "outputtype") and v.lower() in ("", "1", "amp"))
    ]
    return urlunsplit(("", host, path, urlencode(sorted(query)), "")).lstrip("/")
