"""Print CLDR's names of the built-in watchlists' places in one language, as a seed for its
language file (monitor/languages/<code>.yaml).

CLDR (through Babel) has each country's name in 200+ languages, but none of what news writes
besides: inflected forms, adjectives, capitals, metonyms. Its names are where a new language
file starts, and what `tests/test_languages.py` checks every language file against; the rest
is written by hand.

    python tools/cldr_names.py pl
"""

from __future__ import annotations

import sys

from babel import Locale, UnknownLocaleError

# Entry of the built-in watchlists -> CLDR territory code.
TERRITORIES = {
    "Russia": "RU",
    "Iran": "IR",
    "North Korea": "KP",
    "Syria": "SY",
    "Venezuela": "VE",
    "Cuba": "CU",
    "Belarus": "BY",
    "Myanmar": "MM",
    "United States": "US",
    "United Kingdom": "GB",
    "European Union": "EU",
    "United Nations": "UN",
    "Japan": "JP",
    "Canada": "CA",
    "Switzerland": "CH",
    "Norway": "NO",
    "Australia": "AU",
    "New Zealand": "NZ",
    "South Korea": "KR",
    "Taiwan": "TW",
    "Ukraine": "UA",
    "France": "FR",
    "Germany": "DE",
    "Italy": "IT",
}
# The entries of the built-in watchlist `sanctioning_actors`; the rest are `countries`.
ACTORS = frozenset(list(TERRITORIES)[8:])
# Our language codes whose CLDR locale has another name, or that have a second script.
LOCALES = {"sr": ("sr", "sr_Latn"), "uz": ("uz", "uz_Cyrl"), "be": ("be",), "tl": ("fil",)}


def names(code: str) -> dict[str, list[str]]:
    """Entry -> CLDR's names of it in language `code` (each script's, without parentheses:
    "Myanmar (Burma)" gives both)."""
    out: dict[str, list[str]] = {}
    for locale_code in LOCALES.get(code, (code,)):
        try:
            territories = Locale.parse(locale_code).territories
        except (UnknownLocaleError, ValueError):
            continue
        for entry, territory in TERRITORIES.items():
            name = territories.get(territory)
            if not name:
                continue
            for part in name.replace("(", ",").replace(")", "").split(","):
                if part.strip() and part.strip() not in out.setdefault(entry, []):
                    out[entry].append(part.strip())
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    found = names(argv[0])
    if not found:
        print(f"CLDR has no names for {argv[0]!r}", file=sys.stderr)
        return 1
    for title, in_it in (("countries", False), ("sanctioning_actors", True)):
        print(f"  {title}:")
        for entry, written in found.items():
            if (entry in ACTORS) == in_it:
                print(f"    {entry}:")
                print("".join(f"      - {name}\n" for name in written), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
