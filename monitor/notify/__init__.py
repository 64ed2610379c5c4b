"""Outbox -> Apprise: messages, per-URL deliveries, retries with backoff."""
