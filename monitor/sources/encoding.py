"""Bytes a server sent, as text: by the encoding it declared, or the one the bytes show.

feedparser does this for feeds itself; HTML listing pages and JSON APIs come here. lxml reads
bytes without a declared charset as Latin-1 and `json` refuses anything but UTF-8, so a page
in windows-1251 or a UTF-8 page with no `<meta charset>` would otherwise become mojibake.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(body: bytes, content_type: str = "") -> str:
    """BODY as text: a byte order mark, the Content-Type's charset, an HTML `<meta charset>`,
    UTF-8 when the bytes are valid UTF-8, else the encoding the bytes most look like."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace")
    declared = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
    meta = _CHARSET.search(body[:4096])
    names = [declared.group(1) if declared else "", meta.group(1).decode("ascii") if meta else ""]
    for name in names:
        if name:
            try:
                return body.decode(name, errors="replace")
            except LookupError:
                pass  # an encoding nobody knows: guess as if none were declared
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(body).best()
        return str(best) if best is not None else body.decode("utf-8", errors="replace")
