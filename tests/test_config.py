"""rules.yaml validation: every problem reported with file, line and key; never a traceback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from monitor.config.load import load_config, parse_config
from monitor.errors import ConfigError
from tests.conftest import run_cli

VALID = """\
settings:
  interval: 10m
watchlists:
  countries:
    entries:
      - name: Russia
        aliases: [Rusia]
  terms:
    fuzzy: false
    entries:
      - name: sanctions
rules:
  - name: r
    all:
      - watchlist: countries
      - watchlist: terms
    within: sentence
    notify: [team]
notify:
  team: ${TEAM_URL:-json://localhost/}
builtin: false  # only the watchlists above
"""


def problems(text: str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as e:
        parse_config(textwrap.dedent(text), "rules.yaml", env or {})
    return [str(p) for p in e.value.problems]


def test_valid_file_builds_typed_config() -> None:
    """A valid file gives typed values: durations in seconds, env fallbacks applied."""
    config = parse_config(VALID, "rules.yaml", {})
    assert config.settings.interval == 600
    assert config.rules[0].within == "sentence"
    assert config.notify["team"] == ("json://localhost/",)
    assert [e.name for e in config.watchlists["countries"].entries] == ["Russia"]


def test_unknown_watchlist_names_file_line_and_key() -> None:
    """A rule naming a watchlist that does not exist is reported at its line, with a suggestion."""
    text = VALID.replace("- watchlist: countries", "- watchlist: contries")
    assert problems(text) == [
        "rules.yaml:15: rules[0].all[0].watchlist: unknown watchlist 'contries' "
        "(did you mean 'countries'?) (known: countries, terms)"
    ]


def test_yaml_syntax_error_has_line() -> None:
    """A YAML syntax error names the line where the parser stopped."""
    text = VALID.replace("aliases: [Rusia]", "aliases: [Rusia")
    [problem] = problems(text)
    assert problem.startswith("rules.yaml:8: YAML syntax error")


def test_typo_in_a_key_is_not_silently_ignored() -> None:
    """A misspelt key is an error naming the key it probably meant."""
    text = VALID.replace("    within: sentence", "    whithin: sentence")
    [problem] = problems(text)
    assert problem.startswith(
        "rules.yaml:17: rules[0].whithin: unknown key (did you mean 'within'?)"
    )


def test_every_problem_is_reported_at_once() -> None:
    """Bad regex, wrong type, unknown target, bad duration and a duplicate key, all together."""
    text = (
        VALID.replace("interval: 10m", "interval: soon")
        .replace("aliases: [Rusia]", "aliases: [Rusia, {regex: 'Ros(s'}]")
        .replace("notify: [team]", "notify: [slack]\n    min_score: high")
        .replace("      - name: sanctions", "      - name: sanctions\n        name: embargo")
    )
    found = problems(text)
    assert any(p.startswith("rules.yaml:2: settings.interval: expected a duration") for p in found)
    assert any(
        p.startswith(
            "rules.yaml:7: watchlists.countries.entries[0].aliases[1].regex: invalid regular expression"
        )
        for p in found
    )
    assert any(
        p.startswith("rules.yaml:12: watchlists.terms.entries[0].name: duplicate key")
        for p in found
    )
    assert any(
        p.startswith("rules.yaml:19: rules[0].notify[0]: unknown notify target 'slack'")
        for p in found
    )
    assert any(p.startswith("rules.yaml:20: rules[0].min_score: expected a number") for p in found)
    assert len(found) == 5


def test_environment_variables_fill_secrets_and_missing_ones_are_errors() -> None:
    """`${VAR}` comes from the environment; an unset one without fallback is an error."""
    text = VALID.replace("${TEAM_URL:-json://localhost/}", "${TEAM_URL}")
    url = "slack://T1ABCDEFG/B1ABCDEFG/secrettokensecrettokenab"
    config = parse_config(text, "rules.yaml", {"TEAM_URL": url})
    assert config.notify["team"] == (url,)
    assert problems(text) == [
        "rules.yaml:20: notify.team: environment variable TEAM_URL is not set"
    ]


def test_a_bad_notify_url_is_reported_without_echoing_it() -> None:
    """A malformed URL may still hold a token: the error must not print it."""
    text = VALID.replace("${TEAM_URL:-json://localhost/}", "${TEAM_URL}")
    [problem] = problems(text, {"TEAM_URL": "hooks.slack.com/services/T0/B0/verysecret"})
    assert "verysecret" not in problem
    assert problem.startswith("rules.yaml:20: notify.team: expected an Apprise URL")


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the rules file"):
        load_config(tmp_path / "missing.yaml")


def test_check_command_exit_codes_and_messages(tmp_path: Path) -> None:
    """`check` exits 0 on a valid file and 2 with FILE:LINE errors and no traceback otherwise."""
    good = tmp_path / "rules.yaml"
    good.write_text(VALID, encoding="utf-8")
    ok = run_cli("check", "--rules", str(good))
    assert ok.returncode == 0, ok.stderr
    assert "OK" in ok.stdout

    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("watchlist: terms", "watchlist: term"), encoding="utf-8")
    result = run_cli("--rules", str(bad), "check")
    assert result.returncode == 2
    assert f"{bad}:16: rules[0].all[1].watchlist: unknown watchlist 'term'" in result.stderr
    assert "Traceback" not in result.stderr

    broken = tmp_path / "broken.yaml"
    broken.write_text("watchlists: {a: [\nrules: x\n", encoding="utf-8")
    result = run_cli("check", "--rules", str(broken))
    assert result.returncode == 2
    assert f"{broken}:3: YAML syntax error" in result.stderr
    assert "it began on line 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_path_from_environment(tmp_path: Path) -> None:
    """MONITOR_RULES names the rules file when --rules is not given."""
    import os
    import subprocess
    import sys

    good = tmp_path / "r.yaml"
    good.write_text(VALID, encoding="utf-8")
    env = {**os.environ, "MONITOR_RULES": str(good)}
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert str(good) in result.stdout


def test_a_bare_number_where_a_duration_is_expected_asks_for_its_unit(tmp_path: Path) -> None:
    """`interval: 15` is not silently 15 seconds: FILE:LINE: key: did you mean 15m?"""
    path = tmp_path / "rules.yaml"
    path.write_text(
        "settings:\n  interval: 15\n"
        "watchlists:\n  w: {entries: [{name: x, aliases: [x]}]}\n"
        "rules:\n  - {name: r, all: [{watchlist: w}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}:2: settings.interval: 15 has no unit: did you mean 15m (or 15s)?"
    )


def test_a_notify_url_apprise_cannot_load_is_an_error_that_hides_the_secret(
    tmp_path: Path,
) -> None:
    """`check` loads every notify URL with Apprise: an unknown service or a malformed part is
    FILE:LINE: notify.NAME: ..., and the URL (it may hold a token) is never printed."""
    path = tmp_path / "rules.yaml"
    path.write_text(
        "watchlists:\n  w: {entries: [{name: x, aliases: [x]}]}\n"
        "rules:\n  - {name: r, all: [{watchlist: w}]}\n"
        "notify:\n"
        "  good: slack://T1ABCDEFG/B1ABCDEFG/abcdefghijklmnopqrstuvwx\n"
        "  unknown: foo://secret-token-1\n"
        "  port: json://secret-token-2:notaport/\n",
        encoding="utf-8",
    )
    result = run_cli("check", "--rules", str(path))
    assert result.returncode == 2
    assert f"{path}:7: notify.unknown: not a valid Apprise URL (foo://…" in result.stderr
    assert f"{path}:8: notify.port: not a valid Apprise URL (json://…" in result.stderr
    assert "secret-token" not in result.stderr + result.stdout
    assert "notify.good" not in result.stderr


def bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\nwatchlists: {}\nrules: []\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (bomb(), ":2: refused: aliases expand to more than 10,000 values (an alias bomb?)"),
        ("x: " + "[" * 20_000 + "]" * 20_000 + "\n", ":1: refused: nested more than 64 levels"),
        ("# " + "x" * (11 * 1024 * 1024) + "\n", ": refused: 11,534,339 characters: larger"),
    ],
    ids=["alias bomb", "20,000 levels", "11 MB"],
)
def test_a_hostile_rules_file_is_refused_fast_with_its_line(
    tmp_path: Path, text: str, message: str
) -> None:
    """A YAML alias bomb, absurd nesting, an enormous file: `check` says so in one line and
    exits 2, within a second or two, with no traceback and no memory blow-up."""
    import time

    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = run_cli("check", "--rules", str(path))
    assert time.monotonic() - started < 15  # the process's start included; the parse is < 1 s
    assert result.returncode == 2
    assert f"{path}{message}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr) < 1000


def test_a_regex_alias_that_can_backtrack_without_end_is_refused_at_check() -> None:
    """`(a+)+$` passes as a pattern but can take exponential time on one line of text: it is
    refused with its line; a regex alias of ordinary shape is accepted."""
    text = textwrap.dedent(
        """\
        watchlists:
          w:
            entries:
              - name: x
                aliases:
                  - {regex: '(?:EU|UN) sanctions?'}
                  - {regex: '(a+)+$'}
        rules:
          - {name: r, all: [{watchlist: w}]}
        """
    )
    assert problems(text) == [
        "rules.yaml:7: watchlists.w.entries[0].aliases[1].regex: a repetition inside a repeated"
        " group, as in (a+)+, can take exponential time on one line of text: write it without"
        " the inner repetition"
    ]
