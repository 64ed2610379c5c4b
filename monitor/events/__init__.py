"""The events stage: what an article says happened to sanctions, and who acts on whom."""

from monitor.events.extract import ACTS_FOR, CUES, events_of

__all__ = ["ACTS_FOR", "CUES", "events_of"]
