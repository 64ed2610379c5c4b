"""The data the program ships, apart from the user's rules.yaml.

- `monitor/builtin/watchlists.yaml`: the built-in watchlists (countries, sanctioning actors,
  sanctions vocabulary, the vetoes), their entries and the aliases every language shares;
- `monitor/languages/<code>.yaml`: one file per language, adding that language's aliases and
  excludes to those entries (adding a language is adding a file);
- `monitor/builtin/lists.yaml`: the official sanctions lists, as watchlists that import them;
- `monitor/builtin/sources.yaml`: the news sources;
- `monitor/builtin/starter.yaml`: the rules file `init` writes, and the one used when there is
  none.

An upgrade brings new aliases and sources without touching the user's file, which only says
which of these it uses and what it adds (the pattern of Falco's `falco_rules.local.yaml`).
Every problem in these files is reported as FILE:LINE: key: message, like one in rules.yaml.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from monitor import cached
from monitor.config.check import Checker
from monitor.config.model import AliasSpec, BuiltinChoice, Source, Watchlist
from monitor.config.yamlpos import Document
from monitor.errors import ConfigError, Problem
from monitor.text.lang import LANGUAGES

PACKAGE = Path(__file__).resolve().parents[1]
BUILTIN = PACKAGE / "builtin"
STARTER = BUILTIN / "starter.yaml"
FILES = ("watchlists", "lists", "sources", "starter")  # the built-in files that are no language
# `script`, `words` and `letters` are for the language guess, `modal` and `negation` for the
# events stage, `ordinals` for stories (monitor/text/lang.py reads them).
LANGUAGE_KEYS = frozenset(
    {"language", "name", "script", "words", "letters", "modal", "negation", "ordinals"}
    | {"watchlists"}
)
LANGUAGE_REQUIRED = ("language", "name", "script", "watchlists")
ENTRY_ADDITION_KEYS = frozenset({"aliases", "exclude"})


@dataclass(frozen=True)
class Builtins:
    """What a rules file's `builtin:` choice puts under it."""

    watchlists: Mapping[str, Watchlist] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()
    languages: tuple[str, ...] = ()
    digest: str = ""  # of everything they were built from


def language_codes() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in LANGUAGES.glob("*.yaml")))


def builtin_path(name: str) -> Path | None:
    """The file `builtin show NAME` prints: a language code or one of FILES."""
    path = BUILTIN / f"{name}.yaml" if name in FILES else LANGUAGES / f"{name}.yaml"
    return path if path.is_file() else None


def shown(path: Path) -> str:
    """How messages and `explain` name a built-in file: monitor/languages/pl.yaml."""
    return (
        path.relative_to(PACKAGE.parent).as_posix() if path.is_relative_to(PACKAGE) else str(path)
    )


def load_builtins(choice: BuiltinChoice, env: Mapping[str, str] | None = None) -> Builtins:
    """The built-in data chosen; ConfigError if a built-in file has a problem."""
    if not choice.used:
        return Builtins()
    chosen = language_codes() if choice.languages is None else choice.languages
    codes = tuple(c for c in chosen if c not in choice.skip_languages)
    vocabularies, key = _vocabularies(codes)
    watchlists = dict(vocabularies)
    sources: tuple[Source, ...] = ()
    problems: list[Problem] = []
    read: list[Any] = [key]  # what the digest is of: the lists and sources as expanded
    if choice.lists:
        doc, data = _read(BUILTIN / "lists.yaml", env)
        watchlists = Checker(doc).watchlists(data, (), watchlists)
        problems += doc.problems
        read.append(data)
    if choice.sources:
        doc, data = _read(BUILTIN / "sources.yaml", env)
        check = Checker(doc)
        sources = tuple(check.items(data, (), check.source))
        problems += doc.problems
        read.append(data)
    if problems:
        raise ConfigError(problems)
    return Builtins(watchlists, sources, codes, digest_of(read))


