"""rules.yaml as a JSON Schema, for editors (VS Code's YAML extension completes and checks keys
as the user types). Built from the same key sets as the validator; `check` stays the source of
truth for what the schema cannot say (unknown watchlists, regexes, environment variables)."""

from __future__ import annotations

import dataclasses
from typing import Any

from monitor.config.check import (
    ALIAS_KEYS,
    BUILTIN_KEYS,
    CONDITION_KEYS,
    ENTRY_KEYS,
    IMPORT_KEYS,
    LIST_SCHEMAS,
    RULE_KEYS,
    SOURCE_KEYS,
    SOURCE_OPTIONS,
    TOP_KEYS,
    WATCHLIST_KEYS,
)
from monitor.config.model import LIST_FORMATS, SEVERITIES, SOURCE_TYPES, Settings
from monitor.models import EVENT_FAMILIES, EVENT_TYPES, FIELDS

DURATION: dict[str, Any] = {
    "description": "a duration with its unit: 30s, 15m, 6h, 1d",
    "type": "string",
    "pattern": r"^\s*\d+(\.\d+)?\s*[smhd]\s*$",
}
TEXT = {"type": "string"}
TEXTS = {"type": "array", "items": TEXT}


def _object(
    properties: dict[str, Any], keys: frozenset[str], required: list[str] | None = None
) -> dict[str, Any]:
    assert set(properties) == keys, set(properties) ^ keys  # one definition per accepted key
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def rules_schema() -> dict[str, Any]:
    durations = {
        "interval",
        "jitter",
        "retention",
        "story_window",
        "timeout",
        "max_backoff",
        "delivery_max_age",
        "flood_window",
        "ops_after",
    }
    settings = {
        f.name: DURATION
        if f.name in durations
        else {"type": "number"}
        if f.type in ("float", "int")
        else TEXT
        for f in dataclasses.fields(Settings)
    }
    settings["template"] = {"type": "string", "description": "the alert message, CommonMark"}
    source = _object(
        {
            "name": TEXT,
            "url": TEXT,
            "type": {"enum": list(SOURCE_TYPES)},
            "interval": DURATION,
            "fetch_body": {"enum": ["auto", True, False]},
            "lang": TEXT,
            "headers": {"type": "object", "additionalProperties": TEXT},
            "query": TEXT,
            "items": TEXT,
            "fields": {"type": "object", "additionalProperties": TEXT},
            "link_selector": TEXT,
            "max_items": {"type": "integer", "minimum": 1},
        },
        SOURCE_KEYS | SOURCE_OPTIONS,
        ["name", "url"],
    )
    alias = {
        "anyOf": [
            TEXT,
            _object(
                {
                    "text": TEXT,
                    "regex": TEXT,
                    "case": {"type": "boolean"},
                    "exact": {"type": "boolean"},
                    "langs": TEXTS,
                },
                ALIAS_KEYS,
            ),
        ]
    }
    entry = _object(
        {"name": TEXT, "aliases": {"type": "array", "items": alias}, "exclude": TEXTS},
        ENTRY_KEYS,
        ["name"],
    )
    list_import = _object(
        {"format": {"enum": list(LIST_FORMATS)}, "url": TEXT}, IMPORT_KEYS, ["format", "url"]
    )
    watchlist = _object(
        {
            "description": TEXT,
            "fuzzy": {"type": "boolean"},
            "entries": {"type": "array", "items": entry},
            "import": list_import,
            "refresh": DURATION,
            "schemas": {"type": "array", "items": {"enum": list(LIST_SCHEMAS)}},
            "programs": TEXTS,
            "weak_needs": TEXTS,
            "override": {"enum": ["append", "replace"]},
        },
        WATCHLIST_KEYS,
    )
    watchlist["anyOf"] = [{"required": ["entries"]}, {"required": ["import"]}]
    condition = _object(
        {
            "watchlist": {"anyOf": [TEXT, TEXTS]},
            "entries": TEXTS,
            "fields": {"type": "array", "items": {"enum": list(FIELDS)}},
            "min_count": {"type": "integer", "minimum": 1},
            "min_score": {"type": "number", "minimum": 0, "maximum": 100},
        },
        CONDITION_KEYS,
        ["watchlist"],
    )
    conditions = {"type": "array", "items": condition}
    rule = _object(
        {
            "name": TEXT,
            "description": TEXT,
            "severity": {"enum": list(SEVERITIES)},
            "all": conditions,
            "any": conditions,
            "none": conditions,
            "within": {"anyOf": [{"const": "sentence"}, {"type": "integer", "minimum": 1}]},
            "min_score": {"type": "number", "minimum": 0, "maximum": 100},
            "notify": TEXTS,
            "digest": {"anyOf": [{"enum": ["hourly", "daily"]}, DURATION]},
            "list_changes": {
                "type": "object",
                "properties": {"lists": TEXTS, "programs": TEXTS},
                "additionalProperties": False,
            },
            "unless_fired": TEXTS,
            "events": {
                "type": "array",
                "items": {"enum": [*EVENT_TYPES, *EVENT_FAMILIES]},
                "description": "Only articles with an event of these types or families",
            },
            "imposers": {**TEXTS, "description": "Only events by one of these jurisdictions"},
            "targets": {**TEXTS, "description": "Only events aimed at one of these"},
        },
        RULE_KEYS,
        ["name"],
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sanctions-monitor rules.yaml",
        **_object(
            {
                "settings": {
                    "type": "object",
                    "properties": settings,
                    "additionalProperties": False,
                },
                "builtin": {
                    "anyOf": [
                        {"type": "boolean"},
                        _object(
                            {
                                "sources": {"type": "boolean"},
                                "lists": {"type": "boolean"},
                                "languages": {"anyOf": [{"const": "all"}, TEXTS]},
                                "skip_languages": TEXTS,
                            },
                            BUILTIN_KEYS,
                        ),
                    ]
                },
                "sources": {"type": ["array", "null"], "items": source},
                "watchlists": {"type": ["object", "null"], "additionalProperties": watchlist},
                "rules": {"type": "array", "items": rule},
                "notify": {
                    "type": ["object", "null"],
                    "additionalProperties": {"anyOf": [TEXT, TEXTS]},
                },
            },
            TOP_KEYS,
            ["rules"],
        ),
    }
