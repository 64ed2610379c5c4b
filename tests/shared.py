"""Files that other people published: where tests and benchmarks find them, and what happens
when they are not there.

Real feeds, article pages, official-list files and evaluation sets are not part of this
repository: they stay in the developers' shared folder beside the clone, `../shared/fixtures/`
(each folder there has a PROVENANCE.md), or wherever MONITOR_SHARED_FIXTURES points. This module
is the one place that names that folder.

- `shared_path("feeds/guardian_us_rss.xml")` gives the file. On a user's clone, where the folder
  is absent, the test that asked is skipped, with one reason for them all; under CI
  (`CI=true`) a missing file fails the test instead, so CI keeps testing everything.
- The official-list excerpts some tests read (a few entries of the UN list, six groups of the
  OFSI 2018 file) are cut from the whole files here, by the rules their PROVENANCE entries give,
  rather than committed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = Path(
    os.environ.get("MONITOR_SHARED_FIXTURES") or ROOT.parent / "shared" / "fixtures"
)
ABSENT = (
    f"third-party files not found: {SHARED_FIXTURES} is absent (a user's clone), so what needs "
    "real feeds, pages or official lists is skipped"
)

# The UN list excerpt: 4 individuals (original-script names, 'Low' quality aliases) and 3
# entities of the consolidated list generated 2026-02-27, by DATAID.
UN_EXCERPT_IDS = ("6908048", "6908049", "6907995", "6907996", "6908402", "6908024", "6908026")
# The OFSI ConList.csv of Nov 2018 (legacy layout), cut to six Group IDs: see
# tests/fixtures/lists/PROVENANCE.md for what each one exercises.
OFSI_2018_GROUPS = ("13190", "13349", "13561", "13222", "13556", "8994")


def shared_available() -> bool:
    return SHARED_FIXTURES.is_dir()


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def shared_path(relative: str) -> Path:
    """The shared file (or folder) RELATIVE to ../shared/fixtures, for a test: skipped where the
    folder is absent, a failure under CI."""
    import pytest  # only tests call this; the benchmarks use SHARED_FIXTURES directly

    path = SHARED_FIXTURES / relative
    if path.exists():
        return path
    if _under_ci():
        pytest.fail(
            f"{path} is missing: CI runs every test of third-party files, so ../shared/fixtures "
            "must hold it",
            pytrace=False,
        )
    if not shared_available():
        pytest.skip(ABSENT)
    pytest.skip(f"{relative} is not in {SHARED_FIXTURES}")


def shared_bytes(relative: str) -> bytes:
    return shared_path(relative).read_bytes()


def un_list_excerpt(full: bytes, ids: tuple[str, ...] = UN_EXCERPT_IDS) -> bytes:
    """The UN consolidated list cut to the INDIVIDUAL and ENTITY elements of these DATAIDs,
    each copied byte for byte, in the order of IDS, between the document's own header and
    closing tags."""
    text = full.decode("utf-8")
    head = text[: text.index("<INDIVIDUALS>") + len("<INDIVIDUALS>")]
    chosen: dict[str, list[str]] = {"INDIVIDUAL": [], "ENTITY": []}
    for kind, found in chosen.items():
        blocks = {
            re.search(r"<DATAID>(\d+)</DATAID>", b).group(1): b  # type: ignore[union-attr]
            for b in re.findall(rf"\n    <{kind}>.*?</{kind}>", text, re.S)
        }
        found += [blocks[i] for i in ids if i in blocks]
    middle, tail = "\n  </INDIVIDUALS>\n  <ENTITIES>", "\n  </ENTITIES>\n</CONSOLIDATED_LIST>\n"
    return "".join([head, *chosen["INDIVIDUAL"], middle, *chosen["ENTITY"], tail]).encode()


def ofsi_2018_excerpt(full: bytes, groups: tuple[str, ...] = OFSI_2018_GROUPS) -> bytes:
    """The rows of OFSI's 2018 ConList.csv whose Group ID (the last column) is one of GROUPS,
    byte for byte and in their order (cp1252, CRLF: the bytes are never decoded)."""
    rows = full.split(b"\r\n")
    keep = [r for r in rows if r and r.rsplit(b",", 1)[-1].strip() in {g.encode() for g in groups}]
    return b"".join(r + b"\r\n" for r in keep)


def exit_unless_shared() -> None:
    """For a benchmark that reads third-party files: one line, and a clean exit, where the
    shared folder is absent."""
    if not shared_available():
        print(f"skipped: {ABSENT}")
        raise SystemExit(0)
