"""The events stage: what an article says happened to sanctions, and who acts on whom."""

from monitor.events.extract import CUES, events_of

__all__ = ["CUES", "events_of"]
