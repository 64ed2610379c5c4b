"""SQLite under the state directory: migrations, sources, articles, stories, alerts."""

from monitor.store.lock import StateBusy, StateLock
from monitor.store.store import Store, StoreError

__all__ = ["StateBusy", "StateLock", "Store", "StoreError"]
