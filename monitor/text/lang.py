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
_WORD = re.compile(r"\w+")


def detect(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None."""
    sample = text[:3000]
    by_script = _by_script(sample)
    if by_script is not None:
        return by_script
    counts: Counter[str] = Counter()
    for word in _WORD.findall(sample.lower()):
        for lang, words in _WORDS.items():
            if word in words:
                counts[lang] += 1
    if not counts:
        return None
    (best, n), *rest = [*counts.most_common(2), ("", 0)]
    if best in ("id", "ms"):  # the two share most function words
        return "ms" if counts["ms"] > counts["id"] else "id"
    return best if n >= 2 and n > rest[0][1] else None


def _by_script(text: str) -> str | None:
    letters = Counter(_script_name(ch) for ch in text if ch.isalpha())
    letters.pop("latin", None)
    if not letters:
        return None
    script, count = letters.most_common(1)[0]
    if count < 3:
        return None
    if script == "han":
        return "ja" if letters["kana"] else "zh"
    if script == "arabic":
        if re.search("[ٹڈڑںے]", text):
            return "ur"
        return "fa" if re.search("[پچژگ]|ی|ک", text) else "ar"
    if script == "cyrillic":
        if re.search("[ўЎ]", text):
            return "be"
        return "uk" if re.search("[іїєґІЇЄҐ]", text) else "ru"
    return {"kana": "ja", "hangul": "ko", "devanagari": "hi", "greek": "el", "thai": "th"}.get(
        script
    )


def _script_name(ch: str) -> str:
    cp = ord(ch)
    if cp < 0x0250:
        return "latin"
    for lo, hi, name in _SCRIPT_RANGES:
        if lo <= cp <= hi:
            return name
    return "other"


_SCRIPT_RANGES = (
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0600, 0x06FF, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0E00, 0x0E7F, "thai"),
    (0x1E00, 0x1EFF, "latin"),
    (0x3040, 0x30FF, "kana"),
    (0x3400, 0x9FFF, "han"),
    (0xAC00, 0xD7A3, "hangul"),
)


def same_language(code: str, wanted: frozenset[str]) -> bool:
    """`zh-Hant` counts as `zh`, `pt-BR` as `pt`."""
    return code.split("-")[0].split("_")[0].lower() in wanted
