"""Check the parts of a rules or built-in file and build their typed values.

Every problem is collected, not just the first, and each names the file, the line and the key,
so that a person editing the file by hand can fix them all in one go.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from monitor.config.model import (
    LIST_FORMATS,
    SEVERITIES,
    SOURCE_TYPES,
    TEMPLATE_FIELDS,
    AliasSpec,
    BuiltinChoice,
    Condition,
    Config,
    Entry,
    ListImport,
    Rule,
    Settings,
    Source,
    Watchlist,
    template_fields,
)
from monitor.config.yamlpos import Document, Path
from monitor.models import EVENT_FAMILIES, EVENT_TYPES, FIELDS
from monitor.text.normalize import fold_plain

if TYPE_CHECKING:
    from monitor.config.builtin import Builtins

T = TypeVar("T")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def seconds_of(text: str) -> float | None:
    """A duration with its unit (30s, 15m, 6h, 1d) in seconds; None for anything else."""
    m = _DURATION.match(text)
    return float(m.group(1)) * _UNITS[m.group(2)] if m and m.group(2) else None


# The keys each part of rules.yaml accepts: the validator and the JSON Schema (`schema`) both
# read them from here.
TOP_KEYS = frozenset({"settings", "builtin", "sources", "watchlists", "rules", "notify"})
BUILTIN_KEYS = frozenset({"sources", "lists", "languages", "skip_languages"})
SOURCE_KEYS = frozenset({"name", "url", "type", "interval", "fetch_body", "lang", "headers"})
SOURCE_OPTIONS = frozenset({"query", "items", "fields", "link_selector", "max_items"})
WATCHLIST_KEYS = frozenset(
    {
        "description",
        "fuzzy",
        "entries",
        "import",
        "refresh",
        "schemas",
        "programs",
        "weak_needs",
        "override",
    }
)
IMPORT_KEYS = frozenset({"format", "url"})
LIST_SCHEMAS = ("individual", "entity", "vessel", "aircraft")
ENTRY_KEYS = frozenset({"name", "aliases", "exclude"})
ALIAS_KEYS = frozenset({"text", "regex", "case", "exact", "langs"})
RULE_KEYS = frozenset(
    {
        "name",
        "description",
        "severity",
        "all",
        "any",
        "none",
        "within",
        "min_score",
        "notify",
        "digest",
        "list_changes",
        "unless_fired",
        "events",
        "imposers",
        "targets",
    }
)
CONDITION_KEYS = frozenset({"watchlist", "entries", "fields", "min_count", "min_score"})


class Checker:
    """Builds the typed parts of one YAML file, recording each problem against its line."""

    def __init__(self, doc: Document):
        self.doc = doc

    # -- generic shapes ---------------------------------------------------------------------

    def fail(self, path: Path, message: str) -> None:
        self.doc.problem(path, message)

    def origin(self, path: Path) -> str:
        """FILE:LINE of what is at path, for `explain` and `watchlists`."""
        return f"{self.doc.file}:{self.doc.line(path)}"

    def mapping(
        self, value: Any, path: Path, allowed: set[str], required: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(path, f"expected a mapping, got {_kind(value)}")
            return None
        for key in value:
            if key not in allowed:
                hint = _closest(key, allowed)
                self.fail(
                    (*path, key), f"unknown key{hint} (allowed: {', '.join(sorted(allowed))})"
                )
        for key in required:
            if key not in value:
                self.fail(path, f"missing required key '{key}'")
        return value

    def seq(self, value: Any, path: Path) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, f"expected a list, got {_kind(value)}")
            return []
        return value

    def string(self, value: Any, path: Path, default: str = "") -> str:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(path, f"expected text, got {_kind(value)}")
            return default
        return str(value)

    def boolean(self, value: Any, path: Path, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, got {_kind(value)}")
            return default
        return value

    def number(self, value: Any, path: Path, default: float, lo: float, hi: float) -> float:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            self.fail(path, f"expected a number from {lo:g} to {hi:g}, got {value!r}")
            return default
        return float(value)

    def duration(self, value: Any, path: Path, default: float) -> float:
        if value is None:
            return default
        m = _DURATION.match(str(value)) if not isinstance(value, bool) else None
        if not m or float(m.group(1)) <= 0:
            self.fail(path, f"expected a duration such as 30s, 15m, 6h or 1d, got {value!r}")
            return default
        if m.group(2) is None:  # `interval: 15` meant minutes more often than seconds
            number = m.group(1)
            self.fail(path, f"{value!r} has no unit: did you mean {number}m (or {number}s)?")
            return default
        return float(m.group(1)) * _UNITS[m.group(2)]

    def items(self, value: Any, path: Path, build: Callable[[Any, Path], T | None]) -> list[T]:
        built = (build(item, (*path, i)) for i, item in enumerate(self.seq(value, path)))
        return [b for b in built if b is not None]

    # -- sections ---------------------------------------------------------------------------

    def config(self, data: Any, base: Builtins) -> Config | None:
        """The whole rules file, on top of the built-in data it chose (`builtin`)."""
        root = self.mapping({} if data is None else data, (), set(TOP_KEYS), required=("rules",))
        if root is None:
            return None
        settings = self.settings(root.get("settings"), ("settings",))
        own = self.items(root.get("sources"), ("sources",), self.source)
        self.unique([s.name for s in own], "sources", "source")
        # A source named as a built-in one replaces it (another interval, say).
        sources = {s.name: s for s in (*base.sources, *own)}
        watchlists = self.watchlists(root.get("watchlists") or {}, ("watchlists",), base.watchlists)
        notify = self.notify(root.get("notify"), ("notify",))
        raw_rules = root.get("rules")
        rule_names = {
            str(r["name"])
            for r in (raw_rules if isinstance(raw_rules, list) else [])
            if isinstance(r, dict) and "name" in r
        }
        rules = self.items(
            raw_rules,
            ("rules",),
            lambda v, p: self.rule(v, p, settings, watchlists, notify, rule_names),
        )
        self.unique([r.name for r in rules], "rules", "rule")
        return Config(
            self.doc.file,
            settings,
            tuple(sources.values()),
            watchlists,
            tuple(rules),
            notify,
            base.languages,
        )

    def builtin(self, value: Any, path: Path, languages: tuple[str, ...]) -> BuiltinChoice:
        """`builtin:` — false for none of the built-in data, or which parts of it to use."""
        if value is None or value is True:
            return BuiltinChoice()
        if value is False:
            return BuiltinChoice(sources=False, lists=False, languages=(), used=False)
        m = self.mapping(value, path, set(BUILTIN_KEYS)) or {}

        def codes(key: str) -> list[str]:
            given = self.seq(m.get(key), (*path, key))
            out = [self.string(x, (*path, key, i)).lower() for i, x in enumerate(given)]
            for i, code in enumerate(out):
                if code not in languages:
                    self.fail(
                        (*path, key, i),
                        f"no built-in language '{code}'{_closest(code, set(languages))}"
                        f" (sanctions-monitor builtin list shows them)",
                    )
            return [c for c in out if c in languages]

        chosen = m.get("languages", "all")
        return BuiltinChoice(
            sources=self.boolean(m.get("sources"), (*path, "sources"), True),
            lists=self.boolean(m.get("lists"), (*path, "lists"), True),
            languages=None if chosen == "all" else tuple(codes("languages")),
            skip_languages=frozenset(codes("skip_languages")),
        )

    def unique(self, names: list[str], section: str, kind: str) -> None:
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                self.fail((section, i, "name"), f"duplicate {kind} name '{name}'")
            seen.add(name)

    def settings(self, value: Any, path: Path) -> Settings:
        d = Settings()
        allowed = {f.name for f in dataclasses.fields(Settings)}
        m = self.mapping({} if value is None else value, path, allowed) or {}
        return Settings(
            interval=self.duration(m.get("interval"), (*path, "interval"), d.interval),
            min_score=self.number(m.get("min_score"), (*path, "min_score"), d.min_score, 0, 100),
            jitter=self.duration(m.get("jitter"), (*path, "jitter"), d.jitter),
            retention=self.duration(m.get("retention"), (*path, "retention"), d.retention),
            story_window=self.duration(
                m.get("story_window"), (*path, "story_window"), d.story_window
            ),
            user_agent=self.string(m.get("user_agent"), (*path, "user_agent"), d.user_agent),
            timeout=self.duration(m.get("timeout"), (*path, "timeout"), d.timeout),
            max_bytes=int(
                self.number(m.get("max_bytes"), (*path, "max_bytes"), d.max_bytes, 1024, 1 << 30)
            ),
            per_host=int(self.number(m.get("per_host"), (*path, "per_host"), d.per_host, 1, 64)),
            max_backoff=self.duration(m.get("max_backoff"), (*path, "max_backoff"), d.max_backoff),
            flood_limit=int(
                self.number(m.get("flood_limit"), (*path, "flood_limit"), d.flood_limit, 1, 10_000)
            ),
            flood_window=self.duration(
                m.get("flood_window"), (*path, "flood_window"), d.flood_window
            ),
            ops_after=self.duration(m.get("ops_after"), (*path, "ops_after"), d.ops_after),
            template=self.template(m.get("template"), (*path, "template")),
            delivery_max_age=self.duration(
                m.get("delivery_max_age"), (*path, "delivery_max_age"), d.delivery_max_age
            ),
        )

    def template(self, value: Any, path: Path) -> str | None:
        if value is None:
            return None
        text = self.string(value, path)
        try:
            unknown = template_fields(text) - TEMPLATE_FIELDS
        except ValueError as e:
            self.fail(path, f"invalid template: {e}")
            return None
        if unknown:
            known = ", ".join(sorted(TEMPLATE_FIELDS))
            self.fail(path, f"unknown field {{{sorted(unknown)[0]}}} (fields: {known})")
            return None
        return text

    def source(self, value: Any, path: Path) -> Source | None:
        m = self.mapping(value, path, set(SOURCE_KEYS | SOURCE_OPTIONS), required=("name", "url"))
        if m is None:
            return None
        url = self.string(m.get("url"), (*path, "url"))
        if url and not re.match(r"^(https?://[^/\s]+|file:|/|\.{0,2}/)", url):
            self.fail((*path, "url"), "expected an http(s):// URL or a local path")
        kind = self.string(m.get("type"), (*path, "type"), "auto")
        if kind not in SOURCE_TYPES:
            self.fail((*path, "type"), f"unknown source type '{kind}' ({', '.join(SOURCE_TYPES)})")
        fetch_body = m.get("fetch_body", "auto")
        if fetch_body != "auto" and not isinstance(fetch_body, bool):
            self.fail((*path, "fetch_body"), "expected auto, true or false")
            fetch_body = "auto"
        headers = m.get("headers") or {}
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            self.fail((*path, "headers"), "expected a mapping of header name to text")
            headers = {}
        interval = m.get("interval")
        return Source(
            name=self.string(m.get("name"), (*path, "name")),
            url=url,
            type=kind,
            interval=None if interval is None else self.duration(interval, (*path, "interval"), 0),
            fetch_body=fetch_body,
            lang=self.string(m.get("lang"), (*path, "lang")) or None,
            headers=headers,
            options={k: v for k, v in m.items() if k in SOURCE_OPTIONS},
        )

    def watchlists(
        self, value: Any, path: Path, base: Mapping[str, Watchlist]
    ) -> dict[str, Watchlist]:
        """Watchlists on top of `base`: one named as a built-in one adds its entries, aliases
        and excludes to it (`override: replace` puts it in its place instead)."""
        if not isinstance(value, dict):
            self.fail(
                path, f"expected a mapping of watchlist name to watchlist, got {_kind(value)}"
            )
            return dict(base)
        out = dict(base)
        for name, body in value.items():
            wl = self.watchlist(str(name), body, (*path, name))
            if wl is None:
                continue
            how = body.get("override", "append")
            if how not in ("append", "replace"):
                self.fail((*path, name, "override"), f"expected append or replace, got {how!r}")
            elif "override" in body and name not in base:
                self.fail(
                    (*path, name, "override"),
                    f"'{name}' is not a built-in watchlist: there is nothing to override"
                    f"{_closest(str(name), set(base))}",
                )
            if name in base and how == "append":
                merged = base[name].extended(wl)
                fuzzy = wl.fuzzy if "fuzzy" in body else base[name].fuzzy
                wl = dataclasses.replace(merged, fuzzy=fuzzy)
            out[str(name)] = wl
        for name, wl in out.items():
            for i, other in enumerate(sorted(wl.imports.weak_needs) if wl.imports else ()):
                if other not in out or out[other].imports is not None:
                    self.fail(
                        (*path, name, "weak_needs", i),
                        f"'{other}' is not a watchlist with entries of its own"
                        f"{_closest(other, set(out))}",
                    )
        return out

    def watchlist(self, name: str, value: Any, path: Path) -> Watchlist | None:
        m = self.mapping(value, path, set(WATCHLIST_KEYS))
        if m is None:
            return None
        if "entries" not in m and "import" not in m:
            self.fail(path, "a watchlist needs 'entries', 'import' or both")
        entries = self.items(m.get("entries"), (*path, "entries"), self.entry)
        names = [e.name for e in entries]
        for i, entry_name in enumerate(names):
            if names.index(entry_name) != i:
                self.fail((*path, "entries", i, "name"), f"duplicate entry name '{entry_name}'")
        return Watchlist(
            name=name,
            entries=tuple(entries),
            description=self.string(m.get("description"), (*path, "description")),
            fuzzy=self.boolean(m.get("fuzzy"), (*path, "fuzzy"), True),
            imports=self.list_import(m, path) if "import" in m else None,
        )

    def list_import(self, m: dict[str, Any], path: Path) -> ListImport | None:
        spec = self.mapping(m["import"], (*path, "import"), set(IMPORT_KEYS), ("format", "url"))
        if spec is None or "format" not in spec or "url" not in spec:
            return None
        kind = self.string(spec["format"], (*path, "import", "format"))
        if kind not in LIST_FORMATS:
            self.fail(
                (*path, "import", "format"),
                f"unknown list format '{kind}' ({', '.join(LIST_FORMATS)})",
            )
        schemas = [
            self.string(x, (*path, "schemas", i))
            for i, x in enumerate(self.seq(m.get("schemas"), (*path, "schemas")))
        ]
        for i, schema in enumerate(schemas):
            if schema not in LIST_SCHEMAS:
                self.fail((*path, "schemas", i), f"expected one of {', '.join(LIST_SCHEMAS)}")
        programs = [
            self.string(x, (*path, "programs", i))
            for i, x in enumerate(self.seq(m.get("programs"), (*path, "programs")))
        ]
        return ListImport(
            format=kind,
            url=self.string(spec["url"], (*path, "import", "url")),
            refresh=self.duration(m.get("refresh"), (*path, "refresh"), 86400.0),
            schemas=frozenset(schemas),
            programs=frozenset(programs),
            weak_needs=frozenset(
                self.string(x, (*path, "weak_needs", i))
                for i, x in enumerate(self.seq(m.get("weak_needs"), (*path, "weak_needs")))
            ),
        )

    def entry(self, value: Any, path: Path) -> Entry | None:
        m = self.mapping(value, path, set(ENTRY_KEYS), required=("name",))
        if m is None:
            return None
        name = self.string(m.get("name"), (*path, "name"))
        aliases = self.items(m.get("aliases"), (*path, "aliases"), self.alias)
        exclude = [
            self.string(x, (*path, "exclude", i))
            for i, x in enumerate(self.seq(m.get("exclude"), (*path, "exclude")))
        ]
        named = AliasSpec(name, origin=self.origin((*path, "name")))
        return Entry(name, (named, *aliases), tuple(x for x in exclude if x))

    def alias(self, value: Any, path: Path) -> AliasSpec | None:
        if not isinstance(value, dict):
            value = {"text": value}
        m = self.mapping(value, path, set(ALIAS_KEYS))
        if m is None:
            return None
        if ("text" in m) == ("regex" in m):
            self.fail(path, "an alias needs exactly one of 'text' or 'regex'")
            return None
        case = self.boolean(m.get("case"), (*path, "case"), False)
        langs = frozenset(
            self.string(x, (*path, "langs", i)).lower()
            for i, x in enumerate(self.seq(m.get("langs"), (*path, "langs")))
        )
        exact = self.boolean(m.get("exact"), (*path, "exact"), False)
        if "regex" in m:
            pattern = self.string(m["regex"], (*path, "regex"))
            try:
                re.compile(pattern)
            except re.error as e:
                self.fail((*path, "regex"), f"invalid regular expression: {e}")
                return None
            if _nested_repeat(pattern):
                self.fail(
                    (*path, "regex"),
                    "a repetition inside a repeated group, as in (a+)+, can take exponential"
                    " time on one line of text: write it without the inner repetition",
                )
                return None
            return AliasSpec(
                pattern, case=case, exact=True, langs=langs, regex=True, origin=self.origin(path)
            )
        text = self.string(m["text"], (*path, "text") if "text" in value and len(m) > 1 else path)
        core = text.strip("*")
        if "*" in core:
            self.fail(path, f"'*' may only stand at the start or end of an alias: {text!r}")
            return None
        if not fold_plain(core):
            self.fail(path, f"alias {text!r} has no letters or digits to match")
            return None
        return AliasSpec(
            text.strip(), case=case, exact=exact, langs=langs, origin=self.origin(path)
        )

    def notify(self, value: Any, path: Path) -> dict[str, tuple[str, ...]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(
                path, f"expected a mapping of target name to Apprise URL(s), got {_kind(value)}"
            )
            return {}
        out = {}
        for name, urls in value.items():
            target: Path = (*path, name)
            listed = urls if isinstance(urls, list) else [urls]
            good = []
            for i, url in enumerate(listed):
                where = (*target, i) if isinstance(urls, list) else target
                text = self.string(url, where).strip()
                if not text:
                    # An empty ${VAR:-} leaves the target unconfigured: alerts go to the log.
                    continue
                if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
                    # Never echo the value: it may hold a webhook token.
                    self.fail(where, "expected an Apprise URL such as slack://… or tgram://…")
                    continue
                if not _apprise_loads(text):
                    scheme = text.split("://", 1)[0]
                    self.fail(
                        where,
                        f"not a valid Apprise URL ({scheme}://…: an unknown service, or a"
                        " part it needs is missing or malformed)",
                    )
                    continue
                good.append(text)
            out[str(name)] = tuple(good)
        return out

    def rule(
        self,
        value: Any,
        path: Path,
        settings: Settings,
        watchlists: Mapping[str, Watchlist],
        notify: Mapping[str, tuple[str, ...]],
        rule_names: set[str],
    ) -> Rule | None:
        m = self.mapping(value, path, set(RULE_KEYS), required=("name",))
        if m is None:
            return None
        if not m.get("all") and not m.get("any") and not m.get("list_changes"):
            self.fail(path, "a rule needs 'all', 'any' or 'list_changes'")
        changes = (
            self.mapping(
                m.get("list_changes") or {}, (*path, "list_changes"), {"lists", "programs"}
            )
            or {}
        )
        changed_lists = [
            str(x) for x in self.seq(changes.get("lists"), (*path, "list_changes", "lists"))
        ]
        for i, name in enumerate(changed_lists):
            if name not in watchlists or watchlists[name].imports is None:
                self.fail(
                    (*path, "list_changes", "lists", i),
                    f"'{name}' is not a watchlist that imports a list",
                )
        severity = self.string(m.get("severity"), (*path, "severity"), "medium")
        if severity not in SEVERITIES:
            self.fail(
                (*path, "severity"), f"expected one of {', '.join(SEVERITIES)}, got {severity!r}"
            )
            severity = "medium"
        within = m.get("within")
        if (
            within is not None
            and within != "sentence"
            and (isinstance(within, bool) or not isinstance(within, int) or within < 1)
        ):
            self.fail(
                (*path, "within"), f"expected 'sentence' or a number of words, got {within!r}"
            )
            within = None
        targets = self.seq(m.get("notify"), (*path, "notify"))
        for i, target in enumerate(targets):
            if target not in notify:
                known = ", ".join(sorted(notify)) or "none defined"
                self.fail(
                    (*path, "notify", i), f"unknown notify target '{target}' (known: {known})"
                )

        unless = [
            self.string(x, (*path, "unless_fired", i))
            for i, x in enumerate(self.seq(m.get("unless_fired"), (*path, "unless_fired")))
        ]
        for i, other in enumerate(unless):
            if other not in rule_names or other == m.get("name"):
                self.fail(
                    (*path, "unless_fired", i),
                    f"'{other}' is not another rule{_closest(other, rule_names)}",
                )

        def group(key: str) -> tuple[Condition, ...]:
            built = self.items(
                m.get(key), (*path, key), lambda v, p: self.condition(v, p, watchlists)
            )
            return tuple(built)

        # What imposers and targets may name: the places of the built-in watchlists (none to
        # check against where `builtin: false` left them out).
        places = {
            e.name
            for name in ("countries", "sanctioning_actors")
            for e in (watchlists[name].entries if name in watchlists else ())
        }

        return Rule(
            name=self.string(m.get("name"), (*path, "name")),
            all=group("all"),
            any=group("any"),
            none=group("none"),
            within=within,
            min_score=self.number(
                m.get("min_score"), (*path, "min_score"), settings.min_score, 0, 100
            ),
            severity=severity,  # type: ignore[arg-type]  # checked against SEVERITIES above
            description=self.string(m.get("description"), (*path, "description")),
            notify=tuple(str(t) for t in targets),
            list_changes=frozenset(changed_lists),
            unless_fired=tuple(unless),
            events=self.event_types(m.get("events"), (*path, "events")),
            imposers=self.places(m.get("imposers"), (*path, "imposers"), places),
            targets=self.places(m.get("targets"), (*path, "targets"), places),
            list_programs=frozenset(
                str(x)
                for x in self.seq(changes.get("programs"), (*path, "list_changes", "programs"))
            ),
            digest=None
            if m.get("digest") is None
            else self.duration(
                {"hourly": "1h", "daily": "1d"}.get(m["digest"], m["digest"]),
                (*path, "digest"),
                3600,
            ),
        )

    def event_types(self, value: Any, path: Path) -> frozenset[str]:
        """Event types, or families of them (relief: lifted, eased, delisting)."""
        out: set[str] = set()
        for i, x in enumerate(self.seq(value, path)):
            name = self.string(x, (*path, i))
            if name in EVENT_FAMILIES:
                out.update(EVENT_FAMILIES[name])
            elif name in EVENT_TYPES:
                out.add(name)
            elif name:
                known = {*EVENT_TYPES, *EVENT_FAMILIES}
                self.fail(
                    (*path, i),
                    f"unknown event type '{name}'{_closest(name, known)} (types: "
                    f"{', '.join(EVENT_TYPES)}; families: {', '.join(EVENT_FAMILIES)})",
                )
        return frozenset(out)

    def places(self, value: Any, path: Path, known: set[str]) -> frozenset[str]:
        """Jurisdictions or countries by their entry names in the built-in watchlists."""
        out = set()
        for i, x in enumerate(self.seq(value, path)):
            name = self.string(x, (*path, i))
            if known and name not in known:
                self.fail(
                    (*path, i),
                    f"'{name}' is no entry of countries or sanctioning_actors"
                    f"{_closest(name, known)}",
                )
            elif name:
                out.add(name)
        return frozenset(out)

    def condition(
        self, value: Any, path: Path, watchlists: Mapping[str, Watchlist]
    ) -> Condition | None:
        m = self.mapping(value, path, set(CONDITION_KEYS), required=("watchlist",))
        if m is None or "watchlist" not in m:
            return None
        given = m["watchlist"]
        names = (
            [self.string(x, (*path, "watchlist", i)) for i, x in enumerate(given)]
            if isinstance(given, list)
            else [self.string(given, (*path, "watchlist"))]
        )
        if not names:
            self.fail((*path, "watchlist"), "expected a watchlist name or a list of them")
        for i, name in enumerate(names):
            if name not in watchlists:
                known = ", ".join(sorted(watchlists)) or "none defined"
                where = (*path, "watchlist", i) if isinstance(given, list) else (*path, "watchlist")
                self.fail(
                    where,
                    f"unknown watchlist '{name}'{_closest(name, set(watchlists))} (known: {known})",
                )
        entries = frozenset(
            self.string(e, (*path, "entries", i))
            for i, e in enumerate(self.seq(m.get("entries"), (*path, "entries")))
        )
        known_entries = {e.name for n in names if n in watchlists for e in watchlists[n].entries}
        if all(n in watchlists and not watchlists[n].imports for n in names):
            for i, e in enumerate(self.seq(m.get("entries"), (*path, "entries"))):
                if e not in known_entries:
                    self.fail(
                        (*path, "entries", i), f"watchlist '{' | '.join(names)}' has no entry '{e}'"
                    )
        fields = tuple(self.seq(m.get("fields"), (*path, "fields"))) or FIELDS
        for i, f in enumerate(fields):
            if f not in FIELDS:
                self.fail((*path, "fields", i), f"unknown field {f!r} (title, body)")
        min_score = m.get("min_score")
        return Condition(
            watchlists=tuple(names),
            entries=entries,
            fields=tuple(f for f in fields if f in FIELDS),
            min_count=int(self.number(m.get("min_count"), (*path, "min_count"), 1, 1, 1000)),
            min_score=None
            if min_score is None
            else self.number(min_score, (*path, "min_score"), 0, 0, 100),
        )


def _nested_repeat(pattern: str) -> bool:
    """Whether a repetition stands inside a repetition, as in `(a+)+` or `(\\w*\\s?)*`: the
    shape that backtracks catastrophically on a line that almost matches. Refused as a rule,
    even where the inner part is unambiguous: a short pattern can always be written without."""
    # The stdlib's own parse of the pattern (private modules, typeshed has no stubs for them).
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    repeats = (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)

    def walk(items: Any, repeated: bool) -> bool:
        for op, arg in items:
            children: list[Any] = []
            if op in repeats:
                _, high, inner = arg
                if high > 1 and (repeated or walk(inner, True)):
                    return True
                children = [] if high > 1 else [inner]
            elif op == c.SUBPATTERN:
                children = [arg[-1]]
            elif op == c.BRANCH:
                children = list(arg[1])
            elif op in (c.ASSERT, c.ASSERT_NOT):
                children = [arg[1]]
            elif op == c.ATOMIC_GROUP:
                children = [arg]
            if any(walk(child, repeated) for child in children):
                return True
        return False

    return walk(_parser.parse(pattern), False)


def _apprise_loads(url: str) -> bool:
    """Whether Apprise can make a service of URL: an unknown scheme or a malformed part would
    otherwise be found only when the first alert fails to go out, and retried for a day."""
    import apprise  # only where a notify URL is set: `match` and `check` without one stay light

    quiet = logging.getLogger("apprise")
    level, quiet.level = quiet.level, logging.CRITICAL  # its complaint would print the URL
    try:
        return apprise.Apprise.instantiate(url, suppress_exceptions=True) is not None
    finally:
        quiet.level = level


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _closest(word: str, options: set[str]) -> str:
    import difflib

    match = difflib.get_close_matches(str(word), sorted(options), n=1, cutoff=0.75)
    return f" (did you mean '{match[0]}'?)" if match else ""
