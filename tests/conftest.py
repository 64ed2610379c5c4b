from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.config.load import parse_config
from monitor.models import Article
from monitor.pipeline import Pipeline
from tests.shared import shared_path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

# The default rules import the official lists from their publishers; tests (and the processes
# they start) read small lists of fictional entries in the same formats, written by us, from
# tests/fixtures instead: no network, and no file of ../shared needed.
DEFAULT_LIST_COPIES = {
    "MONITOR_OFAC_SDN_LIST_URL": FIXTURES / "lists/ofac_sdn_sample/sdn.csv",
    "MONITOR_UN_LIST_URL": FIXTURES / "lists/un_sc_sample.xml",
    "MONITOR_EU_LIST_URL": FIXTURES / "lists/eu_fsf_sample.xml",
    "MONITOR_UK_LIST_URL": FIXTURES / "lists/uk_sanctions_list_sample.xml",
}
for _name, _path in DEFAULT_LIST_COPIES.items():
    os.environ[_name] = str(_path)
# What is compiled from the built-in data is cached in a folder of this test run, not the user's.
os.environ["MONITOR_CACHE"] = tempfile.mkdtemp(prefix="monitor-cache-")


DEFAULT_RULES = (ROOT / "rules.yaml").read_text(encoding="utf-8")
# The default rules' `rules:` and `notify:`, to follow a test's own settings and sources.
DEFAULT_RULES_TAIL = DEFAULT_RULES[DEFAULT_RULES.index("\nrules:\n") + 1 :]


def rules_with_sources(sources: str) -> str:
    """The default rules.yaml with these sources (YAML list items) instead of the built-in ones,
    which are on the internet."""
    text = DEFAULT_RULES.replace("  sources: true", "  sources: false", 1)
    assert "\nsources:\n" in text and text != DEFAULT_RULES
    return text.replace("\nsources:\n", "\nsources:\n" + sources, 1)


def pipeline_from(yaml_text: str, env: dict[str, str] | None = None) -> Pipeline:
    """A pipeline of exactly the watchlists and rules given: none of the built-in data."""
    text = "builtin: false\n" + textwrap.dedent(yaml_text)
    return Pipeline(parse_config(text, "test.yaml", env or {}))


def entries(
    pipeline: Pipeline, title: str = "", body: str = "", lang: str | None = None
) -> set[str]:
    return {h.entry for h in pipeline.matcher.find(Article("t", title, body, lang=lang))}


def run_cli(
    *args: str, stdin: str | None = None, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it: a separate process, `python -m monitor`, with ENV added to
    this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def shared_file() -> Callable[[str], Path]:
    """A third-party file by its path under ../shared/fixtures, e.g.
    `shared_file("feeds/guardian_us_rss.xml")`: the test is skipped where the folder is absent
    (a user's clone) and fails under CI (tests/shared.py)."""
    return shared_path


@pytest.fixture(scope="session")
def default_pipeline() -> Pipeline:
    return Pipeline.from_file(ROOT / "rules.yaml")


def seed_article() -> Article:
    lines = (FIXTURES / "seed" / "000_e4b90f5545c06f14.txt").read_text(encoding="utf-8").split("\n")
    return Article("seed", lines[2].strip(), "\n".join(lines[4:]), lang="id")
