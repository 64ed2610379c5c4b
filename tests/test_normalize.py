"""Normalisation folds spelling variants and maps every span back to the original text."""

from __future__ import annotations

import pytest

from monitor.text.latin import latinize
from monitor.text.normalize import fold, fold_plain


@pytest.mark.parametrize(
    ("original", "folded"),
    [
        ("Nicolás MADURO", "nicolas maduro"),
        ("Rusya'ya İran'ın", "rusya ya iran in"),  # Turkish apostrophe suffixes, dotted İ
        ("Ёлка Россией", "елка россиеи"),  # Cyrillic ё/е, й/и
        ("العقوبات الأمريكية", "العقوبات الامریکیه"),  # alef with hamza, yeh, teh marbuta
        ("عُقُوبَات", "عقوبات"),  # harakat dropped
        ("تحریم‌ها", "تحریم ها"),  # ZWNJ read as a word break
        ("U.S.-led", "u s led"),
        ("ＥＵ　制裁", "eu 制裁"),  # full-width forms (NFKC)
        ("lệnh trừng phạt Đà", "lenh trung phat da"),
    ],
)
def test_fold(original: str, folded: str) -> None:
    assert fold_plain(original) == folded


@pytest.mark.parametrize(
    "text",
    [
        "Die Straße: Sanktionen gegen Russland",  # ß becomes two letters
        "soft\u00adhyphen then Russland",  # a soft hyphen vanishes
        "ﬁnal ﬂag Russland",  # ligatures expand
        "Krieg ,  ... ; « Russland",  # punctuation folds to spaces, whose runs collapse
        "Russland",
    ],
)
def test_spans_map_back_to_the_original(text: str) -> None:
    """Whatever changed length before it, a found word maps back to its original characters."""
    folded = fold(text)
    start = folded.text.index("russland")
    s, e = folded.original_span(start, start + len("russland"))
    assert text[s:e] == "Russland"


@pytest.mark.parametrize(
    ("text", "word", "latin"),
    [
        ("санкции против Роснефти", "Роснефти", "rosnefti"),  # ь: no letter at all
        ("ЖЖ, щука и Хабаровск", "Хабаровск", "khabarovsk"),  # ж, щ: several letters
        ("制裁 😀 Ελλάδα «Газпром»", "Газпром", "gazprom"),  # other scripts stay as they are
    ],
)
def test_transliteration_maps_back_to_the_original(text: str, word: str, latin: str) -> None:
    """The Latin reading of Cyrillic and Greek, whatever letters before turned into two or none,
    maps a found name back to the letters it was read from."""
    folded = fold(text)
    latinized = latinize(folded.text)
    assert latinized is not None
    start = latinized.text.index(latin)
    s = latinized.origin(start)
    e = latinized.origin(start + len(latin) - 1) + 1
    o_start, o_end = folded.original_span(s, e)
    assert text[o_start:o_end] == word


def test_text_without_cyrillic_or_greek_has_no_latin_reading() -> None:
    assert latinize(fold("Sanktionen gegen Russland").text) is None
