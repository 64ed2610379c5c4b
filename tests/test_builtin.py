"""The built-in data and the user's rules.yaml: what ships in the package, what a user's file
says about it, and every command working with no rules file at all."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from monitor.config.builtin import STARTER, language_codes
from monitor.config.load import load_config, parse_config
from monitor.errors import ConfigError
from monitor.models import Article
from monitor.pipeline import Pipeline
from tests.conftest import DEFAULT_RULES, ROOT, run_cli, seed_article


def seed_line() -> str:
    seed = seed_article()
    return json.dumps({"id": "seed", "title": seed.title, "body": seed.body}) + "\n"


def founding_alert(stdout: str) -> None:
    [result] = [json.loads(line) for line in stdout.splitlines()]
    assert result["alert"] is True
    named = {h["entry"] for h in result["hits"]}
    assert {"Russia", "Iran", "United States", "sanctions"} <= named


def test_the_default_rules_file_is_short_and_is_the_starter() -> None:
    """The repository's rules.yaml is what `init` writes: the user's choices, not the data."""
    assert STARTER.read_text(encoding="utf-8") == DEFAULT_RULES
    assert len(DEFAULT_RULES.splitlines()) <= 200


def test_with_no_rules_file_match_runs_on_the_built_in_defaults(tmp_path: Path) -> None:
    result = run_cli("match", stdin=seed_line(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    founding_alert(result.stdout)
    assert result.stderr.strip().splitlines() == [
        "no rules.yaml here: using the built-in defaults (`sanctions-monitor init` writes one to"
        " edit)"
    ]


def test_the_rules_file_alone_in_an_empty_folder_is_enough(tmp_path: Path) -> None:
    shutil.copy(ROOT / "rules.yaml", tmp_path / "rules.yaml")
    result = run_cli("match", stdin=seed_line(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    founding_alert(result.stdout)
    assert result.stderr == ""


def test_init_writes_the_starter_and_never_overwrites_by_accident(tmp_path: Path) -> None:
    assert run_cli("init", cwd=tmp_path).returncode == 0
    written = (tmp_path / "rules.yaml").read_text(encoding="utf-8")
    assert written == STARTER.read_text(encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(written + "# mine\n", encoding="utf-8")
    again = run_cli("init", cwd=tmp_path)
    assert again.returncode == 1 and "exists" in again.stderr
    assert (tmp_path / "rules.yaml").read_text(encoding="utf-8").endswith("# mine\n")
    assert run_cli("init", "--force", cwd=tmp_path).returncode == 0
    assert run_cli("check", cwd=tmp_path).returncode == 0


def test_builtin_lists_every_language_and_shows_a_file(tmp_path: Path) -> None:
    listed = run_cli("builtin", "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    for code in language_codes():
        assert f"\n  {code} " in listed.stdout
    shown = run_cli("builtin", "show", "de", cwd=tmp_path)
    assert shown.returncode == 0
    assert shown.stdout == (ROOT / "monitor/languages/de.yaml").read_text(encoding="utf-8")
    missing = run_cli("builtin", "show", "xx", cwd=tmp_path)
    assert missing.returncode == 1 and "no built-in file 'xx'" in missing.stderr


def user(text: str, builtin: str = "{sources: false}") -> Pipeline:
    return Pipeline(parse_config(f"builtin: {builtin}\n" + text, "mine.yaml", {}))


RULE = "rules: [{name: r, all: [{watchlist: countries}, {watchlist: sanctions_terms}]}]\n"


def test_a_user_watchlist_named_as_a_built_in_one_extends_it() -> None:
    """Extra aliases and excludes for a built-in entry, and an extra entry; the built-in
    aliases stay, and `explain` can tell which file each alias came from."""
    pipeline = user(
        "watchlists:\n"
        "  countries:\n"
        "    entries:\n"
        "      - {name: Russia, aliases: [Moskovia], exclude: [Russia Today]}\n"
        "      - {name: Afghanistan, aliases: [Kabul]}\n" + RULE
    )
    hits = pipeline.match(Article("a", "Moskovia, Kabul and Russia: sanctions", "")).hits
    by_text = {h.text: h for h in hits}
    assert by_text["Moskovia"].entry == "Russia" and by_text["Moskovia"].origin == "mine.yaml:5"
    assert by_text["Kabul"].entry == "Afghanistan"
    builtin = (ROOT / "monitor" / "builtin" / "watchlists.yaml").read_text(encoding="utf-8")
    line = builtin.splitlines().index("    - name: Russia") + 1
    assert by_text["Russia"].origin == f"monitor/builtin/watchlists.yaml:{line}"  # the entry name
    vetoed = pipeline.match(Article("b", "Russia Today sanctions", "")).hits
    assert "Russia" not in {h.entry for h in vetoed}


def test_override_replace_puts_the_users_watchlist_in_place_of_the_built_in_one() -> None:
    pipeline = user(
        "watchlists:\n"
        "  countries:\n"
        "    override: replace\n"
        "    entries: [{name: Atlantis, aliases: [Atlantis]}]\n" + RULE
    )
    assert [e.name for e in pipeline.config.watchlists["countries"].entries] == ["Atlantis"]
    assert not pipeline.match(Article("a", "Russia sanctions", "")).fired


def test_a_language_switched_off_takes_its_aliases_with_it() -> None:
    seed = seed_article()
    article = Article("seed", seed.title, seed.body, lang="id")
    assert user(RULE).match(article).fired
    without = user(RULE, builtin="{sources: false, skip_languages: [id, ms]}")
    assert "id" not in without.config.languages
    assert "Iran" in {h.entry for h in without.match(article).hits}  # Iran* is English too
    assert "sanctions" not in {h.entry for h in without.match(article).hits}


def test_a_wrong_builtin_choice_names_the_file_line_and_key() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("builtin:\n  languages: [en, xx]\n" + RULE, "mine.yaml", {})
    assert str(caught.value).startswith(
        "mine.yaml:2: builtin.languages[1]: no built-in language 'xx'"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(
            "watchlists:\n  mine:\n    override: replace\n    entries: []\n" + RULE, "mine.yaml", {}
        )
    assert "mine.yaml:3: watchlists.mine.override: 'mine' is not a built-in watchlist" in str(
        caught.value
    )


def test_builtin_false_leaves_only_the_users_own() -> None:
    config = load_config(ROOT / "rules.yaml")
    assert config.sources and "countries" in config.watchlists
    bare = parse_config(
        "builtin: false\nwatchlists: {w: {entries: [{name: x}]}}\nrules: [{name: r, all: [{watchlist: w}]}]\n"
    )
    assert not bare.sources and list(bare.watchlists) == ["w"] and bare.languages == ()


def test_a_mistake_in_a_language_file_is_reported_at_its_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A built-in file is checked like the user's: an unknown entry, a bad alias, a file that
    says another language, an ordinal with no number, each as FILE:LINE: key: message."""
    from monitor.config import builtin

    folder = tmp_path / "languages"
    folder.mkdir()
    (folder / "xx.yaml").write_text(
        "language: yy\nname: Test\nscript: latin\nordinals:\n  twelve: twelfth\n"
        "watchlists:\n  countries:\n"
        "    Atlantis: [Atlantis]\n    Russia: [{text: '*'}]\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(builtin, "LANGUAGES", folder)
    monkeypatch.setenv("MONITOR_CACHE", "off")
    with pytest.raises(ConfigError) as caught:
        builtin._vocabularies(("xx",))
    assert all(p.file == str(folder / "xx.yaml") for p in caught.value.problems)
    lines = [str(p).split(": ", 1)[1] for p in caught.value.problems]
    assert [p.line for p in caught.value.problems] == [1, 5, 8, 9]
    assert lines[0] == "language: says 'yy', but the file is named xx.yaml"
    assert lines[1] == "ordinals.twelve: expected a whole number from 1 to 1000"
    assert lines[2].startswith("watchlists.countries.Atlantis: 'countries' has no entry 'Atlantis'")
    assert "has no letters or digits to match" in lines[3]
