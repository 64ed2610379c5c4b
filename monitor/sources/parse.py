"""Documents a source serves -> Articles. Feeds through feedparser; JSON feeds and news APIs by
their shape. Pure: bytes in, articles or a ParseError out.

Survivable problems (a feed that is not quite well-formed but still yields items, a missing
date) are tolerated, as feed readers must; a document with nothing usable is a ParseError whose
message says what was wrong.
"""

from __future__ import annotations

import calendar
import gzip
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html

from monitor.errors import MonitorError
from monitor.models import Article
from monitor.sources.encoding import decode

# An internal DTD subset with entity declarations is how "billion laughs" bombs are built; no
# real news feed needs one, so such a document is refused before any parser sees it.
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,2000}>")


class ParseError(MonitorError):
    """The document has no items we can read."""


def parse_document(
    body: bytes,
    *,
    kind: str,
    source: str,
    base_url: str,
    content_type: str = "",
    lang: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> list[Article]:
    """Articles in one fetched document. `kind` is the source's type (`auto` detects it)."""
    if body[:2] == b"\x1f\x8b":  # gzip without a Content-Encoding header (seen in the wild)
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError) as e:
            raise ParseError(f"a gzip body that does not decompress: {e}") from e
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if kind in ("gdelt", "federal_register", "json") or (
        kind == "auto" and stripped[:1] in (b"{", b"[")
    ):
        return _parse_json(
            decode(stripped, content_type), kind, source, base_url, lang, options or {}
        )
    if _ENTITY_DECLARATION.search(body[:65536]):
        raise ParseError("refused: the XML declares entities (a possible entity-expansion bomb)")
    return _parse_feed(body, source, base_url, content_type, lang)


