"""YAML to plain Python values, remembering the line of every key and item.

PyYAML's composer keeps a mark on each node; we walk the node tree ourselves so that validation
can name the line of any bad value, and so that duplicate keys (silently merged by `safe_load`)
and `${ENV}` references are caught where they are written.

A rules file is also input that can be hostile (a file saved by someone else, a mounted
volume): it is refused, with its line, when it is larger than MAX_BYTES, nests deeper than
MAX_DEPTH, or expands aliases to more than MAX_ALIASED values (a "billion laughs" of `*a`),
before any of that costs more than a fraction of a second.
"""

from __future__ import annotations

import os
import re
from typing import Any

import yaml

from monitor.errors import Problem

Path = tuple[str | int, ...]
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
MAX_BYTES = 10 * 1024 * 1024  # the default rules are 0.1 MB
MAX_DEPTH = 64  # mappings and sequences within each other; the rules use five or six
MAX_ALIASED = 10_000  # values reached again through aliases


class _TooBig(Exception):
    def __init__(self, line: int | None, message: str):
        self.line, self.message = line, message


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's composer is recursive: nesting is counted, and refused past MAX_DEPTH, before
    it could exhaust the interpreter's stack."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]  # PyYAML is untyped
                raise _TooBig(mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class Document:
    """The parsed file: `data` and the line of each path in it."""

    def __init__(self, file: str, env: dict[str, str] | None = None):
        self.file = file
        self.lines: dict[Path, int] = {}
        self.problems: list[Problem] = []
        self._env = os.environ if env is None else env
        self._loader = yaml.SafeLoader("")
        self.syntax_error = False
        self._seen: set[int] = set()  # nodes walked: meeting one again is an alias
        self._aliased = 0

    def line(self, path: Path) -> int | None:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(Problem(self.file, self.line(path), dotted(path), message))

    def parse(self, text: str) -> Any:
        try:
            if len(text) > MAX_BYTES:
                raise _TooBig(None, f"{len(text):,} characters: larger than {MAX_BYTES:,}")
            node = yaml.compose(text, Loader=_BoundedLoader)
            return None if node is None else self._value(node, ())
        except _TooBig as e:
            self.problems.append(Problem(self.file, e.line, "", f"refused: {e.message}"))
            self.syntax_error = True
            return None
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = mark.line + 1 if mark else None
            what = " ".join(filter(None, [e.context, e.problem]))
            start = e.context_mark
            if start and e.problem_mark and start.line != e.problem_mark.line:
                what += f" (it began on line {start.line + 1})"
            self.problems.append(Problem(self.file, line, "", f"YAML syntax error: {what}"))
            self.syntax_error = True
            return None
        except yaml.YAMLError as e:
            self.problems.append(Problem(self.file, None, "", f"YAML error: {e}"))
            self.syntax_error = True
            return None

    def _value(self, node: yaml.Node, path: Path) -> Any:
        if id(node) in self._seen:
            self._aliased += 1
            if self._aliased > MAX_ALIASED:
                raise _TooBig(
                    node.start_mark.line + 1,
                    f"aliases expand to more than {MAX_ALIASED:,} values (an alias bomb?)",
                )
        self._seen.add(id(node))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self._value(item, (*path, i)) for i, item in enumerate(node.value)]
        # Resolve the scalar the way safe_load would (ints, floats, bools, null), then expand env.
        resolved = self._loader.construct_object(node, deep=True)
        if isinstance(resolved, str) and "${" in resolved:
            return self._expand(resolved, path)
        return resolved

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            child = (*path, key)
            if key in out:
                self.lines[child] = key_node.start_mark.line + 1
                self.problem(child, "duplicate key (the first one would be silently ignored)")
                continue
            self.lines[child] = key_node.start_mark.line + 1
            out[key] = self._value(value_node, child)
        return out

    def _expand(self, text: str, path: Path) -> str:
        def replace(m: re.Match[str]) -> str:
            name, fallback = m.group(1), m.group(2)
            if name in self._env:
                return self._env[name]
            if fallback is not None:
                return fallback
            self.problem(path, f"environment variable {name} is not set")
            return ""

        return _ENV.sub(replace, text)


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
