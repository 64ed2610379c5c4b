"""The outbox: one delivery per alert and target URL, claimed before it is sent, marked when
the service acknowledged it; digests held and sent together; the sends the flood limit counts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from monitor.models import AlertPayload
from monitor.store.db import Connection, StoreError, _disk_full, iso, now

log = logging.getLogger("monitor")


@dataclass(frozen=True)
class Delivery:
    """One alert to one target URL, as the sender needs it."""

    id: int
    alert_id: int
    target: str
    url_index: int
    attempts: int
    rule: str
    severity: str
    created_at: str  # the alert's, ISO 8601 UTC: `delivery_max_age` counts from it
    story_id: int
    payload: AlertPayload

    @classmethod
    def of_row(cls, row: dict[str, Any]) -> Delivery:
        return cls(
            row["id"],
            row["alert_id"],
            row["target"],
            row["url_index"],
            row["attempts"],
            row["rule"],
            row["severity"],
            row["created_at"],
            row["story_id"],
            AlertPayload.from_json(row["payload"]),
        )


_DELIVERY = (
    "SELECT d.id, d.alert_id, d.target, d.url_index, d.attempts, a.rule, a.severity,"
    " a.created_at, a.story_id, a.payload FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
)


class OutboxStore(Connection):
    def __init__(self, state_dir: str | Path):
        super().__init__(state_dir)
        # (deliveries, kind, when) of messages sent whose mark the store could not yet take
        self._unrecorded: list[tuple[tuple[tuple[int, int], ...], str, str]] = []
        self._claimed_in_memory: set[int] = set()  # claims a full disk could not take

    def close(self) -> None:
        self.record_sent()  # a last try: what stays unwritten may be sent again after a restart
        super().close()

    def undeliverable(self) -> list[dict[str, Any]]:
        """Pending alerts with no delivery: their rules have no configured target."""
        return self.query(
            "SELECT a.id, a.rule, a.severity, a.status, a.created_at, a.payload, s.title,"
            " s.copies, s.id AS story_id FROM alerts a JOIN stories s ON s.id = a.story_id"
            " WHERE a.status = 'pending' AND NOT EXISTS"
            " (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id) ORDER BY a.id"
        )

    def claim_due(self, owner: str, lease: float) -> Delivery | None:
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
                    if _claim(db, row["id"], owner, lease, moment):
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
    def _delivery(db: Database, delivery_id: int) -> Delivery:
        return Delivery.of_row(next(iter(db.query(_DELIVERY + " WHERE d.id = ?", [delivery_id]))))

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

    def hold(self, delivery_id: int) -> None:
        """Over the target's flood limit: wait for the next digest instead of going alone."""
        self._claimed_in_memory.discard(delivery_id)
        with self.transaction() as db:
            db.execute(
                "UPDATE deliveries SET status = 'held', claimed_by = NULL, claimed_until = NULL"
                " WHERE id = ?",
                [delivery_id],
            )

    def held(self) -> list[Delivery]:
        """Deliveries held for a digest whose time may have come: not claimed, not backing
        off after a failed digest, not sent with their mark waiting for the disk."""
        sent = self._sent_unrecorded()
        moment = iso(now())
        rows = self.query(
            _DELIVERY + " WHERE d.status = 'held' AND d.next_attempt <= ?"
            " AND (d.claimed_until IS NULL OR d.claimed_until < ?) ORDER BY d.id",
            [moment, moment],
        )
        return [Delivery.of_row(r) for r in rows if r["id"] not in sent]

    def claim(self, delivery_ids: Sequence[int], owner: str, lease: float) -> list[int]:
        """Claim these deliveries for OWNER for LEASE seconds; the ones won (not claimed by
        another sender meanwhile)."""
        moment = now()
        with self.transaction() as db:
            return [d for d in delivery_ids if _claim(db, d, owner, lease, moment)]

    def digest_failed(
        self, deliveries: Sequence[tuple[int, int]], error: str, retry_at: datetime | None
    ) -> None:
        """A digest was not acknowledged: its deliveries wait until `retry_at`, held for the
        next digest, or are failed for good (None)."""
        self._failed(deliveries, error, retry_at, "held")

    def delivery_failed(
        self, delivery_id: int, alert_id: int, error: str, retry_at: datetime | None
    ) -> None:
        """Retry at `retry_at`, or give up (None): the delivery is marked failed."""
        self._claimed_in_memory.discard(delivery_id)
        self._failed([(delivery_id, alert_id)], error, retry_at, "pending")

    def _failed(
        self,
        deliveries: Sequence[tuple[int, int]],
        error: str,
        retry_at: datetime | None,
        waiting: str,
    ) -> None:
        with self.transaction() as db:
            for delivery_id, alert_id in deliveries:
                db.execute(
                    "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, status = ?,"
                    " next_attempt = COALESCE(?, next_attempt), claimed_by = NULL,"
                    " claimed_until = NULL WHERE id = ?",
                    [
                        error,
                        waiting if retry_at else "failed",
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


def _claim(db: Database, delivery_id: int, owner: str, lease: float, moment: datetime) -> bool:
    """One conditional UPDATE: two senders never both win a delivery."""
    return bool(
        db.execute(
            "UPDATE deliveries SET claimed_by = ?, claimed_until = ? WHERE id = ?"
            " AND (claimed_until IS NULL OR claimed_until < ?)",
            [owner, iso(moment + timedelta(seconds=lease)), delivery_id, iso(moment)],
        ).rowcount
    )
