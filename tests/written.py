"""The test cases we wrote, one file per language (tests/cases/languages/<code>.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CASES = Path(__file__).resolve().parent / "cases" / "languages"


def written_cases() -> list[dict[str, Any]]:
    return [
        case
        for path in sorted(CASES.glob("*.yaml"))
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
