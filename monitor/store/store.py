"""The store: one SQLite file in WAL mode. Every write that belongs together is one transaction,
so a crash, a kill or a full disk leaves the last committed state, never half of a change."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlite_utils import Database

from monitor.errors import MonitorError
from monitor.models import Article, MatchResult
from monitor.store.schema import migrations
from monitor.stories import StoryKey, same_story

log = logging.getLogger("monitor")

DB_NAME = "monitor.db"
BUSY_TIMEOUT_MS = 5000  # how long a write waits for another process's lock before failing


class StoreError(MonitorError):
    """The database cannot be opened or written (locked, disk full, unreadable)."""


def _disk_full(error: StoreError) -> bool:
    cause = error.__cause__
    return isinstance(cause, sqlite3.Error) and cause.sqlite_errorcode == sqlite3.SQLITE_FULL


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True)
class Seen:
    """An article already in the store."""

    id: int
    fingerprint: str
    story_id: int | None
    rules: frozenset[str]


@dataclass(frozen=True)
class Known:
    """Articles already stored, by each identity an article can be recognised by."""

    by_guid: dict[str, Seen]
    by_url: dict[str, Seen]
    by_fingerprint: dict[str, Seen]

    def get(self, guid: str | None, url: str | None, fingerprint: str) -> Seen | None:
        return (
            (self.by_guid.get(guid) if guid else None)
            or (self.by_url.get(url) if url else None)
            or self.by_fingerprint.get(fingerprint)
        )


@dataclass(frozen=True)
class Recorded:
    """What recording one matched article did."""

    new_alerts: tuple[str, ...]  # rules that raised an alert
    story_id: int | None


class Store:
    def __init__(self, state_dir: str | Path):
        self.path = Path(state_dir) / DB_NAME
        # (deliveries, kind, when) of messages sent whose mark the store could not yet take
        self._unrecorded: list[tuple[tuple[tuple[int, int], ...], str, str]] = []
        self._claimed_in_memory: set[int] = set()  # claims a full disk could not take
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = Database(self.path)
            self.db.enable_wal()
            self.db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            migrations.apply(self.db)
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open the store {self.path}: {e}") from e

    def close(self) -> None:
        self.record_sent()  # a last try: what stays unwritten may be sent again after a restart
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        try:
            with self.db.atomic():
                yield self.db
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot write the store {self.path}: {e}") from e

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        try:
            return list(self.db.query(sql, params))
        except sqlite3.Error as e:
            raise StoreError(f"cannot read the store {self.path}: {e}") from e

    # -- sources ----------------------------------------------------------------------------

    def source_state(self, name: str) -> dict[str, Any]:
        rows = self.query("SELECT * FROM sources WHERE name = ?", [name])
        return rows[0] if rows else {"name": name, "error_count": 0}

    def record_poll(
        self,
        name: str,
        *,
        error: str | None,
        etag: str | None = None,
        last_modified: str | None = None,
        backoff_until: datetime | None = None,
        new_articles: int = 0,
        new_alerts: int = 0,
    ) -> None:
        moment = iso(now())
        state = self.source_state(name)
        row = {
            "name": name,
            "last_poll": moment,
            "backoff_until": iso(backoff_until) if backoff_until else None,
            "articles": (state.get("articles") or 0) + new_articles,
            "alerts": (state.get("alerts") or 0) + new_alerts,
        }
        if error is None:
            row |= {
                "last_success": moment,
                "error_count": 0,
                "last_error": None,
                "failing_since": None,
            }
            if etag is not None or last_modified is not None:
                row |= {"etag": etag, "last_modified": last_modified}
        else:
            row |= {
                "last_error": error,
                "error_count": (state.get("error_count") or 0) + 1,
                "failing_since": state.get("failing_since") or moment,
            }
        with self.transaction() as db:
            db.table("sources").upsert(row, pk="name")

    # -- articles, stories, alerts ----------------------------------------------------------

    def known(
        self, source: str, guids: list[str], urls: list[str], fingerprints: list[str]
    ) -> Known:
        """The articles already stored under any of these identities, in three queries for a
        whole document rather than three per item."""

        def rows(where: str, values: list[str], extra: Sequence[str] = ()) -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []
            for i in range(0, len(values), 500):  # SQLite's limit on bound parameters
                chunk = values[i : i + 500]
                marks = ",".join("?" * len(chunk))
                out += self.query(
                    "SELECT id, guid, canonical_url, fingerprint, story_id, rules FROM articles"
                    f" WHERE {where} IN ({marks}){' AND source = ?' if extra else ''}",
                    [*chunk, *extra],
                )
            return out

        def seen(r: dict[str, Any]) -> Seen:
            return Seen(r["id"], r["fingerprint"], r["story_id"], frozenset(json.loads(r["rules"])))

        return Known(
            {r["guid"]: seen(r) for r in rows("guid", guids, [source])},
            {r["canonical_url"]: seen(r) for r in rows("canonical_url", urls)},
            {r["fingerprint"]: seen(r) for r in rows("fingerprint", fingerprints)},
        )

    def record(
        self,
        source: str,
        article: Article,
        key: StoryKey,
        canonical_url: str | None,
        result: MatchResult,
        severities: Mapping[str, str],
        story_window: float,
        seen: Seen | None = None,
        targets: Mapping[str, Sequence[tuple[str, int]]] | None = None,
        digest_rules: frozenset[str] = frozenset(),
        own_story: bool = False,  # never a copy of another story (a list change)
        details: Mapping[str, Any] | None = None,  # more for the message (a list's changes)
    ) -> Recorded:
        """Store a new (or edited) article and, if it fired rules, its story and new alerts,
        all in one transaction: an alert exists exactly when its match does."""
        moment = now()
        fired = set(result.fired)
        with self.transaction() as db:
            if seen is None:
                article_id = cast(
                    int,  # an INTEGER PRIMARY KEY
                    db.table("articles")
                    .insert(
                        {
                            "source": source,  # the configured source: guids are unique in it
                            "guid": article.guid,
                            "canonical_url": canonical_url,
                            "fingerprint": key.fingerprint,
                            "title": article.title,
                            "url": article.url,
                            "lang": article.lang,
                            "published": article.published,
                            "seen_at": iso(moment),
                            "rules": json.dumps(sorted(fired)),
                        }
                    )
                    .last_pk,
                )
                story_id = None
            else:
                article_id, story_id = seen.id, seen.story_id
                fired |= seen.rules
                db.table("articles").update(
                    article_id, {"fingerprint": key.fingerprint, "rules": json.dumps(sorted(fired))}
                )
            if not result.fired:
                return Recorded((), story_id)
            if story_id is None:
                window = 0.0 if own_story else story_window
                story_id = self._story_for(db, key, article.title, moment, window)
                db.table("articles").update(article_id, {"story_id": story_id})
            new_alerts = []
            for rule in result.rules:
                if not rule.fired:
                    continue
                payload = {
                    "article": {k: v for k, v in vars(article).items() if v},
                    "reason": rule.reason,
                    "hits": [h.as_dict() for h in result.hits],  # everything the article names
                    "evidence": [h.as_dict() for h in rule.evidence],  # what made it fire
                    **(details or {}),
                }
                inserted = db.execute(
                    "INSERT OR IGNORE INTO alerts (story_id, rule, severity, article_id,"
                    " created_at, payload) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        story_id,
                        rule.rule,
                        severities.get(rule.rule, "medium"),
                        article_id,
                        iso(moment),
                        json.dumps(payload, ensure_ascii=False),
                    ],
                )
                if inserted.rowcount:
                    new_alerts.append(rule.rule)
                    status = "held" if rule.rule in digest_rules else "pending"
                    wanted = (targets or {}).get(rule.rule, ())
                    sent = self._add_deliveries(db, inserted.lastrowid, story_id, wanted, status)
                    if wanted and not sent:
                        # Every target already has this story from another rule's alert.
                        db.execute(
                            "UPDATE alerts SET status = 'covered' WHERE id = ?",
                            [inserted.lastrowid],
                        )
            return Recorded(tuple(new_alerts), story_id)

    @staticmethod
    def _add_deliveries(
        db: Database,
        alert_id: int | None,
        story_id: int,
        targets: Sequence[tuple[str, int]],
        status: str,
    ) -> int:
        """One delivery per target URL that does not have this story yet (a story reaches a
        target once, whichever of its rules fired first); how many were added."""
        added = 0
        for target, urls in targets:
            for index in range(urls):
                added += db.execute(
                    "INSERT INTO deliveries (alert_id, target, url_index, next_attempt, status)"
                    " SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deliveries d"
                    " JOIN alerts a ON a.id = d.alert_id WHERE a.story_id = ? AND d.target = ?"
                    " AND d.url_index = ? AND d.status != 'failed')",
                    [alert_id, target, index, iso(now()), status, story_id, target, index],
                ).rowcount
        return added

    def _story_for(
        self, db: Database, key: StoryKey, title: str, moment: datetime, window: float
    ) -> int:
        since = iso(moment - timedelta(seconds=window))
        rows = list(
            db.query(
                "SELECT id, headline, lead FROM stories WHERE last_seen >= ? ORDER BY id",
                [since],
            )
        )
        candidates = [(r["id"], StoryKey(r["headline"], r["lead"])) for r in rows if window > 0]
        story_id = same_story(key, candidates)
        if story_id is not None:
            db.execute(
                "UPDATE stories SET copies = copies + 1, last_seen = ? WHERE id = ?",
                [iso(moment), story_id],
            )
            return story_id
        return int(
            db.table("stories")
            .insert(
                {
                    "headline": key.headline,
                    "lead": key.lead,
                    "title": title,
                    "first_seen": iso(moment),
                    "last_seen": iso(moment),
                    "copies": 1,
                }
            )
            .last_pk  # type: ignore[arg-type]  # an INTEGER PRIMARY KEY
        )

    # -- reading and housekeeping -----------------------------------------------------------

    def check_writable(self) -> None:
        """Raise StoreError unless a write transaction can start (locked, read-only file)."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("ROLLBACK")
        except sqlite3.Error as e:
            raise StoreError(f"the store {self.path} cannot be written: {e}") from e

    def sources(self) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM sources ORDER BY name")

    def alerts(self, limit: int = 20, status: str | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE a.status = ?", [status]) if status else ("", [])
        return self.query(
            "SELECT a.id, a.rule, a.severity, a.status, a.created_at, a.payload, s.title,"
            " s.copies, s.id AS story_id FROM alerts a JOIN stories s ON s.id = a.story_id"
            f" {where} ORDER BY a.id DESC LIMIT ?",
            [*params, limit],
        )

    def undeliverable(self) -> list[dict[str, Any]]:
        """Pending alerts with no delivery: their rules have no configured target."""
        return self.query(
            "SELECT a.id, a.rule, a.severity, a.status, a.created_at, a.payload, s.title,"
            " s.copies, s.id AS story_id FROM alerts a JOIN stories s ON s.id = a.story_id"
            " WHERE a.status = 'pending' AND NOT EXISTS"
            " (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id) ORDER BY a.id"
        )

    def claim_due(self, owner: str, lease: float) -> dict[str, Any] | None:
        """The next delivery that is due, claimed for OWNER for LEASE seconds; None when none
        is. The claim is one conditional UPDATE, so two senders never both win a delivery."""
        self.record_sent()
        skip = sorted(self._sent_unrecorded() | self._claimed_in_memory)
        moment = now()
        due = (
            "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt <= ?"
            " AND (claimed_until IS NULL OR claimed_until < ?)"
            f" AND id NOT IN ({','.join('?' * len(skip))}) ORDER BY id LIMIT 20"
        )
        try:
            with self.transaction() as db:
                for row in db.query(due, [iso(moment), iso(moment), *skip]):
                    claimed = db.execute(
                        "UPDATE deliveries SET claimed_by = ?, claimed_until = ? WHERE id = ?"
                        " AND (claimed_until IS NULL OR claimed_until < ?)",
                        [owner, iso(moment + timedelta(seconds=lease)), row["id"], iso(moment)],
                    )
                    if claimed.rowcount:
                        return self._delivery(db, row["id"])
            return None
        except StoreError as e:
            if not _disk_full(e):
                raise
        # A full disk takes no claim. The sender holds the state folder's lock (one writer per
        # folder), so a claim in memory is enough until its delivery's outcome is written: the
        # alert goes out now rather than when the disk has room.
        rows = self.query(due, [iso(moment), iso(moment), *skip])
        if not rows:
            return None
        self._claimed_in_memory.add(rows[0]["id"])
        return self._delivery(self.db, rows[0]["id"])

    @staticmethod
    def _delivery(db: Database, delivery_id: int) -> dict[str, Any]:
        return next(
            iter(
                db.query(
                    "SELECT d.*, a.rule, a.severity, a.payload, a.created_at, a.story_id,"
                    " s.title FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
                    " JOIN stories s ON s.id = a.story_id WHERE d.id = ?",
                    [delivery_id],
                )
            )
        )

    def release_claims(self) -> int:
        """Forget every claim: called by the process holding the state folder's lock, so
        every claim left is of a process that has died mid-send (its message may be sent
        again: the one duplicate possible)."""
        with self.transaction() as db:
            return int(
                db.execute(
                    "UPDATE deliveries SET claimed_by = NULL, claimed_until = NULL"
                    " WHERE claimed_by IS NOT NULL"
                ).rowcount
            )

    def delivery_done(self, delivery_id: int, alert_id: int) -> None:
        self.deliveries_done([(delivery_id, alert_id)], "single")
        self._claimed_in_memory.discard(delivery_id)

    def deliveries_done(self, done: Sequence[tuple[int, int]], kind: str) -> None:
        """Mark deliveries sent (one message each, or all in one digest) and log the send.

        Never raises: the message is out, whatever the disk says. A mark the store cannot take
        (a full disk) is kept in memory, written before anything else is read as due, and its
        deliveries are never offered again meanwhile: sent once is sent once."""
        if done:
            self._unrecorded.append((tuple(done), kind, iso(now())))
        self.record_sent()

    def record_sent(self) -> bool:
        """Write the marks of sends the store could not take yet; False if some still wait."""
        while self._unrecorded:
            try:
                self._write_done(*self._unrecorded[0])
            except StoreError as e:
                log.error("%s: %d sends waiting to be recorded", e, len(self._unrecorded))
                return False
            self._unrecorded.pop(0)
        return True

    def _sent_unrecorded(self) -> set[int]:
        return {delivery for done, _, _ in self._unrecorded for delivery, _ in done}

    def _write_done(self, done: Sequence[tuple[int, int]], kind: str, moment: str) -> None:
        with self.transaction() as db:
            for delivery_id, alert_id in done:
                db.execute(
                    "UPDATE deliveries SET status = 'delivered', delivered_at = ?,"
                    " attempts = attempts + 1, last_error = NULL, claimed_by = NULL,"
                    " claimed_until = NULL WHERE id = ?",
                    [moment, delivery_id],
                )
                self._settle(db, alert_id)
            target = db.execute(
                "SELECT target, url_index FROM deliveries WHERE id = ?", [done[0][0]]
            ).fetchone()
            sends = done if kind == "single" else done[:1]
            for _ in sends:
                db.execute(
                    "INSERT INTO sends (target, url_index, kind, sent_at) VALUES (?, ?, ?, ?)",
                    [target[0], target[1], kind, moment],
                )

    def sends_since(self, target: str, url_index: int, kind: str, since: datetime) -> int:
        rows = self.query(
            "SELECT count(*) AS n FROM sends WHERE target = ? AND url_index = ? AND kind = ?"
            " AND sent_at >= ?",
            [target, url_index, kind, iso(since)],
        )
        return int(rows[0]["n"])

    def delivery_states(self) -> list[dict[str, Any]]:
        """Per target URL: deliveries pending, held for a digest, failed; the last error."""
        return self.query(
            "SELECT target, url_index, sum(status = 'pending') AS pending,"
            " sum(status = 'held') AS held, sum(status = 'failed') AS failed,"
            " sum(status = 'delivered') AS delivered,"
            " (SELECT last_error FROM deliveries e WHERE e.target = d.target"
            "  AND e.url_index = d.url_index AND e.last_error IS NOT NULL"
            "  ORDER BY e.id DESC LIMIT 1) AS last_error"
            " FROM deliveries d GROUP BY target, url_index ORDER BY target, url_index"
        )

    def open_incident(self, key: str, detail: str) -> bool:
        """Record an incident; False if it was already open (announced once per incident)."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO incidents (key, opened_at, detail) VALUES (?, ?, ?)",
                [key, iso(now()), detail],
            )
            return bool(cursor.rowcount)

    def close_incident(self, key: str) -> bool:
        """Close an incident; False if none was open."""
        with self.transaction() as db:
            return bool(db.execute("DELETE FROM incidents WHERE key = ?", [key]).rowcount)

    def hold(self, delivery_id: int) -> None:
        """Over the target's flood limit: wait for the next digest instead of going alone."""
        self._claimed_in_memory.discard(delivery_id)
        with self.transaction() as db:
            db.execute(
                "UPDATE deliveries SET status = 'held', claimed_by = NULL, claimed_until = NULL"
                " WHERE id = ?",
                [delivery_id],
            )

    def held(self) -> list[dict[str, Any]]:
        """Deliveries held for a digest whose time may have come: not claimed, not backing
        off after a failed digest, not sent with their mark waiting for the disk."""
        sent = self._sent_unrecorded()
        moment = iso(now())
        rows = self.query(
            "SELECT d.id, d.alert_id, d.target, d.url_index, d.attempts, a.rule, a.payload,"
            " a.created_at, s.title"
            " FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
            " JOIN stories s ON s.id = a.story_id WHERE d.status = 'held'"
            " AND d.next_attempt <= ? AND (d.claimed_until IS NULL OR d.claimed_until < ?)"
            " ORDER BY d.id",
            [moment, moment],
        )
        return [r for r in rows if r["id"] not in sent]

    def claim(self, delivery_ids: Sequence[int], owner: str, lease: float) -> list[int]:
        """Claim these deliveries for OWNER for LEASE seconds; the ones won (not claimed by
        another sender meanwhile)."""
        moment = now()
        won = []
        with self.transaction() as db:
            for delivery_id in delivery_ids:
                if db.execute(
                    "UPDATE deliveries SET claimed_by = ?, claimed_until = ? WHERE id = ?"
                    " AND (claimed_until IS NULL OR claimed_until < ?)",
                    [owner, iso(moment + timedelta(seconds=lease)), delivery_id, iso(moment)],
                ).rowcount:
                    won.append(delivery_id)
        return won

    def digest_failed(
        self, deliveries: Sequence[tuple[int, int]], error: str, retry_at: datetime | None
    ) -> None:
        """A digest was not acknowledged: its deliveries wait until `retry_at`, held for the
        next digest, or are failed for good (None)."""
        with self.transaction() as db:
            for delivery_id, alert_id in deliveries:
                db.execute(
                    "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, status = ?,"
                    " next_attempt = COALESCE(?, next_attempt), claimed_by = NULL,"
                    " claimed_until = NULL WHERE id = ?",
                    [
                        error,
                        "held" if retry_at else "failed",
                        iso(retry_at) if retry_at else None,
                        delivery_id,
                    ],
                )
                self._settle(db, alert_id)

    def delivery_failed(
        self, delivery_id: int, alert_id: int, error: str, retry_at: datetime | None
    ) -> None:
        """Retry at `retry_at`, or give up (None): the delivery is marked failed."""
        self._claimed_in_memory.discard(delivery_id)
        with self.transaction() as db:
            db.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, status = ?,"
                " next_attempt = COALESCE(?, next_attempt), claimed_by = NULL,"
                " claimed_until = NULL WHERE id = ?",
                [
                    error,
                    "pending" if retry_at else "failed",
                    iso(retry_at) if retry_at else None,
                    delivery_id,
                ],
            )
            self._settle(db, alert_id)

    @staticmethod
    def _settle(db: Database, alert_id: int) -> None:
        """An alert is delivered when all its deliveries are, failed when one finally failed."""
        states = {
            r["status"]
            for r in db.query("SELECT status FROM deliveries WHERE alert_id = ?", [alert_id])
        }
        if not states & {"pending", "held"}:
            status = "failed" if "failed" in states else "delivered"
            db.execute("UPDATE alerts SET status = ? WHERE id = ?", [status, alert_id])

    def mark(self, alert_id: int, status: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE alerts SET status = ? WHERE id = ?", [status, alert_id])

    def story_copies(self, story_id: int) -> list[dict[str, Any]]:
        return self.query(
            "SELECT source, title, url, seen_at FROM articles WHERE story_id = ? ORDER BY id",
            [story_id],
        )

    def prune(self, retention: float) -> int:
        """Forget articles and stories older than `retention` seconds (not pending alerts)."""
        cutoff = iso(now() - timedelta(seconds=retention))
        with self.transaction() as db:
            old = db.execute(
                "DELETE FROM articles WHERE seen_at < ? AND id NOT IN"
                " (SELECT article_id FROM alerts WHERE status = 'pending')",
                [cutoff],
            ).rowcount
            db.execute("DELETE FROM alerts WHERE created_at < ? AND status != 'pending'", [cutoff])
            db.execute(
                "DELETE FROM stories WHERE last_seen < ? AND id NOT IN"
                " (SELECT story_id FROM alerts)",
                [cutoff],
            )
        return int(old)
