"""Our labels joined with the texts they label, which are others' and kept outside the
repository: a labels folder of `<name>.jsonl` files, and a texts folder with a `<name>.jsonl` of
`{"id", "title", "body"}` lines for each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def labelled_texts(labels: Path, texts: Path | None) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(label, text) of every label whose text is in `texts`, in the files' order."""
    out: list[tuple[dict[str, Any], dict[str, Any]]] = []
    if texts is None:
        return out
    for path in sorted(labels.glob("*.jsonl")):
        copy = texts / path.name
        if not copy.exists():
            continue
        lines = copy.read_text(encoding="utf-8").splitlines()
        bodies = {r["id"]: r for r in map(json.loads, lines) if r}
        for label in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
            if label["id"] in bodies:
                out.append((label, bodies[label["id"]]))
    return out
