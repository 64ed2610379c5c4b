"""`alerts` and `alerts --json` as a user runs them, after `once` polled a real local feed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli, seed_article
from tests.feedserver import FeedServer, feed_server
from tests.test_daemon import rules_file
from tests.test_polling import rss

__all__ = ["feed_server"]


def polled(feed_server: FeedServer, tmp_path: Path) -> tuple[Path, Path]:
    seed = seed_article()
    url = feed_server.route(
        "/r.xml", rss(("rep-1", seed.title, "http://127.0.0.1/rep", seed.body[:1500]), lang="id")
    )
    rules = tmp_path / "rules.yaml"
    rules_file(rules, f"  - {{name: republika, url: '{url}', fetch_body: false}}\n")
    state = tmp_path / "state"
    once = run_cli("once", "--rules", str(rules), "--state", str(state))
    assert once.returncode == 0, once.stderr
    return rules, state


def test_alerts_as_json_lines_for_scripts(feed_server: FeedServer, tmp_path: Path) -> None:
    rules, state = polled(feed_server, tmp_path)
    shown = run_cli("alerts", "--json", "--rules", str(rules), "--state", str(state))
    assert shown.returncode == 0, shown.stderr
    [line] = shown.stdout.splitlines()
    record = json.loads(line)
    assert set(record) == {
        "id",
        "created_at",
        "rule",
        "severity",
        "status",
        "event",
        "hits",
        "story",
    }
    assert (record["rule"], record["severity"]) == ("sanctions-country", "high")
    assert record["event"]["type"] in {"countered", "imposed"}
    assert "United States" in record["event"]["imposers"] + record["event"]["targets"]
    assert {"Russia", "Iran", "United States"} <= {h["entry"] for h in record["hits"]}
    [copy] = record["story"]["copies"]
    assert copy["source"] == "republika" and copy["lang"] == "id"
    assert copy["url"] == "http://127.0.0.1/rep" and copy["title"] == seed_article().title
    assert record["story"]["first_seen"] <= record["created_at"]


def test_alerts_since_a_time_or_an_age(feed_server: FeedServer, tmp_path: Path) -> None:
    rules, state = polled(feed_server, tmp_path)

    def count(*args: str) -> int:
        shown = run_cli("alerts", "--json", *args, "--rules", str(rules), "--state", str(state))
        assert shown.returncode == 0, shown.stderr
        return len(shown.stdout.splitlines())

    assert count("--since", "1h") == 1
    assert count("--since", "2000-01-01") == 1
    assert count("--since", "2999-01-01T00:00Z") == 0
    assert count("--limit", "0") == 0
    wrong = run_cli("alerts", "--since", "yesterday", "--state", str(state))
    assert wrong.returncode == 2
    assert "expected a time such as 2026-12-01T08:00Z or an age such as 6h" in wrong.stderr


def test_alerts_for_a_person_lead_with_the_event(feed_server: FeedServer, tmp_path: Path) -> None:
    rules, state = polled(feed_server, tmp_path)
    shown = run_cli("alerts", "--rules", str(rules), "--state", str(state))
    assert shown.returncode == 0, shown.stderr
    first, *_, copies = shown.stdout.splitlines()
    assert first.startswith("ALERT [high] sanctions-country: ")
    assert first.endswith(f": {seed_article().title}") and " · " in first
    assert "story #1: 1 copy (republika)" in copies
