"""The one place where the stages meet: article -> hits -> rule decisions."""

from __future__ import annotations

from pathlib import Path

from monitor.config import Config, load_config
from monitor.matching import Matcher
from monitor.models import Article, MatchResult
from monitor.rules import evaluate


class Pipeline:
    """Compiled rules. Building one indexes every alias; reuse it for many articles."""

    def __init__(self, config: Config):
        self.config = config
        self.matcher = Matcher(config.watchlists)

    @classmethod
    def from_file(cls, path: str | Path) -> Pipeline:
        return cls(load_config(path))

    def match(self, article: Article) -> MatchResult:
        hits = self.matcher.find(article)
        rules = tuple(evaluate(rule, article, hits) for rule in self.config.rules)
        return MatchResult(article, tuple(hits), rules)
