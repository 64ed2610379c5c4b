"""Hits -> rule decisions (all / any / none, proximity, scores) and their explanation. No I/O."""

from monitor.rules.evaluate import evaluate

__all__ = ["evaluate"]