def _parse_feed(
    body: bytes, source: str, base_url: str, content_type: str, lang: str | None
) -> list[Article]:
    headers = {"content-location": base_url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    if not parsed.entries:
        if parsed.get("bozo"):
            reason = parsed.get("bozo_exception")
            looks_html = b"<html" in body[:2048].lower()
            raise ParseError("an HTML page, not a feed" if looks_html else f"not a feed: {reason}")
        if not parsed.get("feed"):
            raise ParseError("not a feed: no channel and no items")
        return []
    feed_lang = lang or _lang_code(parsed.feed.get("language"))
    out = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        content = " ".join(c.get("value", "") for c in entry.get("content", []) or [])
        body_html = (
            content if len(content) > len(entry.get("summary", "")) else entry.get("summary", "")
        )
        out.append(
            Article(
                id="",
                title=html_to_text(entry.get("title", "")),
                body=html_to_text(body_html),
                url=urljoin(base_url, link) if link else None,
                source=source,
                lang=feed_lang or _lang_code(entry.get("language")),
                # dict.get: feedparser's own get() maps missing keys onto others, with a warning.
                published=_iso(
                    dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
                ),
                guid=entry.get("id") or None,
            )
        )
    return out


def _parse_json(
    body: str,
    kind: str,
    source: str,
    base_url: str,
    lang: str | None,
    options: Mapping[str, Any],
) -> list[Article]:
    try:
        data: Any = json.loads(body)
    except json.JSONDecodeError:
        # GDELT's article list files are JSON Lines.
        try:
            data = [json.loads(line) for line in body.splitlines() if line.strip()]
        except json.JSONDecodeError as e:
            raise ParseError(f"not valid JSON: {e.msg} at line {e.lineno}") from e
    if kind == "json" or options.get("items"):
        return list(_generic(data, source, base_url, lang, options))
    if isinstance(data, dict) and str(data.get("version", "")).startswith("https://jsonfeed.org"):
        return list(_json_feed(data, source, base_url, lang))
    if isinstance(data, dict) and ("results" in data or "count" in data):
        return list(_federal_register(data, source, lang))
    if isinstance(data, dict) and "articles" in data:
        return list(_gdelt(data["articles"], source, lang))
    if isinstance(data, list):
        return list(_gdelt(data, source, lang))
    if isinstance(data, dict) and not data:
        return []  # GDELT answers {} when nothing matched
    raise ParseError("JSON of an unknown shape: set the source's type and items/fields")


def _json_feed(
    data: dict[str, Any], source: str, base_url: str, lang: str | None
) -> Iterable[Article]:
    feed_lang = lang or _lang_code(data.get("language"))
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        text = item.get("content_text") or html_to_text(item.get("content_html") or "")
        url = item.get("url") or item.get("external_url")
        yield Article(
            id="",
            title=html_to_text(item.get("title") or ""),
            body=(text or item.get("summary") or ""),
            url=urljoin(base_url, url) if url else None,
            source=source,
            lang=_lang_code(item.get("language")) or feed_lang,
            published=item.get("date_published") or item.get("date_modified"),
            guid=str(item["id"]) if item.get("id") is not None else None,
        )


def _gdelt(records: Any, source: str, lang: str | None) -> Iterable[Article]:
    """GDELT DOC 2.0 `artlist` (url, title, seendate, language) and GAL records (desc, lang)."""
    if not isinstance(records, list):
        raise ParseError("GDELT: 'articles' is not a list")
    for r in records:
        if not isinstance(r, dict) or not r.get("url"):
            continue
        yield Article(
            id="",
            title=str(r.get("title") or ""),
            body=str(r.get("desc") or ""),
            url=str(r["url"]),
            source=str(r.get("outletName") or r.get("domain") or source),
            lang=lang or _lang_code(r.get("lang") or r.get("language")),
            published=_gdelt_date(str(r.get("seendate") or r.get("date") or "")),
            guid=str(r["url"]),
        )


def _federal_register(data: dict[str, Any], source: str, lang: str | None) -> Iterable[Article]:
    for r in data.get("results") or []:  # a search with no hits has no "results" at all
        if not isinstance(r, dict):
            continue
        body = " ".join(html_to_text(str(r[k])) for k in ("abstract", "excerpts") if r.get(k))
        yield Article(
            id="",
            title=str(r.get("title") or ""),
            body=body,
            url=r.get("html_url"),
            source=source,
            lang=lang or "en",
            published=r.get("publication_date"),
            guid=r.get("document_number") or r.get("html_url"),
        )


def _generic(
    data: Any, source: str, base_url: str, lang: str | None, options: Mapping[str, Any]
) -> Iterable[Article]:
    items = _path(data, str(options.get("items") or ""))
    if not isinstance(items, list):
        raise ParseError(f"JSON: no list at items path {options.get('items')!r}")
    fields = {"title": "title", "body": "body", "url": "url", "date": "date", "id": "id"}
    fields.update(options.get("fields") or {})
    for item in items:
        if not isinstance(item, dict):
            continue
        url = _path(item, fields["url"])
        guid = _path(item, fields["id"]) or url
        yield Article(
            id="",
            title=html_to_text(str(_path(item, fields["title"]) or "")),
            body=html_to_text(str(_path(item, fields["body"]) or "")),
            url=urljoin(base_url, str(url)) if url else None,
            source=source,
            lang=lang,
            published=str(_path(item, fields["date"]) or "") or None,
            guid=str(guid) if guid else None,
        )


def _path(data: Any, path: str) -> Any:
    for key in filter(None, path.split(".")):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, on one line per block."""
    if "<" not in html and "&" not in html:
        return html.strip()
    try:
        text = lxml.html.fromstring(f"<div>{html}</div>").text_content()
    except (ValueError, lxml.etree.ParserError):
        text = _TAG.sub(" ", html)
    return re.sub(r"[ \t\r\f\v]+", " ", text).strip()


def _iso(parsed: Any) -> str | None:
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat()


def _gdelt_date(value: str) -> str | None:
    if re.fullmatch(r"\d{8}T\d{6}Z", value):  # 20211206T000100Z
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).isoformat()
    return value or None


def _lang_code(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    code = value.strip().lower().replace("_", "-")
    return code.split("-")[0][:3] or None
