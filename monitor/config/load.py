"""Read a rules file, put it on top of the built-in data it chooses, and build the typed `Config`.

Every problem is collected, not just the first, and each names the file, the line and the key,
so that a person editing the file by hand can fix them all in one go.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from monitor.cached import code_digest
from monitor.config.builtin import STARTER, digest_of, language_codes, load_builtins
from monitor.config.check import Checker
from monitor.config.model import Config
from monitor.config.yamlpos import Document
from monitor.errors import ConfigError, Problem


def load_config(path: str | Path | None, env: dict[str, str] | None = None) -> Config:
    """Read and validate a rules file (None: the built-in starter rules); raise ConfigError
    listing every problem."""
    file = str(path or STARTER)
    try:
        text = Path(path or STARTER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise ConfigError([Problem(file, None, "", f"cannot read the rules file: {reason}")]) from e
    return parse_config(text, file, env)


def parse_config(text: str, file: str = "rules.yaml", env: dict[str, str] | None = None) -> Config:
    doc = Document(file, env)
    data = doc.parse(text)
    if doc.syntax_error:
        raise ConfigError(doc.problems)
    check = Checker(doc)
    given = data.get("builtin") if isinstance(data, dict) else None
    choice = check.builtin(given, ("builtin",), language_codes())
    builtins = load_builtins(choice, env)
    config = check.config(data, builtins)
    if doc.problems or config is None:
        raise ConfigError(sorted(doc.problems, key=lambda p: p.line or 0))
    digest = digest_of([file, data, builtins.digest, code_digest()])
    return dataclasses.replace(config, digest=digest)
