"""SQLite under the state directory, a module per concern: the connection and its transactions
(db), sources, articles and stories (articles), the outbox, incidents, official lists; and the
state folder's lock. All SQL of the package is here."""

from monitor.store.db import set_aside
from monitor.store.lock import StateBusy, StateLock
from monitor.store.store import Store, StoreError

__all__ = ["StateBusy", "StateLock", "Store", "StoreError", "set_aside"]
