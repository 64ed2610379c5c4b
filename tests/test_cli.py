"""The command-line contract: `match`, `explain` and `watchlists` as other tools call them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

RULES = """\
watchlists:
  countries:
    entries:
      - name: Russia
        aliases: [Rusia, "Росси*"]
      - name: Iran
  terms:
    fuzzy: false
    entries:
      - name: sanctions
        aliases: ["sanksi*", "санкци*", "sanction*"]
rules:
  - name: sanctions-country
    all: [{watchlist: countries}, {watchlist: terms}]
    within: sentence
builtin: false  # only the watchlists above
"""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


def test_match_writes_one_line_per_article_in_order(rules: Path) -> None:
    articles = [
        {"id": "a1", "title": "Sanksi baru untuk Rusia", "body": "", "lang": "id"},
        {"id": 2, "title": "Weather", "body": "Sunny in Tehran."},
        {"id": "a3", "title": "", "body": "Новые санкции против России."},
    ]
    stdin = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles)
    result = run_cli("match", "--rules", str(rules), stdin=stdin)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a1", "2", "a3"]
    assert [o["alert"] for o in out] == [True, False, True]
    assert out[0]["rules"] == ["sanctions-country"]
    hit = next(h for h in out[0]["hits"] if h["entry"] == "Russia")
    assert hit == {
        "watchlist": "countries",
        "entry": "Russia",
        "alias": "Rusia",
        "text": "Rusia",
        "field": "title",
        "start": 18,
        "end": 23,
        "score": 100.0,
    }
    assert {h["text"] for h in out[2]["hits"]} == {"санкции", "России"}


def test_match_reads_a_file_and_reports_bad_lines_without_stopping(
    rules: Path, tmp_path: Path
) -> None:
    """A malformed line gets an error line in its place; the others are still matched; exit 1."""
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "ok1", "title": "Iran sanctions"}\n'
        "not json\n"
        '{"title": "no id"}\n'
        '{"id": "ok2", "title": "Iran", "body": 5}\n'
        "\n"
        '{"id": "ok3", "title": "Rusia"}\n',
        encoding="utf-8",
    )
    result = run_cli("match", str(path), "--rules", str(rules))
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["ok1", None, None, None, "ok3"]
    assert [o.get("line") for o in out[1:4]] == [2, 3, 4]
    assert f"{path}:2: not valid JSON" in result.stderr
    assert "'body' must be text" in result.stderr
    assert "Traceback" not in result.stderr


def test_match_reports_a_line_that_is_not_utf8_and_reads_on(rules: Path, tmp_path: Path) -> None:
    """One byte that is not UTF-8 costs its line, as one error line; a byte order mark at the
    start is accepted; the lines after are matched; exit 1."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"id": "bom", "title": "Iran sanctions"}\n'
        b'{"id": "bad", "title": "Iran \xff sanctions"}\n'
        b'{"id": "after", "title": "Rusia sanksi"}\n'
    )
    result = run_cli("match", str(path), "--rules", str(rules))
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o.get("id"), o.get("alert")) for o in out] == [
        ("bom", True),
        (None, None),
        ("after", True),
    ]
    assert f"{path}:2: not UTF-8 (byte 0xff at column 30)" in result.stderr
    assert "Traceback" not in result.stderr


def test_match_streams_many_articles(rules: Path) -> None:
    """Tens of thousands of articles pass through without being held in memory at once."""
    n = 20_000
    stdin = "".join(
        json.dumps({"id": i, "title": "Iran sanctions" if i % 2 else "Weather"}) + "\n"
        for i in range(n)
    )
    result = run_cli("match", "--rules", str(rules), stdin=stdin)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == n
    assert sum(json.loads(line)["alert"] for line in lines) == n // 2


def test_explain_shows_each_rule_and_the_words_in_context(rules: Path) -> None:
    result = run_cli(
        "explain", "--rules", str(rules), "--title", "Rusia dan Iran lawan sanksi", "--lang", "id"
    )
    assert result.returncode == 0, result.stderr
    assert "✔ sanctions-country: FIRED" in result.stdout
    assert "«Rusia» dan Iran lawan sanksi" in result.stdout
    line = RULES.splitlines().index('        aliases: [Rusia, "Росси*"]') + 1
    assert f"countries/Russia ×1: 'Rusia' (Rusia, {rules}:{line}, 100)" in result.stdout


def test_explain_says_why_a_rule_did_not_fire(rules: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.json"
    article.write_text(
        json.dumps({"id": "x", "title": "Iran wins", "body": "Sanctions elsewhere."})
    )
    result = run_cli("explain", str(article), "--rules", str(rules))
    assert result.returncode == 0, result.stderr
    assert (
        "✘ sanctions-country: not fired — countries and terms never within the same sentence"
        in result.stdout
    )


def test_explain_without_an_article_is_a_clear_error(rules: Path) -> None:
    result = run_cli("explain", "--rules", str(rules))
    assert result.returncode == 1
    assert result.stderr.startswith("error: give an article")


def test_watchlists_lists_compiled_aliases(rules: Path) -> None:
    result = run_cli("watchlists", "--rules", str(rules))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    russia = next(r for r in records if r["entry"] == "Russia")
    assert russia["watchlist"] == "countries"
    assert russia["aliases"] == ["Russia", "Rusia", "Росси*"]
    compiled = {c["alias"]: c for c in russia["compiled"]}
    assert compiled["Росси*"]["normalized"] == "росси"
    assert compiled["Росси*"]["open_end"] is True
    line = RULES.splitlines().index('        aliases: [Rusia, "Росси*"]') + 1
    assert compiled["Росси*"]["origin"] == f"{rules}:{line}"  # where it is written
    assert [r["entry"] for r in records] == ["Russia", "Iran", "sanctions"]


@pytest.mark.parametrize("command", ["check", "match", "explain", "watchlists"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert "example:" in result.stdout and "sanctions-monitor" in result.stdout


def test_python_dash_m_and_console_script_are_the_same_program(rules: Path) -> None:
    import shutil
    import subprocess
    import sys

    script = shutil.which("sanctions-monitor", path=str(Path(sys.executable).parent))
    assert script is not None, "the console script is installed next to the interpreter"
    a = subprocess.run([script, "check", "--rules", str(rules)], capture_output=True, text=True)
    b = run_cli("check", "--rules", str(rules))
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout
