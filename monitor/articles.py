"""Articles as JSON records, the exchange format of `match` and `explain`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from monitor.errors import InputError
from monitor.models import Article

_TEXT_KEYS = ("title", "body", "url", "source", "lang", "published")


def article_from_record(record: Any, where: str) -> Article:
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object with 'id', 'title' and 'body'")
    if "id" not in record or record["id"] is None or isinstance(record["id"], dict | list):
        raise InputError(f"{where}: the article has no 'id'")
    values: dict[str, str | None] = {}
    for key in _TEXT_KEYS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: '{key}' must be text, got {type(value).__name__}")
        values[key] = value
    return Article(
        id=str(record["id"]),
        title=values["title"] or "",
        body=values["body"] or "",
        url=values["url"],
        source=values["source"],
        lang=values["lang"] or None,
        published=values["published"],
    )


def read_jsonl(stream: IO[bytes], name: str) -> Iterator[tuple[int, Article | InputError]]:
    """Each non-blank line's number and its article, or the error that line has (one that is
    not UTF-8 among them: the lines after it are read all the same). A UTF-8 byte order mark
    at the start is skipped. Streams: one line in memory at a time."""
    for number, raw in enumerate(stream, 1):
        where = f"{name}:{number}"
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as e:
            byte = raw[e.start : e.start + 1].hex()
            yield number, InputError(f"{where}: not UTF-8 (byte 0x{byte} at column {e.start + 1})")
            continue
        if not line.strip():
            continue
        try:
            yield number, article_from_record(json.loads(line), where)
        except json.JSONDecodeError as e:
            yield number, InputError(f"{where}: not valid JSON ({e.msg} at column {e.colno})")
        except InputError as e:
            yield number, e
