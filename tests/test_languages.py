"""Every built-in language file, against what CLDR knows and what the language guess needs."""

from __future__ import annotations

import pytest

from monitor.config.builtin import language_codes
from monitor.models import Article
from monitor.pipeline import Pipeline
from monitor.text.lang import detect, profiles
from tests.written import written_cases
from tools.cldr_names import names

LANGUAGES = language_codes()
# CLDR names a language file leaves out on purpose, and why.
LEFT_OUT = {
    ("my", "မြန်မာ"): "Burmese for Myanmar, and for Burmese: in nearly every Burmese article,"
    " so my.yaml takes the junta's, the army's and the capital's names instead",
    ("kn", "ಸಂಯುಕ್ತ ಸಂಸ್ಥಾನಗಳು"): "CLDR's Kannada name for the UN is 'united states' in the"
    " plural; Kannada news says ವಿಶ್ವಸಂಸ್ಥೆ",
}


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_cldr_name_of_a_watched_place_is_found(default_pipeline: Pipeline, code: str) -> None:
    """CLDR's name of each watched country and sanctioning body in the language (from Babel:
    tools/cldr_names.py) is found as that entry, in a headline of that language."""
    missing = []
    for entry, written in names(code).items():
        for name in (n for n in written if (code, n) not in LEFT_OUT):
            result = default_pipeline.match(Article(f"cldr-{code}", name, "", lang=code))
            if entry not in {h.entry for h in result.hits}:
                missing.append(f"{entry}: {name!r}")
    assert not missing, f"{code}: CLDR names not found: {missing}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_language_file_tells_the_guess_how_to_know_it(code: str) -> None:
    """A language whose script others share says its function words: without them the guess
    could never pick it."""
    [profile] = [p for p in profiles() if p.code == code]
    assert profile.scripts
    shared = [p for p in profiles() if set(p.scripts) & set(profile.scripts) and p.code != code]
    if shared and "han" not in profile.scripts:
        assert len(profile.words) >= 10, f"{code}: its script is shared: give it `words`"


def test_the_language_of_the_written_cases_is_guessed() -> None:
    """The guess names the language of almost every written case, and rarely a wrong one (None,
    unsure, is allowed: aliases limited to some languages then apply)."""
    cases = [c for c in written_cases() if len(f"{c['title']} {c.get('body') or ''}") > 80]
    guesses = [(c["lang"], detect(f"{c['title']}\n{c.get('body') or ''}")) for c in cases]
    wrong = [(lang, guess) for lang, guess in guesses if guess not in (lang, None)]
    unsure = [lang for lang, guess in guesses if guess is None]
    assert len(wrong) <= len(cases) // 50, wrong
    assert len(unsure) <= len(cases) // 10, unsure
