"""One poll of one source: fetch, parse, and complete short articles from their pages."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from urllib.parse import urljoin

import lxml.html
import trafilatura

from monitor.config.model import Source
from monitor.models import Article
from monitor.sources.encoding import decode
from monitor.sources.fetch import Fetcher
from monitor.sources.parse import ParseError, parse_document
from monitor.text.clean import cut, visible
from monitor.worker import in_worker

SHORT_SUMMARY = 400  # characters: below this, `fetch_body: auto` fetches the article page
MAX_ITEMS = 200  # items taken from one document, newest first: 10,000 items are cut, not swallowed
MAX_TITLE = 500  # characters of a headline kept (a 10 MB title is a hostile feed, not news)
MAX_BODY = 20_000  # characters of a body kept: enough to match, bounded memory
MAX_URL = 4096


@dataclass(frozen=True)
class Polled:
    articles: list[Article]
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


async def poll(
    source: Source, fetcher: Fetcher, etag: str | None = None, last_modified: str | None = None
) -> Polled:
    """The articles a source serves now (none when it answers 304 Not Modified)."""
    fetched = await fetcher.get(
        source.url, etag=etag, last_modified=last_modified, headers=dict(source.headers)
    )
    if fetched.not_modified:
        return Polled([], etag, last_modified, not_modified=True)
    limit = int(str(source.options.get("max_items", MAX_ITEMS)))
    if source.type == "html":
        page = decode(fetched.body, fetched.content_type)
        articles = await in_worker(_listing, page, fetched.url, source)
    else:
        articles = await in_worker(
            functools.partial(
                parse_document,
                fetched.body,
                kind=source.type,
                source=source.name,
                base_url=fetched.url,
                content_type=fetched.content_type,
                lang=source.lang,
                options=source.options,
            )
        )
    return Polled(_newest(articles, limit), fetched.etag, fetched.last_modified)


def _newest(articles: list[Article], limit: int) -> list[Article]:
    """The LIMIT newest articles (in the document's order when they carry no date), bounded."""
    if len(articles) > limit and any(a.published for a in articles):
        articles = sorted(articles, key=lambda a: a.published or "", reverse=True)
    return [bounded(a) for a in articles[:limit]]


def bounded(article: Article) -> Article:
    """The article as it may be kept and shown: invisible and bidi-override characters gone,
    a long headline cut at a word, the body and the link bounded."""
    url = article.url if article.url and len(article.url) <= MAX_URL else None
    return replace(
        article,
        title=cut(visible(" ".join(article.title.split())), MAX_TITLE),
        body=visible(article.body[:MAX_BODY]),
        url=url,
        guid=article.guid[:MAX_URL] if article.guid else None,
    )


def _listing(text: str, base_url: str, source: Source) -> list[Article]:
    """Article links on an HTML listing page, picked by the source's CSS selector."""
    selector = str(source.options.get("link_selector") or "a")
    try:
        # lxml refuses text that still declares an encoding: the text is decoded already.
        page = lxml.html.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
        links = page.cssselect(selector)
    except (ValueError, lxml.etree.ParserError) as e:
        raise ParseError(f"cannot read the listing page: {e}") from e
    except Exception as e:  # cssselect's SelectorError: a bad selector in rules.yaml
        raise ParseError(f"bad link_selector {selector!r}: {e}") from e
    seen: dict[str, Article] = {}
    for link in links:
        href = link.get("href")
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urljoin(base_url, href)
        title = " ".join(link.text_content().split())
        seen.setdefault(url, Article("", title, "", url, source.name, source.lang, guid=url))
    return list(seen.values())


def _page_text(page: bytes, url: str, title: str) -> tuple[str | None, str]:
    text = trafilatura.extract(page, url=url, include_comments=False)
    if not title:
        metadata = trafilatura.extract_metadata(page)
        title = (metadata.title if metadata else None) or ""
    return text, title


def needs_body(article: Article, source: Source) -> bool:
    if not article.url or source.fetch_body is False:
        return False
    return source.fetch_body is True or len(article.body) < SHORT_SUMMARY


async def with_body(article: Article, source: Source, fetcher: Fetcher) -> Article:
    """The article with the main text of its page (trafilatura), in the page's own encoding."""
    assert article.url is not None
    fetched = await fetcher.get(article.url, guard_from=source.url)
    text, title = await in_worker(_page_text, fetched.body, fetched.url, article.title)
    if text and len(text) > len(article.body):
        return bounded(replace(article, title=title, body=text))
    return bounded(replace(article, title=title))
