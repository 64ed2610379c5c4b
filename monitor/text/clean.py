"""Text from outside (feeds, pages) made fit to keep and to show: the invisible characters that
can hide or reorder what a reader sees are removed, and lengths are bounded."""

from __future__ import annotations

import re

# C0 and C1 controls but tab and line end, and the bidi embeddings, overrides and isolates
# (U+202A-E, U+2066-9: "Trojan Source"); the marks U+200E/F stay, RTL text needs them.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def cut(text: str, most: int) -> str:
    """TEXT at most MOST characters long: cut at a word, marked with an ellipsis."""
    if len(text) <= most:
        return text
    return text[: most - 1].rsplit(" ", 1)[0].rstrip() + "…"
