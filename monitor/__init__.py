"""sanctions-monitor: watch the news for sanctions events and alert the people who must know."""

__version__ = "0.1.0"
