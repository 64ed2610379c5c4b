"""SQLite under the state directory: migrations, sources, articles, stories, alerts."""

from monitor.store.store import Store, StoreError

__all__ = ["Store", "StoreError"]
