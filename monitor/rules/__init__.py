"""Hits -> rule decisions (all / any / none, proximity, scores) and their explanation. No I/O."""

from monitor.rules.evaluate import evaluate, evaluate_all

__all__ = ["evaluate", "evaluate_all"]
