"""Watchlists -> alias index -> candidates -> verification -> Hits. No I/O."""

from monitor.matching.matcher import Matcher

__all__ = ["Matcher"]
