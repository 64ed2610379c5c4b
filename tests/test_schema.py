"""The JSON Schema that editors use stays in step with the validator and the shipped copy."""

from __future__ import annotations

import json
import textwrap

import jsonschema
import pytest
import yaml

from monitor.config.load import parse_config
from monitor.config.schema import rules_schema
from monitor.errors import ConfigError
from tests.conftest import ROOT, run_cli

SCHEMA = rules_schema()


def test_the_shipped_schema_is_the_generated_one() -> None:
    """docs/rules.schema.json (what rules.yaml's first line points editors at) is current:
    regenerate it with `sanctions-monitor schema > docs/rules.schema.json`."""
    shipped = json.loads((ROOT / "docs" / "rules.schema.json").read_text(encoding="utf-8"))
    assert shipped == SCHEMA
    assert run_cli("schema").stdout.strip() == json.dumps(SCHEMA, indent=2, ensure_ascii=False)


def test_the_default_rules_and_the_docs_examples_pass_both() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    text = (ROOT / "rules.yaml").read_text(encoding="utf-8")
    jsonschema.validate(yaml.safe_load(text), SCHEMA)
    parse_config(text, "rules.yaml", {})
    assert (
        (ROOT / "rules.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=docs/rules.schema.json")
    )


BASE = {
    "watchlists": {
        "w": {"entries": [{"name": "Iran", "aliases": ["Irán", {"text": "IR", "case": True}]}]}
    },
    "rules": [{"name": "r", "all": [{"watchlist": "w"}], "within": "sentence"}],
}


@pytest.mark.parametrize(
    "broken",
    [
        {"settings": {"intervall": "5m"}},
        {"sources": [{"name": "s", "url": "https://x.example/f", "fetch_bodies": True}]},
        {"rules": [{"name": "r", "all": [{"watchlist": "w", "feilds": ["title"]}]}]},
        {"rules": [{"name": "r", "all": [{"watchlist": "w"}], "severity": "urgent"}]},
        {"watchlists": {"w": {"entries": [{"name": "Iran", "alias": ["x"]}]}}},
        {
            "watchlists": {
                "w": {"entries": [{"name": "Iran", "aliases": [{"text": "x", "cas": True}]}]}
            }
        },
        {"rules": [{"name": "r", "all": [{"watchlist": "w"}], "within": 0}]},
    ],
)
def test_what_the_validator_refuses_the_schema_refuses(broken: dict[str, object]) -> None:
    document = {**BASE, **broken}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)
    with pytest.raises(ConfigError):
        parse_config(textwrap.dedent(yaml.safe_dump(document)), "rules.yaml", {})
