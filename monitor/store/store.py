"""The store: every concern's queries over one SQLite file (db.py), as one object."""

from __future__ import annotations

from monitor.store.articles import ArticlesStore, Known, Recorded, Seen
from monitor.store.db import DB_NAME, StoreError, iso, now
from monitor.store.incidents import IncidentsStore
from monitor.store.lists import ListsStore
from monitor.store.outbox import OutboxStore
from monitor.store.sources import SourcesStore

__all__ = ["DB_NAME", "Known", "Recorded", "Seen", "Store", "StoreError", "iso", "now"]


class Store(SourcesStore, ArticlesStore, OutboxStore, IncidentsStore, ListsStore):
    """Sources, articles and stories, the outbox, incidents and official lists in the state
    folder's database; SQL lives in these modules and nowhere else."""