def digest_of(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


@cache
def _vocabularies(codes: tuple[str, ...]) -> tuple[Mapping[str, Watchlist], str]:
    """The built-in watchlists with the aliases of these languages, and a key of what they
    were built from. Read from the cache folder while neither the files nor the program have
    changed (thousands of aliases take seconds to read and check); kept for the process."""
    files = [BUILTIN / "watchlists.yaml", *(LANGUAGES / f"{code}.yaml" for code in codes)]
    digest = hashlib.sha256(cached.code_digest().encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    key = digest.hexdigest()
    folder = cached.user_folder()
    found = cached.load(folder, "builtin.cache", key)
    if isinstance(found, dict):
        return found, key
    base, problems = _base()
    for code in codes:
        base, more = _with_language(base, code)
        problems += more
    if problems:
        raise ConfigError(problems)
    cached.save(folder, "builtin.cache", key, base)
    return base, key


def written_aliases() -> dict[str, int]:
    """How many aliases each language file writes (one that another file writes too counts in
    both), for `builtin list` and docs/languages.md."""
    base, _ = _base()
    counts = {}
    for code in language_codes():
        file = f"{shown(LANGUAGES / f'{code}.yaml')}:"
        with_it, _ = _with_language(base, code)
        counts[code] = sum(
            alias.origin.startswith(file)
            for wl in with_it.values()
            for entry in wl.entries
            for alias in entry.aliases
        )
    return counts


def _base() -> tuple[dict[str, Watchlist], list[Problem]]:
    """The built-in watchlists with no language's aliases yet."""
    doc, data = _read(BUILTIN / "watchlists.yaml", {})
    return Checker(doc).watchlists(data, (), {}), doc.problems


def _with_language(
    base: Mapping[str, Watchlist], code: str
) -> tuple[dict[str, Watchlist], list[Problem]]:
    """base with one language file's aliases and excludes added to its entries."""
    doc, data = _read(LANGUAGES / f"{code}.yaml", {})
    check = Checker(doc)
    m = check.mapping(data, (), set(LANGUAGE_KEYS), required=LANGUAGE_REQUIRED) or {}
    if "language" in m and m["language"] != code:
        check.fail(("language",), f"says {m['language']!r}, but the file is named {code}.yaml")
    _check_ordinals(check, m.get("ordinals"))
    out = dict(base)
    watchlists = m.get("watchlists") or {}
    if not isinstance(watchlists, dict):
        check.fail(("watchlists",), "expected a mapping of built-in watchlist to its entries")
        watchlists = {}
    for wl_name, entries in watchlists.items():
        path: tuple[str | int, ...] = ("watchlists", wl_name)
        if wl_name not in base:
            check.fail(path, f"no built-in watchlist '{wl_name}' ({', '.join(base)})")
            continue
        known = {e.name: e for e in base[wl_name].entries}
        if not isinstance(entries, dict):
            check.fail(path, "expected a mapping of entry name to its aliases")
            continue
        for entry_name, addition in entries.items():
            where = (*path, entry_name)
            if entry_name not in known:
                check.fail(
                    where,
                    f"'{wl_name}' has no entry '{entry_name}': entries are made in"
                    f" {shown(BUILTIN / 'watchlists.yaml')}",
                )
                continue
            aliases, exclude = _addition(check, addition, where)
            known[entry_name] = known[entry_name].extended(aliases, exclude)
        out[wl_name] = dataclasses.replace(base[wl_name], entries=tuple(known.values()))
    return out, doc.problems


def _check_ordinals(check: Checker, value: Any) -> None:
    if value is not None and not isinstance(value, dict):
        check.fail(("ordinals",), "expected a mapping of number to its words, e.g. 12: twelfth")
        return
    for n, forms in (value or {}).items():
        if not str(n).isdigit() or not 1 <= int(n) <= 1000:
            check.fail(("ordinals", n), "expected a whole number from 1 to 1000")
        elif not isinstance(forms, str) or not forms.split():
            check.fail(("ordinals", n), "expected its words, separated by spaces")


def _addition(
    check: Checker, value: Any, path: tuple[str | int, ...]
) -> tuple[tuple[AliasSpec, ...], tuple[str, ...]]:
    """An entry's part of a language file: a list of aliases, or `aliases:` and `exclude:`."""
    if isinstance(value, list):
        return tuple(check.items(value, path, check.alias)), ()
    m = check.mapping(value, path, set(ENTRY_ADDITION_KEYS)) or {}
    aliases = check.items(m.get("aliases"), (*path, "aliases"), check.alias)
    given = check.seq(m.get("exclude"), (*path, "exclude"))
    exclude = [check.string(x, (*path, "exclude", i)) for i, x in enumerate(given)]
    return tuple(aliases), tuple(x for x in exclude if x)


def _read(path: Path, env: Mapping[str, str] | None) -> tuple[Document, Any]:
    doc = Document(shown(path), None if env is None else dict(env))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:  # an installation that lost a file
        raise ConfigError([Problem(shown(path), None, "", f"cannot read it: {e.strerror}")]) from e
    data = doc.parse(text)
    if doc.syntax_error:
        raise ConfigError(doc.problems)
    return doc, data
