"""A message as each reader's service shows it.

A message is built once as plain spans of text (some bold, some links) and rendered here, per
service, by code that knows that service's parser:
- plain text for raw webhooks (`json://`, `form://`, `xml://`) and Slack: Slack's mrkdwn has no
  backslash escapes, and Apprise re-links and re-mentions `<...>` it finds in Markdown it did not
  convert itself, so Slack gets text (Apprise escapes `&`, `<`, `>`) with bare links it
  autolinks; nothing in a headline can become markup, a link or a mention there;
- HTML for Telegram (its `parse_mode=HTML` subset: `<b> <a> <blockquote>`) and e-mail, every
  piece of text through `html.escape`.
Links are made safe before any of them: only http and https, and every character a service
could read as syntax (`<`, `>`, `(`, `)`, `|`, quotes, spaces...) percent-encoded, so no feed can
add a link of its own.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

# Characters left as they are in a link: RFC 3986's unreserved and most reserved characters
# (and `%`, so that existing escapes are not escaped twice). Everything else is encoded.
_URL_SAFE = "/:?#@!$&+,;=%-._~"


def safe_url(url: str | None) -> str | None:
    """URL as a link every renderer may emit, or None when it is no http(s) link."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port
    except (ValueError, UnicodeError):
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{port}" if port else ""
    return urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE),
            quote(parts.fragment, safe=_URL_SAFE),
        )
    )


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    url: str | None = None  # already made safe by safe_url


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]
    quote: bool = False  # a quotation from the article

    @property
    def empty(self) -> bool:
        return not "".join(s.text for s in self.spans).strip()


@dataclass(frozen=True)
class Message:
    title: str  # plain text
    paragraphs: tuple[Paragraph, ...]

    @classmethod
    def of_text(cls, title: str, text: str) -> Message:
        return cls(title, (Paragraph((Span(text),)),))

    def plain(self, bare_links: bool = False) -> str:
        """Plain text; a link as its text then its address, in angle brackets or (BARE_LINKS,
        for Slack, which links an address on its own) alone."""
        return "\n\n".join(_plain(p, bare_links) for p in self.paragraphs)

    def html(self, paragraphs: bool = False) -> str:
        """HTML: Telegram's subset, or (PARAGRAPHS) an e-mail's body with <p> around each."""
        out = []
        for p in self.paragraphs:
            inner = "".join(_html(s) for s in p.spans)
            if paragraphs:  # HTML mail ignores line ends
                inner = inner.replace("\n", "<br>\n")
            if p.quote:
                out.append(f"<blockquote>{inner}</blockquote>")
            else:
                out.append(f"<p>{inner}</p>" if paragraphs else inner)
        return ("\n" if paragraphs else "\n\n").join(out)


def _plain(paragraph: Paragraph, bare_links: bool) -> str:
    link = "{} {}" if bare_links else "{} <{}>"
    text = "".join(
        link.format(s.text, s.url) if s.url and s.url != s.text else s.text for s in paragraph.spans
    )
    return f"> {text}" if paragraph.quote else text


def _html(span: Span) -> str:
    text = html.escape(span.text, quote=False)
    if span.url:
        text = f'<a href="{html.escape(span.url, quote=True)}">{text}</a>'
    return f"<b>{text}</b>" if span.bold else text
