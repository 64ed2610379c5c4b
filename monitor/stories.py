"""Which articles are the same article, and which tell the same story. Pure decisions, no I/O.

Same article: the same GUID in a source, the same canonical URL, or the same fingerprint (the
normalised headline and opening text). Same story: another outlet's copy (syndicated wire text,
a lightly edited headline) within the story window, found by rapidfuzz similarity of the
normalised headlines and opening texts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from monitor.models import Article
from monitor.text.normalize import fold_plain

_LEAD_CHARS = 300
# Headlines are compared by the mean of token_set_ratio (a copy that adds " - Outlet" or a
# clause) and token_sort_ratio (a copy that rewords): reworded copies of one story score 80-95,
# different stories on the same subject 45-75.
HEADLINE_SAME = 80
LEAD_SAME = 85  # ratio of opening texts: wire copy with a different headline


@dataclass(frozen=True)
class StoryKey:
    headline: str
    lead: str

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(f"{self.headline}\n{self.lead}".encode()).hexdigest()[:32]


def story_key(article: Article) -> StoryKey:
    lead = fold_plain(article.body[: _LEAD_CHARS * 2])[:_LEAD_CHARS]
    return StoryKey(fold_plain(article.title), lead)


def same_story(key: StoryKey, candidates: Sequence[tuple[int, StoryKey]]) -> int | None:
    """The id of the candidate story `key` belongs to, or None for a new story."""
    if not candidates:
        return None
    if key.headline:
        best = process.extractOne(
            key.headline,
            [c.headline for _, c in candidates],
            scorer=_headline_similarity,
            score_cutoff=HEADLINE_SAME,
        )
        if best is not None:
            return candidates[best[2]][0]
    if len(key.lead) >= 80:
        best = process.extractOne(
            key.lead, [c.lead for _, c in candidates], scorer=fuzz.ratio, score_cutoff=LEAD_SAME
        )
        if best is not None:
            return candidates[best[2]][0]
    return None


def _headline_similarity(a: str, b: str, score_cutoff: float | None = None) -> float:
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2
