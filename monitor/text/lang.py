"""A small language guess for articles that do not say their language.

Only as good as aliases limited to some languages (`langs: [id, ms]`) need: script first, then
function words for Latin-script languages. Returns None when unsure, and such aliases then apply.
"""

from __future__ import annotations

import re
from collections import Counter

_FUNCTION_WORDS = {
    "en": "the of and to in is that for on with was said by from has have are",
    "id": "dan yang di ini itu dengan untuk dari pada tidak akan dalam adalah telah juga kata",
    "ms": "dan yang di ini itu dengan untuk dari pada tidak akan dalam ialah telah kerana bagi",
    "es": "el la de que y en los las del se por un una con para es al lo como",
    "pt": "o a de que e do da em os as no na um uma para com não por foi",
    "fr": "le la les de des et est un une du en que pour dans sur au aux qui",
    "de": "der die das und ist nicht den dem des ein eine mit von zu auf für sich im",
    "it": "il la di che e le del della un una per con non sono gli nel alla",
    "tr": "ve bir bu da de ile için olarak olan gibi daha çok ancak kadar sonra",
    "vi": "của và là các những được trong cho với này không có đã người một",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
# Words that are never names: the matcher does not look for typos of names in them.
FUNCTION_WORDS = frozenset().union(*_WORDS.values())
_LANGS_OF = {w: tuple(lang for lang, words in _WORDS.items() if w in words) for w in FUNCTION_WORDS}
_WORD = re.compile(r"\w+")


def detect(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None."""
    sample = text[:3000]
    by_script = _by_script(sample)
    if by_script is not None:
        return by_script
    counts: Counter[str] = Counter()
    for word in _WORD.findall(sample[:1500].lower()):
        counts.update(_LANGS_OF.get(word, ()))
    if not counts:
        return None
    (best, n), *rest = [*counts.most_common(2), ("", 0)]
    if best in ("id", "ms"):  # the two share most function words
        return "ms" if counts["ms"] > counts["id"] else "id"
    return best if n >= 2 and n > rest[0][1] else None


def _by_script(text: str) -> str | None:
    text = text[:1500]
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPTS.items()}
    script, count = max(counts.items(), key=lambda kv: kv[1])
    if count < 3 or count < len(_LATIN.findall(text)):
        return None  # mostly Latin script: a quoted Россия does not make a text Russian
    if script == "han":
        return "ja" if counts["kana"] else "zh"
    if script == "arabic":
        if re.search("[ٹڈڑںے]", text):
            return "ur"
        return "fa" if re.search("[پچژگ]|ی|ک", text) else "ar"
    if script == "cyrillic":
        if re.search("[ўЎ]", text):
            return "be"
        return "uk" if re.search("[іїєґІЇЄҐ]", text) else "ru"
    return {"kana": "ja", "hangul": "ko", "devanagari": "hi", "greek": "el", "thai": "th"}[script]


_LATIN = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_SCRIPTS = {
    name: re.compile(f"[{ranges}]")
    for name, ranges in {
        "greek": "\u0370-\u03ff",
        "cyrillic": "\u0400-\u052f",
        "arabic": "\u0600-\u06ff",
        "devanagari": "\u0900-\u097f",
        "thai": "\u0e00-\u0e7f",
        "kana": "\u3040-\u30ff",
        "han": "\u3400-\u9fff",
        "hangul": "\uac00-\ud7a3",
    }.items()
}


def same_language(code: str, wanted: frozenset[str]) -> bool:
    """`zh-Hant` counts as `zh`, `pt-BR` as `pt`."""
    return code.split("-")[0].split("_")[0].lower() in wanted
